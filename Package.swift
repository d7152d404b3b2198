// swift-tools-version:6.1
import PackageDescription

/// The upcoming features every target enables (DESIGN.md, STYLE.md rule 10).
let strict: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "ballast",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "ballast", targets: ["ballast"])
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-certificates.git", from: "1.21.1"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-asn1.git", from: "1.7.4"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-websocket.git", from: "2.8.1"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
    ],
    targets: [
        .systemLibrary(name: "CSQLite", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),
        // liblvm2-dev ships no .pc file: only /usr/include/lvm2cmd.h and liblvm2cmd.so.
        .systemLibrary(name: "CLVM", providers: [.apt(["liblvm2-dev"])]),
        .systemLibrary(name: "CBlkid", pkgConfig: "blkid", providers: [.apt(["libblkid-dev"])]),
        .systemLibrary(name: "CNFS", pkgConfig: "libnfs", providers: [.apt(["libnfs-dev"])]),
        .systemLibrary(name: "CFuse3", pkgConfig: "fuse3", providers: [.apt(["libfuse3-dev"])]),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),

        .target(name: "BallastAPI", swiftSettings: strict),
        .target(name: "BallastMetrics", swiftSettings: strict),
        .target(
            name: "BallastStore",
            dependencies: [
                "BallastAPI", "CSQLite",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict),
        .target(
            name: "BallastServer",
            dependencies: [
                "BallastAPI", "BallastStore", "BallastMetrics",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict),
        .target(
            name: "BallastClient",
            dependencies: [
                "BallastAPI",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: strict),
        .target(
            name: "BallastControllers",
            dependencies: ["BallastAPI", "BallastClient", "BallastStorage", "BallastMetrics", .product(name: "Logging", package: "swift-log")],
            swiftSettings: strict),
        .target(name: "BallastStorage", dependencies: ["BallastAPI", "CLVM", "CBlkid", "CNFS", "CFuse3"], swiftSettings: strict),
        .target(
            name: "BallastScheduler",
            dependencies: ["BallastAPI", "BallastClient", .product(name: "Logging", package: "swift-log")],
            swiftSettings: strict),
        .target(
            name: "BallastNode",
            dependencies: [
                "BallastAPI", "BallastClient", "BallastStorage", "BallastControllers", "BallastMetrics", "CZlib",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: strict),
        .target(
            name: "BallastCLI",
            dependencies: ["BallastAPI", "BallastClient", "BallastStorage", .product(name: "ArgumentParser", package: "swift-argument-parser"), .product(name: "Yams", package: "Yams")],
            swiftSettings: strict),
        .target(
            name: "BallastTesting",
            dependencies: ["BallastAPI", "BallastClient", "BallastServer", "BallastStore", .product(name: "ServiceLifecycle", package: "swift-service-lifecycle")],
            swiftSettings: strict),
        .executableTarget(
            name: "ballast",
            dependencies: [
                "BallastAPI", "BallastStore", "BallastServer", "BallastClient", "BallastControllers", "BallastScheduler", "BallastNode",
                "BallastStorage", "BallastCLI", "BallastMetrics",
                .product(name: "Yams", package: "Yams"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict),

        .testTarget(name: "BallastControllersTests", dependencies: ["BallastControllers", "BallastTesting"], swiftSettings: strict),
        .testTarget(name: "BallastAPITests", dependencies: ["BallastAPI"], swiftSettings: strict),
        .testTarget(name: "BallastMetricsTests", dependencies: ["BallastMetrics"], swiftSettings: strict),
        .testTarget(name: "BallastStorageTests", dependencies: ["BallastStorage", "BallastTesting"], swiftSettings: strict),
        .testTarget(name: "BallastStoreTests", dependencies: ["BallastStore"], swiftSettings: strict),
        .testTarget(name: "BallastServerTests", dependencies: ["BallastServer", "BallastAPI"], swiftSettings: strict),
        .testTarget(name: "BallastNodeTests", dependencies: ["BallastNode", "BallastMetrics", "BallastTesting"], swiftSettings: strict),
        .testTarget(name: "BallastSchedulerCoreTests", dependencies: ["BallastScheduler"], swiftSettings: strict),
        .testTarget(name: "BallastSchedulerTests", dependencies: ["BallastScheduler", "BallastControllers", "BallastTesting"], swiftSettings: strict),
        .testTarget(name: "BallastCLITests", dependencies: ["BallastCLI"], swiftSettings: strict),
        .testTarget(name: "EndToEndTests", dependencies: ["BallastAPI", "BallastClient", "BallastTesting"], swiftSettings: strict),
    ]
)
