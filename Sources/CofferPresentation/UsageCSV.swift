import CofferCore
import CofferStore

/// A usage tab's filtered view as CSV (RFC 4180): the tab's SPEC §7 headers as the viewer sees
/// them (the User column only for owners and admins, R7), then every row of the view in the export
/// format (plain amounts, ISO-8601 UTC times). `coffer usage export --format csv` and the
/// dashboard's `e` both write ``export(_:filter:sort:actor:store:)``, so the bytes are the same.
public enum UsageCSV {
    /// Every row of `tab` under `filter` and `sort` that `actor` may see, as CSV text, and how many rows it holds.
    public static func export(_ tab: UsageTab, filter: UsageFilter, sort: UsageSort?, actor: Actor,
                              store: CofferStore) throws -> (text: String, rows: Int) {
        let rows = try UsageQueries(store).all(tab, filter: filter, sort: sort, actor: actor)
        return (document(rows, table: UsageTable(tab: tab, role: actor.role)), rows.count)
    }

    /// `rows` under `table`'s header line.
    public static func document(_ rows: [UsageRow], table: UsageTable) -> String {
        var out = line(table.columns.map(\.title))
        for row in rows { out += line(table.texts(row, format: .export)) }
        return out
    }

    /// One record: fields with commas, quotes or line breaks are quoted and their quotes doubled; CRLF ends it.
    public static func line(_ fields: [String]) -> String {
        fields.map { field in
            // By scalar: "\r\n" is one Character, equal to neither "\r" nor "\n".
            field.unicodeScalars.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" })
                ? "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : field
        }.joined(separator: ",") + "\r\n"
    }
}
