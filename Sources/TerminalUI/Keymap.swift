/// One entry of a keymap: the keys, what they do, and how to describe them.
public struct KeyBinding<Action: Sendable>: Sendable {
    /// Keys that trigger the action; the first one is shown in hints.
    public var keys: [Key]
    /// The action to perform.
    public var action: Action
    /// A short description ("Quit", "Search").
    public var help: String
    /// The group the help overlay lists it under ("Global", "Table").
    public var group: String
    /// True to show it in the footer, not only in the help overlay.
    public var inFooter: Bool

    /// Creates a binding.
    public init(_ keys: [Key], _ action: Action, help: String, group: String = "General", inFooter: Bool = true) {
        self.keys = keys
        self.action = action
        self.help = help
        self.group = group
        self.inFooter = inFooter
    }

    /// Key names as shown in hints, e.g. "j/↓".
    public func keyLabel(glyphs: Glyphs) -> String {
        keys.map { $0.name(glyphs: glyphs) }.joined(separator: "/")
    }
}

/// The keys of a screen: looked up when a key arrives and rendered by ``Footer`` and ``HelpOverlay``.
public struct Keymap<Action: Sendable>: Sendable {
    /// Bindings in display order.
    public var bindings: [KeyBinding<Action>]

    /// Creates a keymap.
    public init(_ bindings: [KeyBinding<Action>]) { self.bindings = bindings }

    /// The action bound to a key (the first matching binding wins).
    public func action(for key: Key) -> Action? {
        bindings.first { $0.keys.contains(key) }?.action
    }

    /// Group names in first-appearance order, each with its bindings.
    public var groups: [(name: String, bindings: [KeyBinding<Action>])] {
        var order: [String] = []
        var byGroup: [String: [KeyBinding<Action>]] = [:]
        for b in bindings {
            if byGroup[b.group] == nil { order.append(b.group) }
            byGroup[b.group, default: []].append(b)
        }
        return order.map { ($0, byGroup[$0]!) }
    }
}
