import Foundation
import XCTest
import MorphCheckpoint
@testable import MorphImage
import MorphModels
import MorphInference
@testable import MorphRecipes
import TestSupport

/// `morph run`: steps, chaining, sharding, the manifest and resuming, dry runs, train steps and exit codes.
final class RecipeRunnerTests: XCTestCase {
    var dir: URL!

    override func setUpWithError() throws {
        dir = try PipelineFixtures.scratch()
        // in/ holds seven small photos in two folders and one file that is no image.
        let input = dir.appendingPathComponent("in")
        try FileManager.default.createDirectory(at: input.appendingPathComponent("sub"), withIntermediateDirectories: true)
        for (i, name) in ["a.png", "b.png", "c.png", "sub/d.png", "sub/e.png", "sub/f.png", "z.png"].enumerated() {
            try FileManager.default.copyItem(at: PipelineFixtures.url(i % 2 == 0 ? "cli_in_rgb.png" : "cli_in_odd.png"),
                                             to: input.appendingPathComponent(name))
        }
        for model in ["cli_resnet_in.pth", "cli_srvgg_x4.pth", "cli_rrdb_x4.pth"] {
            try FileManager.default.copyItem(at: PipelineFixtures.url(model), to: dir.appendingPathComponent(model))
        }
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }

    func write(_ text: String, _ name: String = "r.yaml") throws -> URL {
        let url = dir.appendingPathComponent(name)
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url
    }

    func run(_ recipe: URL, shard: Shard = .all, dryRun: Bool = false) throws -> (RecipeSummary, [String]) {
        var lines: [String] = []
        let parsed = try RecipeRunner.load(recipe)
        let summary = try RecipeRunner(recipe: parsed, options: RecipeRunOptions(shard: shard, dryRun: dryRun, interactive: false),
                                       print: { lines.append($0) }).run()
        return (summary, lines)
    }

    /// Every file under `folder` with `ext`, relative, sorted.
    func files(_ folder: String, ext: String = "png") -> [String] {
        let root = dir.appendingPathComponent(folder)
        guard let walker = FileManager.default.enumerator(atPath: root.path) else { return [] }
        return walker.compactMap { $0 as? String }.filter { $0.hasSuffix("." + ext) }.sorted()
    }

    /// The manifest entries of `folder` (every shard's file), as (input, status).
    func manifest(_ folder: String) throws -> [(input: String, status: String)] {
        let root = dir.appendingPathComponent(folder)
        var out: [(String, String)] = []
        for name in try FileManager.default.contentsOfDirectory(atPath: root.path) where name.hasPrefix(".morph-manifest") {
            let text = try String(contentsOf: root.appendingPathComponent(name), encoding: .utf8)
            for line in text.split(separator: "\n") {
                let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
                XCTAssertEqual((object["model"] as? String)?.count, 16, "a model hash on every line")
                out.append((object["input"] as! String, object["status"] as! String))
            }
        }
        return out
    }

    static let chain = """
    name: translate, then ×4
    steps:
      - task: translate
        model: cli_resnet_in.pth
        input: in
        output: translated
      - task: upscale
        model: cli_srvgg_x4.pth
        output: big
        format: webp
    """

    func testThreeShardsTogetherProcessEveryFileExactlyOnceThroughBothChainedSteps() throws {
        let recipe = try write(Self.chain)
        var perShard: [[String]] = []
        for i in 0..<3 {
            let (summary, _) = try run(recipe, shard: Shard(index: i, count: 3))
            XCTAssertEqual(summary.exitCode, 0, summary.report)
            XCTAssertEqual(summary.steps[0].summary.done, summary.steps[1].summary.done, "step 2 takes step 1's files")
            perShard.append(try manifest("translated").map(\.input).filter { !perShard.joined().contains($0) })
        }
        let all = perShard.joined()
        XCTAssertEqual(all.count, 7, "\(perShard)")
        XCTAssertEqual(Set(all).count, 7, "no file in two shards")
        XCTAssertEqual(perShard.map(\.count), [3, 2, 2])
        XCTAssertEqual(files("translated"), ["a.png", "b.png", "c.png", "sub/d.png", "sub/e.png", "sub/f.png", "z.png"])
        XCTAssertEqual(files("big", ext: "webp"), ["a.webp", "b.webp", "c.webp", "sub/d.webp", "sub/e.webp", "sub/f.webp", "z.webp"])
        XCTAssertEqual(try manifest("big").count, 7)
        let big = try ImageLoader.load(dir.appendingPathComponent("big/a.webp"))
        XCTAssertEqual([big.width, big.height], [96, 80], "the ×4 model ran on the translated 24×20 image")
        // Shards are the same whatever order the folder lists its files in: by sorted relative path.
        XCTAssertEqual(Shard(index: 1, count: 3).select(["z.png", "a.png", "sub/d.png", "c.png"], key: { $0 }), ["c.png"])
    }

    func testRerunSkipsDoneFilesAndRedoesThemWhenTheModelChanges() throws {
        let recipe = try write(Self.chain)
        let (first, _) = try run(recipe)
        XCTAssertEqual(first.steps.map(\.summary.done), [7, 7])
        let (second, _) = try run(recipe)
        XCTAssertEqual(second.steps.map(\.summary.done), [0, 0])
        XCTAssertEqual(second.steps.map(\.summary.skipped), [7, 7])
        // A removed output is made again; the rest stay skipped.
        try FileManager.default.removeItem(at: dir.appendingPathComponent("big/sub/e.webp"))
        let (third, _) = try run(recipe)
        XCTAssertEqual(third.steps[1].summary.done, 1)
        // Another model for step 2: its manifest entries no longer match, so every file is redone.
        let other = try write(Self.chain.replacingOccurrences(of: "cli_srvgg_x4.pth", with: "cli_rrdb_x4.pth"), "r2.yaml")
        let (fourth, _) = try run(other)
        XCTAssertEqual(fourth.steps.map(\.summary.done), [0, 7])
    }

    func testDryRunListsEveryFileAndWritesNothing() throws {
        let recipe = try write(Self.chain)
        let (summary, lines) = try run(recipe, shard: Shard(index: 0, count: 2), dryRun: true)
        XCTAssertEqual(summary.exitCode, 0)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("translated").path))
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("big").path))
        let translate = lines.filter { $0.hasPrefix("  translate: ") }
        let upscale = lines.filter { $0.hasPrefix("  upscale: ") }
        XCTAssertEqual(translate.count, 4, lines.joined(separator: "\n"))
        XCTAssertEqual(upscale.count, 4)
        XCTAssertTrue(translate[0].hasSuffix("in/a.png -> \(dir.appendingPathComponent("translated/a.png").path)"), translate[0])
        XCTAssertTrue(upscale[2].hasSuffix("translated/sub/e.png -> \(dir.appendingPathComponent("big/sub/e.webp").path)"), upscale[2])
        XCTAssertTrue(lines[0].hasPrefix("step 1/2: translate with "), lines[0])
        XCTAssertTrue(lines.contains { $0.contains("in shard 0/2") })
        // After a real run, the dry run says each file is done.
        _ = try run(recipe)
        let (_, again) = try run(recipe, dryRun: true)
        XCTAssertEqual(again.filter { $0.hasPrefix("  skip (done): ") }.count, 14)
    }

    func testFailingFileIsRecordedOthersGoOnAndTheChainDropsIt() throws {
        try Data("not a PNG".utf8).write(to: dir.appendingPathComponent("in/sub/bad.png"))
        let (summary, _) = try run(try write(Self.chain))
        XCTAssertEqual(summary.exitCode, 1)
        XCTAssertEqual(summary.steps[0].summary.failures.map(\.path), [dir.appendingPathComponent("in/sub/bad.png").path])
        XCTAssertEqual(summary.steps[1].summary.done, 7)
        XCTAssertEqual(summary.steps[1].summary.failures.count, 0)
        XCTAssertTrue(try manifest("translated").contains { $0.input.hasSuffix("bad.png") && $0.status.hasPrefix("failed: ") })
        XCTAssertTrue(summary.report.contains("step 1 (translate): done 7, skipped 0, failed 1"), summary.report)
    }

    func testChainedInpaintStepFindsMasksByStem() throws {
        let model = try ArchitectureRegistry.build("gated_inpaint", options: ["cnum": "4"], seed: 3)
        let spec = ArchitectureConfiguration(name: "gated_inpaint", options: ["cnum": .int(4)])
        try Checkpoint(tensors: model.stateDict(), metadata: spec.metadata).write(to: dir.appendingPathComponent("inpaint.safetensors"))
        let masks = dir.appendingPathComponent("masks")
        try FileManager.default.createDirectory(at: masks, withIntermediateDirectories: true)
        // Masks for a (24×20) and b (23×19): a white 6×6 square; c gets none and fails alone.
        for (stem, width, height) in [("a", 24, 20), ("b", 23, 19)] {
            let bytes = (0..<(width * height)).map { i -> UInt8 in (4..<10).contains(i % width) && (5..<11).contains(i / width) ? 255 : 0 }
            let image = try bytes.withUnsafeBytes { try VipsImage.fromSamples($0, width: width, height: height, bands: 1, bitDepth: 8) }
            try ImageWriter.save(image, to: masks.appendingPathComponent(stem + ".png"))
        }
        for name in ["sub/d.png", "sub/e.png", "sub/f.png", "z.png"] {
            try FileManager.default.removeItem(at: dir.appendingPathComponent("in/" + name))
        }
        let (summary, lines) = try run(try write("""
        steps:
          - task: upscale
            model: cli_srvgg_x4.pth
            input: in
            output: big
            outscale: 1
          - task: inpaint
            model: inpaint.safetensors
            mask: masks
            output: filled
        """))
        XCTAssertEqual(summary.steps[0].summary.done, 3)
        XCTAssertEqual(summary.steps[1].summary.done, 2, summary.report)
        XCTAssertEqual(summary.steps[1].summary.failures.map(\.path), [dir.appendingPathComponent("big/c.png").path])
        XCTAssertEqual(summary.exitCode, 1)
        XCTAssertTrue(lines.contains { $0.hasPrefix("step 2/2: inpaint with ") })
        XCTAssertEqual(files("filled"), ["a.png", "b.png"])
        // Outside the hole every pixel is the upscaled input's.
        let before = try PipelineFixtures.samples(dir.appendingPathComponent("big/a.png"))
        let after = try PipelineFixtures.samples(dir.appendingPathComponent("filled/a.png"))
        XCTAssertEqual(before.values[0..<(3 * 24 * 4)], after.values[0..<(3 * 24 * 4)])
        XCTAssertNotEqual(before.values, after.values)
    }

    func testTrainStepFeedsALaterStepsModelAndResumes() throws {
        // A two-step pix2pix run on a tiny aligned set, then translate with the run folder as the model.
        let data = dir.appendingPathComponent("pairs/train")
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        for name in ["p1.png", "p2.png"] {
            try FileManager.default.copyItem(at: PipelineFixtures.url("cli_in_rgb.png"), to: data.appendingPathComponent(name))
        }
        let recipe = try write("""
        steps:
          - task: train
            kind: pix2pix
            input: pairs
            output: run
            options:
              net-g: resnet_6blocks
              ngf: 4
              ndf: 4
              norm: instance
              dropout: false
              load-size: 32
              crop-size: 32
              max-steps: 2
              n-epochs: 1
              n-epochs-decay: 0
          - task: translate
            model: run
            input: in/sub
            output: out
        """)
        let (_, planned) = try run(recipe, dryRun: true)
        XCTAssertEqual(planned.count, 5, planned.joined(separator: "\n"))
        XCTAssertTrue(planned[1].hasPrefix("step 2/2: translate with the model trained into "), planned[1])
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("run").path))
        let (summary, lines) = try run(recipe)
        XCTAssertEqual(summary.exitCode, 0, summary.report)
        XCTAssertTrue(lines[0].hasPrefix("step 1/2: train pix2pix on "), lines[0])
        XCTAssertTrue(FileManager.default.fileExists(atPath: dir.appendingPathComponent("run/checkpoints/latest_net_G.safetensors").path))
        XCTAssertEqual(files("out"), ["d.png", "e.png", "f.png"])
        // Run again: the finished run is resumed (nothing more to train), the translations are skipped.
        let (again, againLines) = try run(recipe)
        XCTAssertTrue(againLines[0].contains("(resuming)"), againLines[0])
        XCTAssertEqual(again.steps[1].summary.skipped, 3)
        XCTAssertThrowsError(try run(recipe, shard: Shard(index: 0, count: 2))) { error in
            XCTAssertTrue("\(error)".contains("run this recipe without --shard"), "\(error)")
        }
    }

    func testSRTrainStepWithItsOwnOptionsFeedsAnUpscaleStep() throws {
        let data = dir.appendingPathComponent("hr")
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: PipelineFixtures.url("photos/chelsea_crop.png"), to: data.appendingPathComponent("cat.png"))
        let recipe = try write("""
        steps:
          - task: train
            kind: sr
            input: hr
            output: sr-run
            options:
              arch: srvgg
              scale: 2
              num-feat: 4
              num-conv: 1
              gt-size: 32
              batch-size: 2
              crops-per-epoch: 4
              max-steps: 2
          - task: upscale
            model: sr-run
            input: in/sub
            output: up
        """)
        let (summary, lines) = try run(recipe)
        XCTAssertEqual(summary.exitCode, 0, summary.report)
        XCTAssertTrue(lines[0].contains("train sr on ") && lines[0].contains("srvgg ×2"), lines[0])
        let config = try String(contentsOf: dir.appendingPathComponent("sr-run/config.json"), encoding: .utf8)
        XCTAssertTrue(config.contains("\"gt_size\" : 32") && config.contains("\"num_conv\" : 1"), config)
        XCTAssertEqual(files("up"), ["d.png", "e.png", "f.png"])
        let input = try PipelineFixtures.samples(dir.appendingPathComponent("in/sub/d.png"))
        let output = try PipelineFixtures.samples(dir.appendingPathComponent("up/d.png"))
        XCTAssertEqual([output.width, output.height], [2 * input.width, 2 * input.height])
    }

    func testMorphRunExitCodesAndRecipeErrorsNameFileLineAndColumn() throws {
        let good = try write(Self.chain)
        let ok = try PipelineFixtures.runMorph(["run", good.path, "--shard", "2/3"])
        XCTAssertEqual(ok.code, 0, ok.err)
        XCTAssertTrue(ok.out.contains("step 2 (upscale): done 2, skipped 0, failed 0"), ok.out)
        let bad = try write("""
        steps:
          - task: translate
            model: cli_resnet_in.pth
            input: in
            output: translated
            tiel: 3
            direction: sideways
        """, "bad.yaml")
        let failed = try PipelineFixtures.runMorph(["run", bad.path])
        XCTAssertEqual(failed.code, 2)
        XCTAssertEqual(failed.err.split(separator: "\n").map(String.init), [
            "morph: \(bad.path):6:5: unknown key 'tiel' (did you mean 'tile'?)",
            "morph: \(bad.path):7:16: The value 'sideways' is invalid for '--direction <direction>'. Please provide one of 'AtoB' and 'BtoA'.",
        ])
        let shard = try PipelineFixtures.runMorph(["run", good.path, "--shard", "3/3"])
        XCTAssertEqual(shard.code, 2, shard.err)
        XCTAssertTrue(shard.err.hasPrefix("morph: The value '3/3' is invalid for '--shard <shard>'\n"), shard.err)
        try Data("not a PNG".utf8).write(to: dir.appendingPathComponent("in/bad.png"))
        let partial = try PipelineFixtures.runMorph(["run", good.path, "--input", dir.appendingPathComponent("in").path,
                                                     "--output", dir.appendingPathComponent("elsewhere").path])
        XCTAssertEqual(partial.code, 1, partial.err)
        XCTAssertTrue(partial.err.contains("in/bad.png"), partial.err)
        XCTAssertEqual(files("elsewhere", ext: "webp").count, 7)
    }
}
