import Foundation
import XCTest

/// Every `import` of every Swift file is declared for its target in Package.swift, and modules only depend on modules
/// below them on the ladder (MorphSupport … MorphInference, MorphRecipes, MorphBench, morph).
final class ImportLayeringTests: XCTestCase {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// The Swift files under a target's folder, with paths relative to the package root.
    static func swiftFiles(of target: ImportLayering.Target) -> [(path: String, text: String)] {
        let folder = root.appendingPathComponent(target.path)
        guard let walker = FileManager.default.enumerator(atPath: folder.path) else { return [] }
        return walker.compactMap { $0 as? String }.filter { $0.hasSuffix(".swift") }.sorted().compactMap { relative in
            let url = folder.appendingPathComponent(relative)
            guard let text = try? String(contentsOf: url, encoding: .utf8) else { return nil }
            return (target.path + "/" + relative, text)
        }
    }

    func testEveryImportIsDeclaredAndPointsDown() throws {
        let manifest = try String(contentsOf: Self.root.appendingPathComponent("Package.swift"), encoding: .utf8)
        let targets = ImportLayering.targets(inManifest: manifest)
        XCTAssertTrue(targets.contains { $0.name == "MorphInference" && $0.dependencies.contains("MorphModels") })
        XCTAssertTrue(targets.contains { $0.name == "LayeringTests" && $0.isTest })
        let files = targets.flatMap(Self.swiftFiles)
        XCTAssertGreaterThan(files.count, 100, "the check reads the package's Swift files")
        let problems = ImportLayering.problems(targets: targets, sources: Self.swiftFiles)
        XCTAssertEqual(problems, [], "\n" + problems.joined(separator: "\n"))
    }

    func testAnUndeclaredImportAndAnUpwardDependencyAreReported() {
        let manifest = """
        .target(name: "MorphTensor", dependencies: ["COpenBLAS"], swiftSettings: fastMath),
        .target(name: "MorphTrain", dependencies: [
            "MorphTensor", "MorphRecipes", .product(name: "Yams", package: "Yams"),
        ]),
        .target(name: "MorphRecipes", dependencies: ["MorphTensor"]),
        .target(name: "MorphGadgets"),
        .testTarget(name: "MorphTrainTests", dependencies: ["MorphTrain"], path: "Tests/Train"),
        """
        let targets = ImportLayering.targets(inManifest: manifest)
        XCTAssertEqual(targets.map(\.name), ["MorphTensor", "MorphTrain", "MorphRecipes", "MorphGadgets", "MorphTrainTests"])
        XCTAssertEqual(targets[1].dependencies, ["MorphTensor", "MorphRecipes", "Yams"])
        XCTAssertEqual(targets[4].path, "Tests/Train")
        let sources: [String: String] = [
            "MorphTensor": "import Foundation\nimport COpenBLAS\n",
            "MorphTrain": "import Foundation\nimport MorphTensor\nimport Yams\nimport MorphImage\n",
            "MorphRecipes": "@testable import MorphTensor\nimport struct MorphNN.Linear\n",
            "MorphTrainTests": "import XCTest\n@testable import MorphTrain\nimport MorphTensor\n",
        ]
        let problems = ImportLayering.problems(targets: targets) { [(path: $0.name + ".swift", text: sources[$0.name] ?? "")] }
        XCTAssertEqual(problems, [
            "MorphTrain.swift: imports MorphImage, which MorphTrain does not declare in Package.swift",
            "MorphTrain: depends on MorphRecipes, which is not below it",
            "MorphRecipes.swift: imports MorphNN, which MorphRecipes does not declare in Package.swift",
            "MorphGadgets: not on the module ladder in ImportLayering.ladder; add it at its layer",
            "MorphTrainTests.swift: imports MorphTensor, which MorphTrainTests does not declare in Package.swift",
        ])
    }
}
