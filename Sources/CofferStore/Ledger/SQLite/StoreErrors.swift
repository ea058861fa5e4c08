import CofferCore
import Foundation
import GRDB

/// File permission checks that hold for root too: a file without write bits is treated as
/// read-only even though root could write it.
enum FilePermissions {
    static func isWritable(_ path: String) -> Bool {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
              let mode = attributes[.posixPermissions] as? Int else { return false }
        return mode & 0o222 != 0 && FileManager.default.isWritableFile(atPath: path)
    }
}

/// Turns SQLite and GRDB errors into one-line messages that name the cause (SPEC §10).
enum StoreErrors {
    /// How long a writer waits for another process's lock before giving up (SPEC §10).
    static let busyTimeout: TimeInterval = 5

    static func describe(_ error: any Error, path: String) -> any Error {
        guard let error = error as? DatabaseError else { return error }
        let detail = error.message ?? "\(error.resultCode)"
        switch error.resultCode.primaryResultCode {
        case .SQLITE_NOTADB: return CofferError("\(path) is not a database")
        case .SQLITE_CORRUPT: return CofferError("\(path) is corrupt: \(detail)")
        case .SQLITE_READONLY: return CofferError("The database is read-only: \(path)")
        case .SQLITE_FULL: return CofferError("The disk is full: nothing was written to \(path)")
        case .SQLITE_BUSY, .SQLITE_LOCKED:
            return CofferError("The database is locked by another process (waited \(Int(StoreErrors.busyTimeout)) s): nothing was written")
        case .SQLITE_CANTOPEN: return CofferError("Cannot open \(path): \(detail)")
        case .SQLITE_IOERR: return CofferError("I/O error on \(path): \(detail)")
        case .SQLITE_CONSTRAINT: return CofferError("Refused by the database: \(detail)")
        default: return CofferError("Database error on \(path): \(detail)")
        }
    }
}

