import ArgumentParser
import CofferCore
import CofferStore

/// `coffer workspace create NAME --owner EMAIL | list`.
struct WorkspaceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "workspace", abstract: "Create and list workspaces.",
        subcommands: [Create.self, List.self])

    /// Creates a workspace on the Free plan with its primary owner and the Free workspace grant.
    struct Create: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "create", abstract: "Create a workspace on the Free plan.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The workspace's name.") var name: String
        @Option(help: "The primary owner's email.") var owner: String
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            let store = try global.openStore(create: true)
            let workspace = try Workspaces(store).create(name: name, owner: owner)
            if json {
                try Output.json(WorkspaceJSON(workspace))
            } else {
                print("Created workspace \(Output.clean(workspace.slug)) (\(Output.clean(workspace.name))), primary owner \(workspace.primaryOwner)")
            }
        }
    }

    /// Lists the acting user's workspaces, or every workspace when no user is given.
    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List workspaces (the acting user's, or all).")
        @OptionGroup var global: GlobalOptions
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            let store = try global.openStoreForReading()
            let email = try? global.actingEmail()
            let workspaces = try Workspaces(store).list(for: email)
            if json { return try Output.json(workspaces.map(WorkspaceJSON.init)) }
            Output.table(["Slug", "Name", "Primary owner", "Members", "Your role", "Created"], workspaces.map {
                [$0.slug, $0.name, $0.primaryOwner, String($0.members), $0.role?.title ?? "", Output.time($0.createdAt)]
            }, rightAligned: [3])
        }
    }
}

/// A workspace in JSON.
struct WorkspaceJSON: Encodable {
    let slug, name, primary_owner, created_at: String
    let members: Int
    let role: String?

    init(_ w: WorkspaceSummary) {
        slug = w.slug; name = w.name; primary_owner = w.primaryOwner
        created_at = UTC.iso(w.createdAt); members = w.members; role = w.role?.rawValue
    }
}
