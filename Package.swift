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
            name: "VantageTestKit",
            dependencies: ["VantageWire", "VantageIdentity", "VantageLedger", .product(name: "Crypto", package: "swift-crypto")]
        ),
        .executableTarget(
            name: "vantage",
            dependencies: [
                "VantageWire", "VantageIdentity", "VantageLedger",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(name: "VantageWireTests", dependencies: ["VantageWire", "VantageTestKit"]),
        .testTarget(name: "VantageIdentityTests", dependencies: ["VantageIdentity", "VantageTestKit"]),
        .testTarget(
            name: "VantageLedgerTests",
            dependencies: [
                "VantageLedger", "VantageTestKit",
                .product(name: "PropertyBased", package: "swift-property-based"),
            ]
        ),
        .testTarget(name: "VantageGossipTests", dependencies: ["VantageGossip", "VantageTestKit"]),
        .testTarget(name: "VantageCLITests", dependencies: ["vantage", "VantageTestKit"]),
    ]
)
