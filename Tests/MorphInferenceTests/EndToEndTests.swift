import Foundation
import XCTest
import TestSupport

/// The built `morph` binary, run as a user would: output files, stdout, stderr and exit codes.
final class EndToEndTests: XCTestCase {
    func testUpscaleFileAndInfoAndConvert() throws {
        let dir = try PipelineFixtures.scratch()
        let out = dir.appendingPathComponent("up.png")
        let up = try PipelineFixtures.runMorph(["upscale", PipelineFixtures.url("cli_in_rgb.png").path, "-o", out.path,
                                                "--model", PipelineFixtures.url("cli_rrdb_x4.pth").path])
        XCTAssertEqual(up.code, 0, up.err)
        XCTAssertTrue(up.out.contains("done 1, skipped 0, failed 0"), up.out)
        try PipelineFixtures.assertImagesClose(out, PipelineFixtures.url("cli_out_rrdb_x4_rgb.png"))

        let info = try PipelineFixtures.runMorph(["info", PipelineFixtures.url("cli_srvgg_x4.pth").path, "--json"])
        XCTAssertEqual(info.code, 0, info.err)
        let json = try JSONSerialization.jsonObject(with: Data(info.out.utf8)) as? [String: Any]
        XCTAssertEqual(json?["architecture"] as? String, "srvgg")
        XCTAssertEqual(json?["dtype"] as? String, "F16")

        let st = dir.appendingPathComponent("sr.safetensors")
        let convert = try PipelineFixtures.runMorph(["convert", PipelineFixtures.url("cli_srresnet_x4_legacy.pth").path, st.path])
        XCTAssertEqual(convert.code, 0, convert.err)
        let out2 = dir.appendingPathComponent("sr.png")
        let run = try PipelineFixtures.runMorph(["upscale", PipelineFixtures.url("cli_in_rgb.png").path, "-o", out2.path,
                                                 "--model", st.path, "--tile", "0"])
        XCTAssertEqual(run.code, 0, run.err)
        try PipelineFixtures.assertImagesClose(out2, PipelineFixtures.url("cli_out_srresnet_x4_rgb.png"))
    }

    /// Each case breaks exactly one thing (the rest of the command would succeed) and checks the message's words.
    func testBadCheckpointAndRefusalsExitTwoWithOneLine() throws {
        let unknown = PipelineFixtures.url("ckpt_basic_zip.pth").path
        let bad = try PipelineFixtures.runMorph(["info", unknown])
        XCTAssertEqual(bad.code, 2)
        let lines = bad.err.split(separator: "\n")
        XCTAssertEqual(lines.count, 1, bad.err)
        XCTAssertTrue(bad.err.hasPrefix("morph: \(unknown): cannot detect the architecture: found 11 keys"), bad.err)

        let dir = try PipelineFixtures.scratch()
        let input = dir.appendingPathComponent("in")
        try FileManager.default.createDirectory(at: input, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: PipelineFixtures.url("cli_in_rgb.png"), to: input.appendingPathComponent("a.png"))
        let model = PipelineFixtures.url("cli_resnet_in.pth").path
        let inside = try PipelineFixtures.runMorph(["translate", input.path, "-o", input.appendingPathComponent("out").path,
                                                    "--model", model])
        XCTAssertEqual(inside.code, 2, inside.err)
        XCTAssertEqual(inside.err, "morph: \(input.appendingPathComponent("out").path): output folder is inside the input "
                       + "folder \(input.path); refusing\n")

        let target = dir.appendingPathComponent("b.png")
        let wrong = try PipelineFixtures.runMorph(["translate", input.appendingPathComponent("a.png").path, "-o", target.path,
                                                   "--model", unknown])
        XCTAssertEqual(wrong.code, 2)
        XCTAssertEqual(wrong.err.split(separator: "\n").count, 1, wrong.err)
        XCTAssertTrue(wrong.err.hasPrefix("morph: \(unknown): cannot detect the architecture"), wrong.err)
        XCTAssertFalse(FileManager.default.fileExists(atPath: target.path))

        // Only the quality is wrong: a real model, a real input, an output folder outside the input.
        let usage = try PipelineFixtures.runMorph(["translate", input.path, "-o", dir.appendingPathComponent("out").path,
                                                   "--model", model, "--quality", "0"])
        XCTAssertEqual(usage.code, 2, usage.err)
        XCTAssertTrue(usage.err.hasPrefix("morph: --quality must be between 1 and 100\n"), usage.err)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("out").path))
    }

    func testFolderWithCorruptFileExitsOneAndListsIt() throws {
        let dir = try PipelineFixtures.scratch()
        let input = dir.appendingPathComponent("in")
        try FileManager.default.createDirectory(at: input.appendingPathComponent("deep"), withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: PipelineFixtures.url("cli_in_odd.png"), to: input.appendingPathComponent("deep/x.png"))
        try FileManager.default.copyItem(at: PipelineFixtures.url("cli_in_rgb.png"), to: input.appendingPathComponent("y.png"))
        let broken = input.appendingPathComponent("z.png")
        try Data([0x89, 0x50, 0x4E, 0x47, 1, 2, 3]).write(to: broken)
        let output = dir.appendingPathComponent("out")
        let r = try PipelineFixtures.runMorph(["translate", input.path, "-o", output.path, "--model",
                                               PipelineFixtures.url("cli_resnet_in_legacy.pth").path, "--eval",
                                               "--format", "png"])
        XCTAssertEqual(r.code, 1, r.err)
        XCTAssertTrue(r.out.contains("done 2, skipped 0, failed 1"), r.out)
        XCTAssertTrue(r.out.contains(broken.path), r.out)
        XCTAssertTrue(r.err.contains("morph: \(broken.path): "), r.err)
        try PipelineFixtures.assertImagesClose(output.appendingPathComponent("deep/x.png"),
                                               PipelineFixtures.url("cli_out_resnet_in_odd.png"))
        XCTAssertTrue(FileManager.default.fileExists(atPath: output.appendingPathComponent("y.png").path))
    }

    func testHelpTextMatchesTheGoldenFiles() throws {
        for command in ["translate", "upscale"] {
            let r = try PipelineFixtures.runMorph([command, "--help"])
            XCTAssertEqual(r.code, 0)
            let golden = try String(contentsOf: PipelineFixtures.url("cli_help_\(command).txt"), encoding: .utf8)
            XCTAssertEqual(r.out, golden, "morph \(command) --help changed; regenerate Tests/Fixtures/cli_help_\(command).txt")
        }
    }
}
