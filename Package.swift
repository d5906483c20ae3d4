// swift-tools-version:6.1
import PackageDescription

// Versions are pinned to what the local package mirror carries (see TESTBED.md §1).
let package = Package(
    name: "Marvin",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "marvinctld", targets: ["marvinctld"]),
        .executable(name: "marvind", targets: ["marvind"]),
        .executable(name: "marvin", targets: ["marvin"]),
        .executable(name: "marvin-bench", targets: ["marvin-bench"]),
        .executable(name: "marvin-sample-experiment", targets: ["marvin-sample-experiment"]),
        // Tests only: a wall clock that one process's test can step (preloaded into marvind).
        .library(name: "SteppableClock", type: .dynamic, targets: ["SteppableClock"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", exact: "2.28.1"),
        .package(url: "https://github.com/groue/GRDB.swift.git", exact: "7.10.0"),
        .package(url: "https://github.com/jpsim/Yams.git", exact: "6.2.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", exact: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", exact: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", exact: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", exact: "2.4.1"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.0.0"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-nio.git", exact: "2.101.3"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", exact: "2.37.6"),
        .package(url: "https://github.com/apple/swift-http-types.git", exact: "1.8.0"),
        // The load client of marvin-bench; already resolved through HummingbirdTesting.
        .package(url: "https://github.com/swift-server/async-http-client.git", exact: "1.37.0"),
    ],
    targets: [
        // The domain with no I/O: shared by the server, the node daemon and the CLI.
        .target(name: "MarvinCore"),
        // marvinctld: HTTP API, scheduling rules and the SQLite store.
        .target(
            name: "MarvinController",
            dependencies: [
                "MarvinCore",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ]
        ),
        // posix_spawn with a new session and a working directory, which Swift's Glibc lacks.
        .target(name: "CMarvinSpawn"),
        // sd_notify for marvind's Type=notify unit (node-runtime §14.3).
        .systemLibrary(name: "CSystemd", pkgConfig: "libsystemd", providers: [.apt(["libsystemd-dev"])]),
        // libzmq for the metadata bus (node-runtime §13).
        .systemLibrary(name: "CZMQ", pkgConfig: "libzmq", providers: [.apt(["libzmq3-dev"])]),
        // The metadata bus: ZeroMQ sockets, recordings and their replay.
        .target(name: "MarvinMetadata", dependencies: ["MarvinCore", "CZMQ"]),
        // marvind: the node supervisor.
        .target(
            name: "MarvinNode",
            dependencies: [
                "MarvinCore",
                "MarvinMetadata",
                "CMarvinSpawn",
                "CSystemd",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]
        ),
        // The experimenters' and admins' command line: settings, the ctld connection, views.
        .target(
            name: "MarvinCLI",
            dependencies: [
                "MarvinCore",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Yams", package: "Yams"),
            ]
        ),
        .executableTarget(
            name: "marvin",
            dependencies: [
                "MarvinCLI",
                "MarvinCore",
                // `marvin dev`: the embedded ctld and the development node's child processes.
                "MarvinController",
                "MarvinNode",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // The experiment `marvin dev` runs: reads /monroe/config, listens to the metadata bus.
        .executableTarget(name: "marvin-sample-experiment", dependencies: ["MarvinCore", "MarvinMetadata"]),
        .executableTarget(
            name: "marvind",
            dependencies: [
                "MarvinNode",
                "MarvinMetadata",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(
            name: "marvinctld",
            dependencies: [
                "MarvinController",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(
            name: "marvin-bench",
            dependencies: [
                "MarvinCore",
                "MarvinMetadata",
                "MarvinController",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .target(name: "SteppableClock", path: "Tests/SteppableClock", linkerSettings: [.linkedLibrary("dl")]),
        .testTarget(name: "MarvinCoreTests", dependencies: ["MarvinCore"]),
        .testTarget(name: "MarvinNodeTests", dependencies: ["MarvinNode"]),
        .testTarget(name: "MarvinMetadataTests", dependencies: ["MarvinMetadata", "MarvinCore"]),
        .testTarget(name: "MarvinCLITests", dependencies: ["MarvinCLI", "MarvinCore"]),
        // Real components started by the tests: the marvinctld binary, nginx, openssl, curl;
        // the ctld stub of node-runtime §17 is a Hummingbird application with mTLS.
        .testTarget(
            name: "IntegrationTests",
            dependencies: [
                "MarvinCore",
                "MarvinMetadata",
                "MarvinNode",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .testTarget(
            name: "MarvinControllerTests",
            dependencies: [
                "MarvinController",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ]
        ),
    ]
)
