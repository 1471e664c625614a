import Foundation
import XCTest
@testable import MorphImage
import MorphInference
import TestSupport

/// Folders, mirroring, failures, refusals, skip-existing, parallel jobs and image layouts.
final class BatchTests: XCTestCase {
    /// in/a.png, in/sub/B.PNG and in/sub/bad.png (not an image).
    func makeInputFolder() throws -> URL {
        let dir = try PipelineFixtures.scratch()
        let input = dir.appendingPathComponent("in")
        try FileManager.default.createDirectory(at: input.appendingPathComponent("sub"), withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: PipelineFixtures.url("cli_in_odd.png"), to: input.appendingPathComponent("a.png"))
        try FileManager.default.copyItem(at: PipelineFixtures.url("cli_in_rgb.png"),
                                         to: input.appendingPathComponent("sub/B.PNG"))
        try Data("definitely not a PNG".utf8).write(to: input.appendingPathComponent("sub/bad.png"))
        return input
    }

    func runner(_ input: URL, _ output: URL, skip: Bool = false, jobs: Int = 1, format: ImageFormat? = nil) -> ImageCommandRunner {
        ImageCommandRunner(inputs: [input.path], output: output.path,
                           model: PipelineFixtures.url("cli_resnet_in.pth").path, task: .translate(eval: false, seed: 0),
                           options: ImageRunOptions(format: format, skipExisting: skip, jobs: jobs, interactive: false))
    }

    func testCorruptFileIsReportedOthersWrittenExitCodeOne() throws {
        let input = try makeInputFolder()
        let output = input.deletingLastPathComponent().appendingPathComponent("out")
        let summary = try runner(input, output).run(label: "test")
        XCTAssertEqual(summary.done, 2)
        XCTAssertEqual(summary.failures.count, 1)
        XCTAssertEqual(summary.failures.first?.path, input.appendingPathComponent("sub/bad.png").path)
        XCTAssertEqual(summary.exitCode, 1)
        XCTAssertTrue(summary.report.hasPrefix("done 2, skipped 0, failed 1"))
        XCTAssertTrue(FileManager.default.fileExists(atPath: output.appendingPathComponent("a.png").path))
        XCTAssertTrue(FileManager.default.fileExists(atPath: output.appendingPathComponent("sub/B.PNG").path))
        try PipelineFixtures.assertImagesClose(output.appendingPathComponent("a.png"),
                                               PipelineFixtures.url("cli_out_resnet_in_odd.png"))
        // Again with --skip-existing: the two written files are skipped, the bad one fails again.
        let again = try runner(input, output, skip: true).run(label: "test")
        XCTAssertEqual([again.done, again.skipped, again.failures.count], [0, 2, 1])
    }

    func testOutputInsideInputOrEqualToInputIsRefused() throws {
        let input = try makeInputFolder()
        XCTAssertThrowsError(try runner(input, input.appendingPathComponent("out")).prepare()) { error in
            XCTAssertTrue("\(error)".contains("inside the input folder"), "\(error)")
        }
        XCTAssertThrowsError(try runner(input, input).prepare())
        let file = input.appendingPathComponent("a.png")
        XCTAssertThrowsError(try JobPlanner.plan(inputs: [file.path], output: file.path, format: nil)) { error in
            XCTAssertTrue("\(error)".contains("refusing"), "\(error)")
        }
        XCTAssertThrowsError(try JobPlanner.plan(inputs: [input.appendingPathComponent("missing").path],
                                                 output: "/tmp/x", format: nil))
    }

    func testPlanningMirrorsFoldersAndMapsSingleFiles() throws {
        let input = try makeInputFolder()
        let out = input.deletingLastPathComponent().appendingPathComponent("o")
        let jobs = try JobPlanner.plan(inputs: [input.path], output: out.path, format: .jpeg)
        XCTAssertEqual(jobs.map { $0.output.path }, [out.appendingPathComponent("a.jpg").path,
                                                     out.appendingPathComponent("sub/B.jpg").path,
                                                     out.appendingPathComponent("sub/bad.jpg").path])
        let single = try JobPlanner.plan(inputs: [input.appendingPathComponent("a.png").path],
                                         output: out.appendingPathComponent("x.webp").path, format: nil)
        XCTAssertEqual(single.map(\.output.lastPathComponent), ["x.webp"])
        let two = try JobPlanner.plan(inputs: [input.path, PipelineFixtures.url("cli_in_rgb.png").path],
                                      output: out.path, format: nil)
        XCTAssertTrue(two.contains { $0.output.path == out.appendingPathComponent("in/sub/B.PNG").path })
        XCTAssertTrue(two.contains { $0.output.path == out.appendingPathComponent("cli_in_rgb.png").path })
    }

    func testParallelJobsGiveTheSameImages() throws {
        let input = try makeInputFolder()
        try FileManager.default.removeItem(at: input.appendingPathComponent("sub/bad.png"))
        let root = input.deletingLastPathComponent()
        let one = root.appendingPathComponent("one"), two = root.appendingPathComponent("two")
        XCTAssertEqual(try runner(input, one).run(label: "t").exitCode, 0)
        XCTAssertEqual(try runner(input, two, jobs: 2).run(label: "t").exitCode, 0)
        for name in ["a.png", "sub/B.PNG"] {
            XCTAssertEqual(try PipelineFixtures.samples(one.appendingPathComponent(name)).values,
                           try PipelineFixtures.samples(two.appendingPathComponent(name)).values, name)
        }
    }

    func testGraySixteenBitAndAlphaLayoutsSurvive() throws {
        let dir = try PipelineFixtures.scratch()
        let w = 13, h = 11
        var gray16 = [UInt16](repeating: 0, count: w * h)
        for i in gray16.indices { gray16[i] = UInt16((i * 977) % 65536) }
        let grayURL = dir.appendingPathComponent("g16.png")
        try gray16.withUnsafeBytes { raw in
            try ImageWriter.save(try VipsImage.fromSamples(raw, width: w, height: h, bands: 1, bitDepth: 16), to: grayURL)
        }
        var rgba = [UInt8](repeating: 0, count: w * h * 4)
        for i in rgba.indices { rgba[i] = UInt8((i * 37) % 256) }
        for p in 0..<(w * h) { rgba[p * 4 + 3] = p % 2 == 0 ? 255 : 40 }
        let rgbaURL = dir.appendingPathComponent("rgba.png")
        try rgba.withUnsafeBytes { raw in
            try ImageWriter.save(try VipsImage.fromSamples(raw, width: w, height: h, bands: 4, bitDepth: 8), to: rgbaURL)
        }
        let sr = try ModelLoader.load(PipelineFixtures.url("cli_srvgg_x4.pth"))
        let up = dir.appendingPathComponent("g16_x4.png")
        try ImagePipeline.process(BatchJob(input: grayURL, output: up), model: sr, task: .upscale(outscale: nil),
                                  options: ImageRunOptions())
        let g = try PipelineFixtures.samples(up)
        XCTAssertEqual([g.width, g.height, g.bands, g.depth], [52, 44, 1, 16])
        let upA = dir.appendingPathComponent("rgba_x4.png")
        try ImagePipeline.process(BatchJob(input: rgbaURL, output: upA), model: sr, task: .upscale(outscale: nil),
                                  options: ImageRunOptions())
        let a = try PipelineFixtures.samples(upA)
        XCTAssertEqual([a.width, a.height, a.bands], [52, 44, 4])
        let alphas = Set(stride(from: 3, to: a.values.count, by: 4).map { a.values[$0] })
        XCTAssertGreaterThan(alphas.count, 2, "alpha is resampled, not dropped or made opaque")
        // Translation passes alpha through unchanged.
        let tr = try ModelLoader.load(PipelineFixtures.url("cli_resnet_in.pth"))
        let outT = dir.appendingPathComponent("rgba_t.png")
        try ImagePipeline.process(BatchJob(input: rgbaURL, output: outT), model: tr, task: .translate(eval: true, seed: 0),
                                  options: ImageRunOptions())
        let t = try PipelineFixtures.samples(outT)
        XCTAssertEqual([t.width, t.height, t.bands], [13, 11, 4])
        XCTAssertEqual(stride(from: 3, to: t.values.count, by: 4).map { t.values[$0] },
                       stride(from: 3, to: rgba.count, by: 4).map { Int(rgba[$0]) })
    }

    func testFormatOptionWritesThatFormat() throws {
        let dir = try PipelineFixtures.scratch()
        let sr = try ModelLoader.load(PipelineFixtures.url("cli_rrdb_x2.pth"))
        for format in [ImageFormat.webp, .jpeg, .tiff] {
            let jobs = try JobPlanner.plan(inputs: [PipelineFixtures.url("cli_in_odd.png").path],
                                           output: dir.appendingPathComponent("up.png").path, format: format)
            XCTAssertEqual(jobs.first?.output.pathExtension, format.fileExtension)
            let summary = ImagePipeline.run(jobs, model: sr, task: .upscale(outscale: nil),
                                            options: ImageRunOptions(format: format, quality: 90, interactive: false),
                                            label: "t")
            XCTAssertEqual(summary.exitCode, 0, summary.report)
            let written = try PipelineFixtures.samples(try XCTUnwrap(jobs.first).output)
            XCTAssertEqual([written.width, written.height], [46, 38], "\(format)")
        }
    }
}
