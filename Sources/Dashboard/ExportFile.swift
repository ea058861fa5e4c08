import CofferCore
import Foundation

/// Where the Usage tab's `e` puts an export, and how it writes it without ever replacing a file.
///
/// The folder is the current directory — where the dashboard was started, as a shell's `>` would
/// write — when it is writable, else `$HOME`. The file is `coffer-<tab>-<day>.csv`; when that name
/// is taken it becomes `coffer-<tab>-<day>-1.csv`, `-2.csv` and so on. Each name is created with
/// `O_EXCL`, so a file that appears meanwhile is never overwritten either.
enum ExportFile {
    /// The current directory when it is writable, else `$HOME` when that is; nil when neither is.
    static func defaultFolder() -> String? {
        let home = ProcessInfo.processInfo.environment["HOME"].flatMap { $0.isEmpty ? nil : $0 }
        return [FileManager.default.currentDirectoryPath, home].compactMap { $0 }.first { access($0, W_OK) == 0 }
    }

    /// Writes `text` to a new file `folder/base.ext` (or `base-1.ext`, `base-2.ext`… when taken) and returns its path.
    static func write(_ text: String, folder: String, base: String, ext: String) throws -> String {
        var attempt = 0
        while true {
            let path = folder + "/" + base + (attempt == 0 ? "" : "-\(attempt)") + "." + ext
            let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
            if fd < 0, errno == EEXIST {
                attempt += 1
                continue
            }
            guard fd >= 0 else { throw failure(path) }
            defer { close(fd) }
            let bytes = Array(text.utf8)
            var written = 0
            while written < bytes.count {
                let n = bytes[written...].withUnsafeBytes { Foundation.write(fd, $0.baseAddress, $0.count) }
                if n < 0, errno == EINTR { continue }
                guard n > 0 else {
                    let error = failure(path)
                    unlink(path) // no half-written export is left behind
                    throw error
                }
                written += n
            }
            return path
        }
    }

    /// The store's kind of error, so the status line shows it as it shows a refusal.
    private static func failure(_ path: String) -> CofferError {
        CofferError("Cannot write \(path): \(String(cString: strerror(errno)))")
    }
}
