import XCTest
@testable import MorphRecipes

final class RecipeParserTests: XCTestCase {
    var folder: URL!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("morph-recipe-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("photos"), withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: folder) }

    func parse(_ text: String, builtins: Set<String> = ["morph-sr-x4"]) throws -> Recipe {
        try RecipeParser.parse(text, file: folder.appendingPathComponent("r.yaml"),
                               environment: RecipeEnvironment(isBuiltinModel: { builtins.contains($0) }))
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
        XCTAssertEqual(recipe.steps[0].tile, .size(256))
        XCTAssertTrue(recipe.steps[0].overlapAuto)
        XCTAssertEqual(recipe.steps[1].input, folder.appendingPathComponent("big").standardized)
        XCTAssertEqual(recipe.steps[1].format, "webp")
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

final class ShardTests: XCTestCase {
    func testShardsCoverEveryFileExactlyOnce() {
        let files = (0..<100).map { "dir/\(($0 * 37) % 100).png" }.shuffled()
        var seen: [String] = []
        for i in 0..<3 {
            let shard = Shard(parsing: "\(i)/3")!
            seen += shard.select(files, key: { $0 })
        }
        XCTAssertEqual(seen.count, 100)
        XCTAssertEqual(Set(seen), Set(files))
        // Deterministic whatever the input order.
        XCTAssertEqual(Shard(index: 1, count: 3).select(files, key: { $0 }),
                       Shard(index: 1, count: 3).select(files.reversed(), key: { $0 }))
    }

    func testBadShardTextIsRejected() {
        XCTAssertNil(Shard(parsing: "3/3"))
        XCTAssertNil(Shard(parsing: "-1/2"))
        XCTAssertNil(Shard(parsing: "1"))
        XCTAssertNil(Shard(parsing: "a/b"))
    }
}

final class BatchRunnerTests: XCTestCase {
    func testFailingFilesAreListedAndTheBatchGoesOn() {
        let jobs = (0..<5).map { BatchJob(input: URL(fileURLWithPath: "/in/\($0).png"), output: URL(fileURLWithPath: "/tmp/none/\($0).png")) }
        struct Broken: Error, CustomStringConvertible { var description: String { "not an image" } }
        var processed: [Int] = []
        let summary = BatchRunner(interactive: false).run(jobs) { job in
            let n = Int(job.input.deletingPathExtension().lastPathComponent)!
            if n == 2 { throw Broken() }
            processed.append(n)
        }
        XCTAssertEqual(processed, [0, 1, 3, 4])
        XCTAssertEqual(summary.done, 4)
        XCTAssertEqual(summary.failures.map(\.path), ["/in/2.png"])
        XCTAssertEqual(summary.failures.first?.cause, "not an image")
        XCTAssertEqual(summary.exitCode, 1)
    }

    func testManifestResumesWithSameModel() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("morph-manifest-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let out = folder.appendingPathComponent("a.png")
        try Data([1]).write(to: out)
        let input = URL(fileURLWithPath: "/in/a.png")
        try Manifest(folder: folder).record(input: input, output: out, modelHash: "h1", status: "done")
        let reopened = Manifest(folder: folder)
        XCTAssertTrue(reopened.isDone(input: input, output: out, modelHash: "h1"))
        XCTAssertFalse(reopened.isDone(input: input, output: out, modelHash: "h2"))
        try FileManager.default.removeItem(at: out)
        XCTAssertFalse(reopened.isDone(input: input, output: out, modelHash: "h1"))
    }
}
