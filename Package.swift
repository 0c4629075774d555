// swift-tools-version: 6.1
import PackageDescription

/// Vantage: a mesh of volunteer measurement nodes that sign, gossip and score evidence of
/// network disruptions. See README.md and protocol/SPEC.md.
let package = Package(
    name: "Vantage",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "vantage", targets: ["vantage"]),
        .library(name: "VantageWire", targets: ["VantageWire"]),
        .library(name: "VantageIdentity", targets: ["VantageIdentity"]),
        .library(name: "VantageLedger", targets: ["VantageLedger"]),
        .library(name: "VantageGossip", targets: ["VantageGossip"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-protobuf", from: "1.39.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
        .package(url: "https://github.com/apple/swift-certificates", from: "1.21.1"),
        .package(url: "https://github.com/apple/swift-asn1", from: "1.7.4"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/x-sheep/swift-property-based", from: "2.0.1"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.6.0"),
    ],
    targets: [
        .target(
            name: "VantageWire",
            dependencies: [.product(name: "SwiftProtobuf", package: "swift-protobuf")]
        ),
        .target(
            name: "VantageIdentity",
            dependencies: [
                "VantageWire",
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
            ]
        ),
        .target(
            name: "VantageLedger",
            dependencies: [
                "VantageWire", "VantageIdentity",
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .target(
            name: "VantageGossip",
            dependencies: ["VantageWire", "VantageIdentity", "VantageLedger"]
        ),
        .target(
            name: "VantageStore",
            dependencies: [
                "VantageWire", "VantageIdentity", "VantageLedger", .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ]
        ),
        .target(
            name: "VantageTransport",
            dependencies: [
                "VantageWire", "VantageIdentity",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOTLS", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "VantageProbes",
            dependencies: [
                "VantageWire",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOTLS", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ]
        ),
        .target(
            name: "VantageAgent",
            dependencies: [
                "VantageWire", "VantageIdentity", "VantageLedger", "VantageGossip", "VantageStore", "VantageTransport", "VantageScoring", "VantageProbes",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "TOMLKit", package: "TOMLKit"),
            ]
        ),
        .target(
            name: "VantageScoring",
            dependencies: ["VantageWire", "VantageIdentity", "VantageLedger"]
        ),
        .target(
            name: "VantageSimulation",
            dependencies: [
                "VantageWire", "VantageIdentity", "VantageLedger", "VantageGossip",
                .product(name: "HeapModule", package: "swift-collections"),
            ]
        ),
        .target(
            name: "VantageTestKit",
            dependencies: [
                "VantageWire", "VantageIdentity", "VantageLedger", "VantageProbes", "VantageAgent", "VantageTransport", "VantageDemo",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOTLS", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ]
        ),
        .target(
            name: "VantageDemo",
            dependencies: ["VantageIdentity", "VantageGossip", "VantageAgent", "VantageScoring"]
        ),
        .target(
            name: "VantageBench",
            dependencies: ["VantageWire", "VantageIdentity", "VantageLedger", "VantageStore", "VantageAgent", "VantageScoring", "VantageSimulation",
                           "VantageDemo", .product(name: "Crypto", package: "swift-crypto")]
        ),
        .executableTarget(
            name: "vantage-fuzz",
            dependencies: ["VantageWire", "VantageIdentity", "VantageLedger"],
            path: "Sources/VantageFuzz"
        ),
        .executableTarget(
            name: "vantage",
            dependencies: [
                "VantageWire", "VantageIdentity", "VantageLedger", "VantageGossip", "VantageAgent", "VantageSimulation", "VantageScoring",
                "VantageProbes", "VantageDemo", "VantageBench",
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(name: "VantageWireTests", dependencies: ["VantageWire", "VantageIdentity", "VantageTestKit"]),
        .testTarget(
            name: "VantageIdentityTests",
            dependencies: ["VantageIdentity", "VantageWire", "VantageTestKit", .product(name: "X509", package: "swift-certificates")]
        ),
        .testTarget(
            name: "VantageLedgerTests",
            dependencies: [
                "VantageLedger", "VantageIdentity", "VantageWire", "VantageTestKit", "VantageStore",
                .product(name: "PropertyBased", package: "swift-property-based"),
            ]
        ),
        .testTarget(name: "VantageGossipTests", dependencies: ["VantageGossip", "VantageIdentity", "VantageLedger", "VantageWire", "VantageTestKit"]),
        .testTarget(
            name: "VantageStoreTests",
            dependencies: ["VantageStore", "VantageIdentity", "VantageLedger", "VantageTestKit", .product(name: "GRDB", package: "GRDB.swift")]
        ),
        .testTarget(
            name: "VantageTransportTests",
            dependencies: [
                "VantageTransport", "VantageIdentity", "VantageWire", "VantageTestKit",
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        .testTarget(
            name: "VantageAgentTests",
            dependencies: ["VantageAgent", "VantageIdentity", "VantageLedger", "VantageTransport", "VantageWire", "VantageTestKit",
                           .product(name: "Logging", package: "swift-log")]
        ),
        .testTarget(name: "VantageSimulationTests", dependencies: ["VantageSimulation"]),
        .testTarget(
            name: "VantageProbesTests",
            dependencies: ["VantageProbes", "VantageWire", "VantageTestKit", .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOSSL", package: "swift-nio-ssl")]
        ),
        .testTarget(
            name: "VantageScoringTests",
            dependencies: [
                "VantageScoring", "VantageIdentity", "VantageLedger", "VantageWire", "VantageTestKit",
                .product(name: "PropertyBased", package: "swift-property-based"),
            ]
        ),
        .testTarget(
            name: "VantageMeshTests",
            dependencies: ["vantage", "VantageAgent", "VantageDemo", "VantageIdentity", "VantageLedger", "VantageScoring", "VantageWire", "VantageTestKit"]
        ),
        .testTarget(
            name: "VantageCLITests",
            dependencies: ["vantage", "vantage-fuzz", "VantageAgent", "VantageDemo", "VantageIdentity", "VantageWire", "VantageTestKit"]
        ),
    ]
)
