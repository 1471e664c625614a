import XCTest
@testable import MorphRecipes
import MorphOptions

final class RecipeParserTests: XCTestCase {
    var folder: URL!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("morph-recipe-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("photos"), withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: folder) }

    func parse(_ text: String, builtins: Set<String> = ["morph-sr-x4"]) throws -> Recipe {
        try RecipeParser.parse(text, file: folder.appendingPathComponent("r.yaml"),
                               environment: RecipeEnvironment(isBuiltinModel: { builtins.contains($0) },
                                                              builtinNames: builtins.sorted()))
    }

    func testChainedStepsFeedOutputToInput() throws {
        let recipe = try parse("""
        name: chain
        steps:
          - task: upscale
            model: morph-sr-x4
            input: photos
            output: big
            tile: 256
            overlap: auto
          - task: upscale
            model: morph-sr-x4
            output: bigger
            format: webp
        """)
        XCTAssertEqual(recipe.steps.count, 2)
        XCTAssertEqual(recipe.steps[0].image?.runOptions.inference.tile, .size(256))
        XCTAssertNil(recipe.steps[0].image?.runOptions.inference.overlap, "auto")
        XCTAssertEqual(recipe.steps[1].input, folder.appendingPathComponent("big").standardized)
        XCTAssertEqual(recipe.steps[1].image?.output.format, .webp)
    }

    func testErrorOnLineSevenSaysLineSeven() throws {
        let text = """
        # a recipe with a typo on line 7
        steps:
          - task: upscale
            model: morph-sr-x4
            input: photos
            output: big
            tiel: 256
        """
        XCTAssertThrowsError(try parse(text)) { error in
            let e = error as! RecipeError
            XCTAssertEqual(e.issues.count, 1)
            XCTAssertEqual(e.issues[0].line, 7)
            XCTAssertEqual(e.issues[0].column, 5)
            XCTAssertTrue(e.description.contains("r.yaml:7:5: unknown key 'tiel' (did you mean 'tile'?)"), e.description)
        }
    }

    func testAllProblemsAreReportedTogether() throws {
        let text = """
        steps:
          - task: upscale
            model: missing.pth
            input: nowhere
            output: out
            tile: -3
            outscale: lots
          - task: paint
        """
        XCTAssertThrowsError(try parse(text)) { error in
            let lines = (error as! RecipeError).issues.map(\.line)
            XCTAssertEqual(lines, [3, 4, 6, 7, 8])
        }
    }

    func testUnknownKeysWrongTypesMissingFilesAndBadValuesComeTogether() throws {
        let text = """
        name: everything wrong at once
        steps:
          - task: inpaint
            model: nowhere/latest_net_G_A.pth
            input: photos
            output: out
            skip-existing: often
            colour: blue
            tile: [1, 2]
            mask: masks
            format: bmp
        """
        XCTAssertThrowsError(try parse(text)) { error in
            let e = error as! RecipeError
            XCTAssertEqual(e.issues.map(\.line), [4, 7, 8, 9, 10, 11], e.description)
            let lines = e.description.split(separator: "\n").map(String.init)
            XCTAssertEqual(lines.count, 6)
            XCTAssertTrue(lines[0].hasPrefix(self.folder.appendingPathComponent("r.yaml").path + ":4:12: model 'nowhere/latest_net_G_A.pth' not found"), lines[0])
            XCTAssertTrue(lines[0].hasSuffix("; built-in models: morph-sr-x4"), lines[0])
            XCTAssertTrue(lines[1].hasSuffix(":7:20: 'skip-existing' must be true or false, got 'often'"), lines[1])
            XCTAssertTrue(lines[2].contains(":8:5: unknown key 'colour'"), lines[2])
            XCTAssertTrue(lines[3].contains(":9:11: 'tile' must be a single value, got"), lines[3])
            XCTAssertTrue(lines[4].contains(":10:11: mask 'masks' does not exist"), lines[4])
            XCTAssertTrue(lines[5].contains(":11:13: The value 'bmp' is invalid for '--format <format>'"), lines[5])
        }
    }

    func testStepWithoutInputIsChainedAndTrainStepsAreChecked() throws {
        let recipe = try parse("""
        steps:
          - task: train
            kind: pix2pix
            input: photos
            output: run
            options:
              net-g: unet_128
              crop-size: 128
              load-size: 143
              dropout: false
          - task: translate
            model: run
            input: photos
            output: a
          - task: upscale
            model: morph-sr-x4
            output: b
        """)
        XCTAssertEqual(recipe.steps.map(\.chained), [false, false, true])
        XCTAssertEqual(recipe.steps[0].train?.translation?.cropSize, 128)
        XCTAssertEqual(recipe.steps[0].train?.translation?.netG, .unet_128)
        XCTAssertEqual(recipe.steps[0].train?.translation?.noDropout, true, "dropout: false is --no-dropout")
        XCTAssertEqual(recipe.steps[2].input, folder.appendingPathComponent("a").standardized)

        let bad = """
        steps:
          - task: train
            kind: pix2pix
            input: photos
            output: run
            options:
              crop-sise: 128
              ngf: many
              net-g: unet_1024
          - task: translate
            model: run
            output: a
          - task: train
            kind: stylegan
            input: photos
            output: run2
        """
        XCTAssertThrowsError(try parse(bad)) { error in
            let e = error as! RecipeError
            XCTAssertEqual(e.issues.map(\.line), [7, 8, 9, 10, 14], e.description)
            XCTAssertTrue(e.issues[0].message.contains("--crop-sise is not an option of morph train pix2pix (did you mean 'crop-size'?)"), e.issues[0].message)
            XCTAssertTrue(e.issues[1].message.contains("The value 'many' is invalid for '--ngf <ngf>'"), e.issues[1].message)
            XCTAssertTrue(e.issues[2].message.contains("--net-g"), e.issues[2].message)
            XCTAssertTrue(e.issues[3].message.contains("the step before trains a model"), e.issues[3].message)
            XCTAssertTrue(e.issues[4].message.contains("kind must be one of cyclegan, inpaint, pix2pix, sr"), e.issues[4].message)
        }
        // Together the options must make sense too: a unet_256 crop must be a multiple of 256.
        XCTAssertThrowsError(try parse("""
        task: train
        kind: pix2pix
        input: photos
        output: run
        options:
          crop-size: 200
          load-size: 286
        """)) { error in
            let e = error as! RecipeError
            XCTAssertEqual(e.issues.map(\.line), [6], e.description)
            XCTAssertTrue(e.issues[0].message.contains("unet_256 needs a multiple of 256"), e.issues[0].message)
        }
    }

    /// SR and inpainting train steps take their own options by the command-line names, checked the same way.
    func testSRAndInpaintTrainStepsTakeTheirOwnOptions() throws {
        let recipe = try parse("""
        steps:
          - task: train
            kind: inpaint
            input: photos
            output: inpaint-run
            options:
              cnum: 16
              mask-kind: box
              lambda-gan: 0
              crop-size: 128
          - task: train
            kind: sr
            input: photos
            output: sr-run
            options:
              arch: srvgg
              gt-size: 96
              num-feat: 32
        """)
        XCTAssertEqual(recipe.steps[0].train?.inpaint?.maskKind, .box)
        XCTAssertEqual(recipe.steps[0].train?.inpaint?.cnum, 16)
        XCTAssertEqual(recipe.steps[0].train?.inpaint?.cropSize, 128)
        XCTAssertEqual(recipe.steps[1].train?.sr?.gtSize, 96)
        XCTAssertEqual(recipe.steps[1].train?.sr?.numFeat, 32)
        XCTAssertThrowsError(try parse("""
        steps:
          - task: train
            kind: sr
            input: photos
            output: run
            options:
              gt-size: large
              cnum: 16
              arch: srgan
        """)) { error in
            let e = error as! RecipeError
            XCTAssertEqual(e.issues.map(\.line), [7, 8, 9], e.description)
            XCTAssertTrue(e.issues[0].message.contains("The value 'large' is invalid for '--gt-size <gt-size>'"), e.issues[0].message)
            XCTAssertTrue(e.issues[1].message.contains("--cnum is not an option of morph train sr"), e.issues[1].message)
            XCTAssertTrue(e.issues[2].message.contains("The value 'srgan' is invalid for '--arch <arch>'"), e.issues[2].message)
        }
    }

    func testPathsOfARecipeNamedRelativeToTheCurrentFolderResolveFromItsFolder() throws {
        let previous = FileManager.default.currentDirectoryPath
        defer { FileManager.default.changeCurrentDirectoryPath(previous) }
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("recipes"), withIntermediateDirectories: true)
        XCTAssertTrue(FileManager.default.changeCurrentDirectoryPath(folder.path))
        let recipe = try RecipeParser.parse("task: upscale\nmodel: ../weights/x4.pth\ninput: ../photos\noutput: ../out\n",
                                            file: URL(fileURLWithPath: "recipes/r.yaml"),
                                            environment: RecipeEnvironment(checkFiles: false))
        let root = folder.standardizedFileURL.resolvingSymlinksInPath().path
        XCTAssertEqual(URL(fileURLWithPath: recipe.steps[0].input.path).resolvingSymlinksInPath().path, root + "/photos")
        XCTAssertEqual(URL(fileURLWithPath: recipe.steps[0].model ?? "").resolvingSymlinksInPath().path, root + "/weights/x4.pth")
    }

    func testYamlSyntaxErrorHasPosition() throws {
        XCTAssertThrowsError(try parse("steps:\n  - task: upscale\n    model: [unclosed\n")) { error in
            let e = error as! RecipeError
            XCTAssertGreaterThanOrEqual(e.issues[0].line, 3)
        }
    }

    func testOverridesReplaceFirstInputAndLastOutput() throws {
        let other = folder.appendingPathComponent("photos")
        let recipe = try RecipeParser.parse("""
        task: upscale
        model: morph-sr-x4
        input: nowhere-but-overridden
        output: out
        """, file: folder.appendingPathComponent("r.yaml"),
             environment: RecipeEnvironment(isBuiltinModel: { $0 == "morph-sr-x4" }),
             inputOverride: other, outputOverride: folder.appendingPathComponent("o2"))
        XCTAssertEqual(recipe.steps[0].input, other)
        XCTAssertEqual(recipe.steps[0].output.lastPathComponent, "o2")
    }
}
