import Foundation
import XCTest
import MorphOptions
@testable import MorphRecipes
import MorphTrain

/// A train step takes every option of `morph train <kind>` by its command-line name, through the command's parser.
final class RecipeTrainOptionsTests: XCTestCase {
    var folder: URL!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("morph-recipe-train-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("photos"), withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: folder) }

    /// The step's options, or nil when the recipe has issues.
    func train(_ kind: TrainModelKind, _ options: [(String, String)]) -> TrainOptions? {
        let lines = options.map { "  \($0.0): \($0.1)" }.joined(separator: "\n")
        let text = "task: train\nkind: \(kind.rawValue)\ninput: photos\noutput: run\n" + (options.isEmpty ? "" : "options:\n" + lines)
        return (try? RecipeParser.parse(text, file: folder.appendingPathComponent("r.yaml")))?.steps.first?.train
    }

    func testCommandLineNamesSetTypedOptions() throws {
        let o = try XCTUnwrap(train(.pix2pix, [
            ("net-g", "resnet_6blocks"), ("ngf", "16"), ("n-layers-d", "2"), ("lambda-l1", "50"), ("lr", "0.001"),
            ("dropout", "false"), ("no-flip", "true"), ("max-steps", "30"), ("preprocess", "crop"), ("crop-size", "128"),
            ("load-size", "256"), ("seed", "7"),
        ]))
        XCTAssertEqual(o.translation!.netG, .resnet_6blocks)
        XCTAssertEqual(o.translation!.ngf, 16)
        XCTAssertEqual(o.translation!.nLayersD, 2)
        XCTAssertEqual(o.translation!.lambdaL1, 50)
        XCTAssertEqual(o.lr, 0.001)
        XCTAssertTrue(o.translation!.noDropout)
        XCTAssertTrue(o.translation!.noFlip)
        XCTAssertEqual(o.maxSteps, 30)
        XCTAssertEqual(o.translation!.preprocess, .crop)
        XCTAssertEqual(o.seed, 7)
        // Untouched options keep pix2pix's reference defaults.
        XCTAssertEqual(o.translation!.ganMode, .vanilla)
        XCTAssertEqual(o.translation!.poolSize, 0)
        var cyclegan = TrainOptions(model: .cyclegan)
        cyclegan.dataRoot = train(.cyclegan, [])?.dataRoot ?? ""
        XCTAssertEqual(train(.cyclegan, []), cyclegan, "no options: the reference defaults")
    }

    /// Every option of every `morph train` kind can be set from a recipe, and changes the run's options.
    func testEveryOptionOfEveryTrainKindCanBeSetInARecipe() throws {
        // pix2pix has no image pool, and its unet_256 crop must be 256 with the default load size: nothing else passes.
        let fixed: Set<String> = ["pix2pix pool-size", "pix2pix crop-size"]
        for kind in TrainModelKind.allCases {
            let names = kind.optionNames
            let defaults = try XCTUnwrap(train(kind, []), "\(kind)")
            XCTAssertEqual(defaults.model, kind)
            for name in names.all.subtracting(RecipeParser.trainStepKeys.keys).sorted() {
                if name.hasPrefix("no-"), names.flags.contains(String(name.dropFirst(3))) { continue }
                if fixed.contains("\(kind.rawValue) \(name)") { continue }
                let candidates = names.flags.contains(name) ? ["true", "false"]
                    : (names.values[name] ?? []) + ["300", "2", "3", "7", "0.25", "x.pth"]
                let changed = candidates.contains { value in
                    guard let options = train(kind, [(name, value)]) else { return false }
                    return options != defaults
                }
                XCTAssertTrue(changed, "a recipe's train \(kind.rawValue) step cannot set --\(name)")
            }
        }
    }

    func testStepKeysAndUnknownOptionsAreRefusedWhereTheyStand() {
        XCTAssertThrowsError(try RecipeParser.parse("""
        task: train
        kind: cyclegan
        input: photos
        output: run
        options:
          out: elsewhere
          ngff: 8
        """, file: folder.appendingPathComponent("r.yaml"))) { error in
            let issues = (error as? RecipeError)?.issues ?? []
            XCTAssertEqual(issues.map(\.line), [6, 7])
            XCTAssertEqual(issues.map(\.message), [
                "options: --out is the step's 'output'",
                "options: --ngff is not an option of morph train cyclegan (did you mean 'ngf'?)",
            ])
        }
    }
}
