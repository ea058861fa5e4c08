import ArgumentParser

/// A word where a subcommand belongs that names none (`coffer blance`): said as such, with the
/// nearest command when one is close (SPEC §8: a usage error, exit 64), instead of the default
/// command's usage.
struct UnknownCommand: Equatable {
    /// What was typed.
    let word: String
    /// The command it most likely meant.
    let suggestion: String?
    /// The command path it was typed after (`coffer usage`).
    let path: String

    /// `unknown command 'blance' — did you mean 'balance'?`
    var message: String {
        let known = suggestion.map { " — did you mean '\($0)'?" } ?? " (see '\(path) --help')"
        return "unknown command '\(word)'" + known
    }

    /// The first word of `arguments` (global options already hoisted after the subcommand) that
    /// stands where a subcommand must and names none of the command's subcommands.
    static func find(in arguments: [String], root: any ParsableCommand.Type) -> UnknownCommand? {
        var command = root
        var path = [name(of: root)]
        for word in arguments {
            let subcommands = command.configuration.subcommands
            guard !subcommands.isEmpty, !word.hasPrefix("-"), word != "help" else { return nil }
            if let next = subcommands.first(where: { name(of: $0) == word || $0.configuration.aliases.contains(word) }) {
                command = next
                path.append(word)
                continue
            }
            let names = subcommands.map(name(of:))
            return UnknownCommand(word: word, suggestion: nearest(word, in: names), path: path.joined(separator: " "))
        }
        return nil
    }

    /// The command's name as typed.
    static func name(of command: any ParsableCommand.Type) -> String {
        command.configuration.commandName ?? command._commandName
    }

    /// The name closest to `word` by edit distance, if it is close enough to be a typo
    /// (at most a third of the word, and at least one edit allowed), or the one `word` begins.
    static func nearest(_ word: String, in names: [String]) -> String? {
        let limit = max(1, word.count / 3)
        let scored = names.map { (name: $0, distance: distance(word.lowercased(), $0)) }
        if let best = scored.min(by: { $0.distance < $1.distance }), best.distance <= limit { return best.name }
        return word.count >= 3 ? names.first { $0.hasPrefix(word.lowercased()) } : nil
    }

    /// Levenshtein distance, with a swap of two neighbours counting as one edit.
    static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        guard !a.isEmpty else { return b.count }
        guard !b.isEmpty else { return a.count }
        var d = Array(repeating: Array(repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in 0...a.count { d[i][0] = i }
        for j in 0...b.count { d[0][j] = j }
        for i in 1...a.count {
            for j in 1...b.count {
                d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] { d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1) }
            }
        }
        return d[a.count][b.count]
    }
}
