// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "ingestd",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "ingestd", targets: ["ingestd"])
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-collections.git", from: "1.6.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
    ],
    targets: [
        // Pure core: parsing, canonical text, hashing, dedup index, journal records. No I/O.
        .target(
            name: "IngestCore",
            dependencies: [
                "HTMLParsing",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "DequeModule", package: "swift-collections"),
            ]
        ),
        // libxml2's HTML parser behind one Swift type (HTMLDocument). No I/O: it parses bytes.
        .systemLibrary(
            name: "CLibXML2",
            pkgConfig: "libxml-2.0",
            providers: [.apt(["libxml2-dev"])]
        ),
        .target(name: "HTMLParsing", dependencies: ["CLibXML2"]),
        // Thin I/O shell: syscalls, inotify watcher, file reader, journal writer, mover.
        .target(name: "CIngestShims"),
        .target(
            name: "IngestIO",
            dependencies: [
                "IngestCore",
                "CIngestShims",
                .product(name: "DequeModule", package: "swift-collections"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The service loop that ties core and shell together.
        .target(
            name: "IngestDaemon",
            dependencies: [
                "IngestCore",
                "IngestIO",
                .product(name: "DequeModule", package: "swift-collections"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ]
        ),
        // systemd glue, isolated: only the CLI links it (sd_notify, sd_journal_send).
        .systemLibrary(
            name: "CSystemd",
            pkgConfig: "libsystemd",
            providers: [.apt(["libsystemd-dev"])]
        ),
        .target(name: "Systemd", dependencies: ["CSystemd", .product(name: "Logging", package: "swift-log")]),
        // Shipping the journal to the fleet's PostgreSQL (postgres-nio); neither the core nor the
        // ingest loop imports it.
        .target(
            name: "FleetShipping",
            dependencies: [
                "IngestCore", "IngestIO",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ]
        ),
        // The metrics file for node_exporter, written with swift-prometheus; only the CLI links it.
        .target(
            name: "PrometheusExport",
            dependencies: [
                "IngestCore", "IngestIO",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]
        ),
        .executableTarget(
            name: "ingestd",
            dependencies: [
                "IngestCore",
                "IngestIO",
                "IngestDaemon",
                "Systemd",
                "PrometheusExport",
                "FleetShipping",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // `make bench`: measures the release binary as a separate process.
        .executableTarget(name: "IngestBench", dependencies: ["IngestCore", "IngestTestSupport"], path: "Benchmarks/IngestBench"),
        .target(
            name: "IngestTestSupport",
            dependencies: ["IngestCore", "IngestIO"],
            path: "Tests/IngestTestSupport"
        ),
        .testTarget(
            name: "PrometheusExportTests",
            dependencies: [
                "PrometheusExport", "IngestCore", "IngestTestSupport",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "InMemoryLogging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "FleetShippingTests",
            dependencies: ["FleetShipping", "IngestCore", "IngestTestSupport", .product(name: "Logging", package: "swift-log")]
        ),
        .testTarget(name: "SystemdTests", dependencies: ["Systemd", .product(name: "Logging", package: "swift-log")]),
        .testTarget(name: "HTMLParsingTests", dependencies: ["HTMLParsing", "IngestTestSupport"]),
        .testTarget(name: "IngestCoreTests", dependencies: ["IngestCore", "HTMLParsing", "IngestTestSupport"]),
        .testTarget(
            name: "IngestIOTests",
            dependencies: ["IngestIO", "IngestCore", "IngestTestSupport", .product(name: "Logging", package: "swift-log")]
        ),
        .testTarget(
            name: "IngestDaemonTests",
            dependencies: [
                "IngestDaemon", "IngestIO", "IngestCore", "IngestTestSupport",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "InMemoryLogging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "ServiceLifecycleTestKit", package: "swift-service-lifecycle"),
            ]
        ),
        .testTarget(
            name: "IngestdEndToEndTests",
            // Depends on the executable so that `swift build --build-tests` builds the binary it runs.
            dependencies: ["IngestCore", "IngestTestSupport", "ingestd"]
        ),
    ]
)
