// swift-tools-version: 6.1
import PackageDescription

/// Coffer: team subscriptions, seats and shared credit pools (see SPEC.md and ENGINEERING.md).
/// Dependencies point one way: coffer → (Dashboard, CofferServer) → CofferPresentation → CofferStore → CofferCore;
/// CofferPresentation → TerminalUI; CursesTerminal → TerminalUI.
let package = Package(
    name: "Coffer",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "coffer", targets: ["coffer"]),
    ],
    dependencies: [
        .package(url: "https://github.com/groue/GRDB.swift", exact: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", exact: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto", exact: "3.12.3"),
        .package(url: "https://github.com/apple/swift-collections", exact: "1.6.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", exact: "2.28.1", traits: []),
        .package(url: "https://github.com/apple/swift-nio", exact: "2.101.3"),
        .package(url: "https://github.com/apple/swift-nio-ssl", exact: "2.37.6"),
        .package(url: "https://github.com/apple/swift-http-types", exact: "1.8.0"),
        .package(url: "https://github.com/apple/swift-log", exact: "1.16.2"),
    ],
    targets: [
        .target(name: "CofferCore"),
        .target(
            name: "CofferStore",
            dependencies: [
                "CofferCore", .product(name: "GRDB", package: "GRDB.swift"), .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "OrderedCollections", package: "swift-collections"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"), "CPq", "CSQLiteConfig",
            ]
        ),
        /// SQLite's process-wide settings (sqlite3_config), for the SQLite store.
        .systemLibrary(name: "CSQLiteConfig", path: "Sources/CSQLiteConfig"),
        /// libpq (Debian's libpq-dev): the PostgreSQL store's client, synchronous like GRDB (SPEC §13).
        .systemLibrary(name: "CPq", path: "Sources/CPq"),
        .target(name: "TerminalUI"),
        .target(name: "CofferPresentation", dependencies: ["CofferStore", "CofferCore", "TerminalUI"]),
        .systemLibrary(name: "CNcursesw", path: "Sources/CNcursesw"),
        .target(name: "CursesTerminal", dependencies: ["TerminalUI", "CNcursesw"]),
        /// `coffer serve` (SPEC §12): Hummingbird routes over the use cases and the group-commit writer.
        .target(
            name: "CofferServer",
            dependencies: [
                "CofferStore", "CofferCore", "CofferPresentation",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
            ],
            resources: [.copy("openapi.json")]
        ),
        .target(name: "Dashboard", dependencies: ["CofferStore", "CofferCore", "CofferPresentation", "TerminalUI"]),
        .executableTarget(
            name: "coffer-ui-gallery",
            dependencies: ["TerminalUI", "CursesTerminal"],
            path: "Sources/UIGallery"
        ),
        /// Drives a program under tmux: for tests and the bench only, never the product.
        .target(name: "TmuxHarness", path: "Tests/TmuxHarness"),
        .executableTarget(
            name: "coffer",
            dependencies: [
                "CofferCore", "CofferStore", "CofferPresentation", "CofferServer", "Dashboard", "CursesTerminal", "TerminalUI",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            resources: [.copy("Resources/plans.json")]
        ),
        /// The performance harness (SPEC §11): measures the `coffer` built beside it; `coffer bench` runs it.
        .executableTarget(
            name: "coffer-bench",
            dependencies: [
                "CofferCore", "CofferStore", "Dashboard", "TerminalUI", "TmuxHarness", "CPq", "CSQLiteConfig",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
            ],
            path: "Sources/CofferBench"
        ),
        .testTarget(name: "CofferCoreTests", dependencies: ["CofferCore"]),
        /// Which store the suites run on: SQLite files, or a throwaway PostgreSQL cluster (SPEC §13).
        .target(name: "StoreUnderTest", path: "Tests/StoreUnderTest"),
        .testTarget(name: "CofferStoreTests", dependencies: ["CofferStore", "CofferCore", "StoreUnderTest"]),
        .testTarget(name: "CofferServerTests", dependencies: ["CofferServer", "CofferStore", "CofferCore", "CofferPresentation"]),
        .testTarget(name: "CofferAcceptanceTests", dependencies: ["coffer", "coffer-bench", "CofferCore", "CofferStore", "Dashboard", "TmuxHarness", "StoreUnderTest"]),
        .testTarget(name: "CofferPresentationTests", dependencies: ["CofferPresentation", "CofferStore", "CofferCore", "TerminalUI"]),
        .testTarget(name: "TerminalUITests", dependencies: ["TerminalUI"], exclude: ["Snapshots"]),
        .testTarget(
            name: "DashboardTests", dependencies: ["Dashboard", "CofferStore", "CofferCore", "CofferPresentation", "TerminalUI"],
            exclude: ["Snapshots"]
        ),
        .testTarget(
            name: "CursesTerminalTests",
            dependencies: ["CursesTerminal", "TerminalUI", "TmuxHarness", "coffer-ui-gallery"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
