import CofferCore
import GRDB

/// Users are rows keyed by normalised email (R5).
enum Users {
    /// The user's id, creating the user on first sight.
    static func findOrCreate(email: String, in tx: WriteContext) throws -> Int64 {
        if let id = try Int64.fetchOne(tx.db, sql: "SELECT id FROM users WHERE email = ?", arguments: [email]) {
            return id
        }
        try tx.db.execute(sql: "INSERT INTO users(email, created_at) VALUES (?, ?)", arguments: [email, tx.now])
        return tx.db.lastInsertedRowID
    }
}
