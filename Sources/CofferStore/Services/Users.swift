import CofferCore

/// Users are rows keyed by normalised email (R5).
enum Users {
    /// The user's id, creating the user on first sight.
    static func findOrCreate(email: String, in tx: WriteContext) throws -> Int64 {
        if let id = try tx.sql.int("SELECT id FROM users WHERE email = ?", .text(email)) { return id }
        return try tx.sql.insert("INSERT INTO users(email, created_at) VALUES (?, ?)", .text(email), .int(tx.now))
    }
}
