// swift-tools-version:6.1
import PackageDescription

/// Hot numeric modules are built with bounds checks off in release builds.
let fastMath: [SwiftSetting] = [
    .unsafeFlags(["-Ounchecked", "-enforce-exclusivity=unchecked"], .when(configuration: .release)),
]

let package = Package(
    name: "Morph",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "morph", targets: ["morph"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "5.0.1"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.19"),
        // The web app (`morph serve`); its optional swift-configuration support is left out.
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1", traits: []),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.14.0"),
    ],
    targets: [
        // C bridges: no logic lives here.
        .systemLibrary(name: "CVips", path: "Modules/CVips", pkgConfig: "vips",
                       providers: [.apt(["libvips-dev"])]),
        .target(name: "CVipsShim", dependencies: ["CVips"], path: "Modules/CVipsShim"),
        .systemLibrary(name: "COpenBLAS", path: "Modules/COpenBLAS", pkgConfig: "openblas",
                       providers: [.apt(["libopenblas-dev"])]),

        // Swift modules, each importing only the ones below it.
        .target(name: "MorphTensor", dependencies: ["COpenBLAS"], swiftSettings: fastMath),
        .target(name: "MorphNN", dependencies: ["MorphTensor"], swiftSettings: fastMath),
        .target(name: "MorphCheckpoint", dependencies: [
            "MorphTensor", .product(name: "ZIPFoundation", package: "ZIPFoundation"),
        ], swiftSettings: fastMath),
        .target(name: "MorphModels", dependencies: ["MorphNN", "MorphCheckpoint"], swiftSettings: fastMath),
        .target(name: "MorphImage", dependencies: ["CVipsShim", "MorphTensor"], swiftSettings: fastMath),
        .target(name: "MorphTrain", dependencies: ["MorphModels", "MorphImage"], swiftSettings: fastMath),
        .target(name: "MorphRecipes", dependencies: [
            "MorphTrain", .product(name: "Yams", package: "Yams"),
        ]),
        .target(name: "MorphPipeline", dependencies: [
            "MorphModels", "MorphCheckpoint", "MorphImage", "MorphRecipes",
        ], swiftSettings: fastMath),
        .target(name: "MorphServe", dependencies: [
            "MorphPipeline", "MorphImage", "MorphTrain", "MorphRecipes",
            .product(name: "Hummingbird", package: "hummingbird"), .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        .executableTarget(name: "morph", dependencies: [
            "MorphServe", "MorphPipeline", "MorphRecipes", "MorphTrain", "MorphModels", "MorphImage", "MorphCheckpoint",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ], swiftSettings: fastMath),

        // Tests: one target per module plus shared helpers.
        .target(name: "TestSupport", dependencies: ["MorphTensor", "MorphCheckpoint"], path: "Tests/TestSupport"),
        .testTarget(name: "MorphTensorTests", dependencies: ["MorphTensor", "TestSupport"]),
        .testTarget(name: "MorphNNTests", dependencies: ["MorphNN", "TestSupport"]),
        .testTarget(name: "MorphRecipesTests", dependencies: ["MorphRecipes", "TestSupport"]),
        .testTarget(name: "MorphCheckpointTests", dependencies: ["MorphCheckpoint", "TestSupport"]),
        .testTarget(name: "MorphImageTests", dependencies: ["MorphImage", "TestSupport"]),
        .testTarget(name: "MorphModelsTests", dependencies: ["MorphModels", "TestSupport"]),
        .testTarget(name: "MorphTrainTests", dependencies: ["MorphTrain", "TestSupport"]),
        .testTarget(name: "MorphPipelineTests", dependencies: ["MorphPipeline", "TestSupport"]),
        .testTarget(name: "MorphServeTests", dependencies: [
            "MorphServe", "MorphTrain", "MorphImage", "TestSupport",
            .product(name: "HummingbirdTesting", package: "hummingbird"),
        ], exclude: ["Browser"]),
    ],
    swiftLanguageModes: [.v5]
)
