import Foundation
import XCTest
import MorphInference
import MorphOptions
@testable import MorphRecipes

/// A recipe step takes every option of its command by the command's own name, through the command's own parser.
final class RecipeCommandOptionsTests: XCTestCase {
    var folder: URL!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("morph-recipe-options-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("photos"), withIntermediateDirectories: true)
        try Data([0]).write(to: folder.appendingPathComponent("mask.png"))
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: folder) }

    /// A value for each option (YAML) that differs from the default, and how to see it in the parsed options.
    static let samples: [String: (yaml: String, isSet: (ImageCommandOptions) -> Bool)] = [
        "arch": ("srvgg", { $0.model.architecture.arch == "srvgg" }),
        "option": ("[num_conv=8, num_feat=16]", { $0.model.architecture.dictionary == ["num_conv": "8", "num_feat": "16"] }),
        "format": ("webp", { $0.output.format == .webp }),
        "quality": ("50", { $0.output.quality == 50 }),
        "skip-existing": ("true", { $0.output.skipExisting && $0.runOptions.skipExisting }),
        "jobs": ("3", { $0.output.jobs == 3 && $0.runOptions.jobs == 3 }),
        "tile": ("64", { $0.runOptions.inference.tile == .size(64) }),
        "overlap": ("8", { $0.runOptions.inference.overlap == 8 }),
        "direction": ("BtoA", { $0.direction == .bToA }),
        "eval": ("true", { if case let .translate(o) = $0 { return o.eval }; return false }),
        "seed": ("5", { if case let .translate(o) = $0, case .translate(_, 5) = o.task { return true }; return false }),
        "norm-stats": ("tile", { $0.runOptions.inference.normStatistics == .tile }),
        "load-size": ("128", { $0.runOptions.loadSize == 128 }),
        "tile-exact": ("off", { !$0.runOptions.tileExact }),
        "suffix": ("out", { $0.runOptions.suffix == "out" }),
        "denoise-strength": ("0.5", { if case let .upscale(o) = $0 { return o.denoiseStrength == 0.5 }; return false }),
        "outscale": ("2.5", { if case let .upscale(o) = $0, case .upscale(2.5) = o.task { return true }; return false }),
        "strategy": ("resize", { $0.runOptions.inpaint.strategy == .resize }),
        "crop-margin": ("64", { $0.runOptions.inpaint.cropMargin == 64 }),
        "crop-trigger": ("512", { $0.runOptions.inpaint.cropTrigger == 512 }),
        "resize-limit": ("1024", { $0.runOptions.inpaint.resizeLimit == 1024 }),
        "mask-dilate": ("4", { $0.runOptions.inpaint.maskDilate == 4 }),
    ]

    func parse(_ command: ImageCommand, _ extra: String) throws -> RecipeStep {
        let text = """
        task: \(command.rawValue)
        model: morph-sr-x4
        input: photos
        output: out
        \(command == .inpaint ? "mask: mask.png\n" : "")\(extra)
        """
        let recipe = try RecipeParser.parse(text, file: folder.appendingPathComponent("r.yaml"),
                                            environment: RecipeEnvironment(isBuiltinModel: { $0 == "morph-sr-x4" }))
        return try XCTUnwrap(recipe.steps.first)
    }

    func testEveryOptionOfEveryImageCommandCanBeSetInARecipe() throws {
        for command in ImageCommand.allCases {
            let names = command.optionNames.all
            XCTAssertTrue(names.isSuperset(of: ["model", "output", "format", "quality", "jobs", "tile", "overlap"]),
                          "\(command): \(names.sorted())")
            let plain = try XCTUnwrap(try parse(command, "").image)
            XCTAssertEqual(plain.model.model, "morph-sr-x4")
            XCTAssertEqual(plain.output.output, folder.appendingPathComponent("out").standardized.path)
            if case let .inpaint(o) = plain {
                XCTAssertEqual(o.mask, folder.appendingPathComponent("mask.png").standardized.path)
            }
            for name in names.subtracting(RecipeParser.resolvedKeys) {
                guard let sample = Self.samples[name] else {
                    XCTFail("\(command) has option --\(name): give it a sample here and check a recipe sets it")
                    continue
                }
                XCTAssertFalse(sample.isSet(plain), "\(command) --\(name): the sample must differ from the default")
                let step = try parse(command, "\(name): \(sample.yaml)")
                let options = try XCTUnwrap(step.image, "\(command) \(name)")
                XCTAssertTrue(sample.isSet(options), "\(command): a recipe's '\(name): \(sample.yaml)' is not applied")
            }
        }
    }

    func testABadValueIsReportedAtItsPositionInTheCommandsWords() {
        XCTAssertThrowsError(try parse(.upscale, "quality: 101\njobs: 0")) { error in
            let issues = (error as? RecipeError)?.issues ?? []
            XCTAssertEqual(issues.map(\.line), [5, 6])
            XCTAssertEqual(issues.map(\.message), ["--quality must be between 1 and 100", "--jobs must be at least 1"])
        }
    }
}
