// swift-tools-version:6.1
import PackageDescription

/// Hot numeric modules are built with bounds checks off in release builds. MorphCheckpoint is NOT:
/// it parses untrusted files, so integer overflow must trap there rather than wrap past a bounds
/// check (its parsers also use explicit overflow-reporting arithmetic); its decode loops run on raw
/// pointers and lose little.
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
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
    ],
    targets: [
        // C bridges: no logic lives here.
        .systemLibrary(name: "CVips", path: "Modules/CVips", pkgConfig: "vips",
                       providers: [.apt(["libvips-dev"])]),
        .target(name: "CVipsShim", dependencies: ["CVips"], path: "Modules/CVipsShim"),
        .systemLibrary(name: "COpenBLAS", path: "Modules/COpenBLAS", pkgConfig: "openblas",
                       providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(name: "CFFTW", path: "Modules/CFFTW", pkgConfig: "fftw3f",
                       providers: [.apt(["libfftw3-dev"])]),

        // Swift modules, each importing only the ones below it (ImportLayeringTests checks every import).
        .target(name: "MorphSupport"),
        .target(name: "MorphTensor", dependencies: ["COpenBLAS", "CFFTW"], swiftSettings: fastMath),
        .target(name: "MorphNN", dependencies: ["MorphTensor"], swiftSettings: fastMath),
        .target(name: "MorphCheckpoint", dependencies: [
            "MorphSupport", "MorphTensor", .product(name: "ZIPFoundation", package: "ZIPFoundation"),
        ]),
        .target(name: "MorphModels", dependencies: ["MorphTensor", "MorphNN", "MorphCheckpoint"], swiftSettings: fastMath),
        .target(name: "MorphImage", dependencies: ["CVipsShim", "MorphSupport", "MorphTensor"], swiftSettings: fastMath),
        .target(name: "MorphTrain", dependencies: [
            "MorphSupport", "MorphTensor", "MorphNN", "MorphCheckpoint", "MorphModels", "MorphImage",
        ], swiftSettings: fastMath),
        .target(name: "MorphInference", dependencies: [
            "MorphSupport", "MorphTensor", "MorphNN", "MorphCheckpoint", "MorphModels", "MorphImage",
            .product(name: "ZIPFoundation", package: "ZIPFoundation"),
        ], swiftSettings: fastMath),
        .target(name: "MorphOptions", dependencies: [
            "MorphSupport", "MorphNN", "MorphModels", "MorphImage", "MorphTrain", "MorphInference",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        .target(name: "MorphRecipes", dependencies: [
            "MorphSupport", "MorphImage", "MorphTrain", "MorphInference", "MorphOptions", .product(name: "Yams", package: "Yams"),
        ]),
        .target(name: "MorphBench", dependencies: [
            "MorphTensor", "MorphNN", "MorphCheckpoint", "MorphModels", "MorphImage", "MorphTrain", "MorphInference",
        ]),
        .target(name: "MorphServe", dependencies: [
            "MorphSupport", "MorphImage", "MorphModels", "MorphInference",
            .product(name: "Hummingbird", package: "hummingbird"), .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        .executableTarget(name: "morph", dependencies: [
            "MorphSupport", "MorphTensor", "MorphNN", "MorphModels", "MorphImage", "MorphTrain", "MorphInference",
            "MorphOptions", "MorphRecipes", "MorphBench", "MorphServe", .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ], swiftSettings: fastMath, plugins: ["MorphVersionStamp"]),
        // Stamps `morph --version` with the VERSION file and the git commit (scripts/stamp-version.sh).
        .plugin(name: "MorphVersionStamp", capability: .buildTool()),

        // Tests: one target per module plus shared helpers, and the import check of the whole package.
        .target(name: "TestSupport", dependencies: ["MorphTensor", "MorphCheckpoint", "MorphImage"],
                path: "Tests/TestSupport"),
        .testTarget(name: "MorphSupportTests", dependencies: ["MorphSupport"]),
        .testTarget(name: "MorphTensorTests", dependencies: ["MorphTensor", "TestSupport"]),
        .testTarget(name: "MorphNNTests", dependencies: ["MorphTensor", "MorphNN", "TestSupport"]),
        .testTarget(name: "MorphCheckpointTests", dependencies: ["MorphTensor", "MorphCheckpoint", "TestSupport"]),
        .testTarget(name: "MorphImageTests", dependencies: ["MorphTensor", "MorphImage", "TestSupport"]),
        .testTarget(name: "MorphModelsTests", dependencies: ["MorphTensor", "MorphNN", "MorphCheckpoint", "MorphModels", "TestSupport"]),
        .testTarget(name: "MorphTrainTests", dependencies: [
            "MorphTensor", "MorphNN", "MorphCheckpoint", "MorphModels", "MorphImage", "MorphTrain", "TestSupport",
        ]),
        .testTarget(name: "MorphInferenceTests", dependencies: [
            "MorphTensor", "MorphNN", "MorphCheckpoint", "MorphModels", "MorphImage", "MorphInference", "TestSupport",
            .product(name: "ZIPFoundation", package: "ZIPFoundation"),
        ]),
        .testTarget(name: "MorphRecipesTests", dependencies: [
            "MorphCheckpoint", "MorphModels", "MorphImage", "MorphTrain", "MorphInference", "MorphOptions", "MorphRecipes",
            "TestSupport",
        ]),
        .testTarget(name: "LayeringTests"),
        .testTarget(name: "MorphBenchTests", dependencies: ["MorphTensor", "MorphBench"]),
        .testTarget(name: "MorphServeTests", dependencies: [
            "MorphImage", "MorphTrain", "MorphServe", "TestSupport",
            .product(name: "Hummingbird", package: "hummingbird"), .product(name: "HummingbirdTesting", package: "hummingbird"),
            .product(name: "HTTPTypes", package: "swift-http-types"),
        ], exclude: ["Browser"]),
    ],
    swiftLanguageModes: [.v5]
)
