import XCTest
import TestSupport
import MorphTrain

/// `morph train` end to end: the built binary on a tiny dataset, its exit codes, one-line errors, resume,
/// and the `--help` text (golden files).
final class TrainCLITests: XCTestCase {
    func testTrainThenResumeFromTheCommandLine() throws {
        let root = try TrainTestData.folder()
        let data = root.appendingPathComponent("data"), out = root.appendingPathComponent("run")
        try TrainTestData.unpaired(root: data, countA: 2, countB: 2, size: 36)
        let tiny = ["--ngf", "4", "--ndf", "4", "--n-blocks", "1", "--load-size", "36", "--crop-size", "32",
                    "--n-epochs", "1", "--n-epochs-decay", "2", "--display-freq", "2", "--seed", "7"]
        let first = try runMorph(["train", "cyclegan", "--data", data.path, "--out", out.path, "--max-steps", "3"] + tiny)
        XCTAssertEqual(first.code, 0, first.err)
        XCTAssertTrue(first.err.contains("stopped at iteration 3"), first.err)
        XCTAssertTrue(first.err.contains("cycle_A"), "the progress line shows the losses: \(first.err)")
        let run = RunFolder(out)
        XCTAssertEqual(try run.readConfig().seed, 7)
        XCTAssertEqual(try run.readConfig().translation?.poolSize, 50, "CycleGAN's default pool")
        let resumed = try runMorph(["train", "cyclegan", "--out", out.path, "--resume"])
        XCTAssertEqual(resumed.code, 0, resumed.err)
        XCTAssertTrue(resumed.err.contains("resuming at iteration 3, epoch 2"), resumed.err)
        XCTAssertTrue(resumed.err.contains("stopped at iteration 6, epoch 4"), resumed.err)
        // A --max-steps below where the run stands is refused, saying where it stands.
        let behind = try runMorph(["train", "cyclegan", "--out", out.path, "--resume", "--max-steps", "4"])
        XCTAssertEqual(behind.code, 2, behind.err)
        XCTAssertEqual(behind.err.split(separator: "\n").count, 1, behind.err)
        XCTAssertTrue(behind.err.contains("--max-steps 4") && behind.err.contains("already at iteration 6, epoch 4"),
                      behind.err)
        XCTAssertEqual(try String(contentsOf: run.log, encoding: .utf8).split(separator: "\n").count, 7,
                       "the refused resume leaves the log alone")
        let rows = try String(contentsOf: run.log, encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(rows.count, 7)
        // The trained generator works with `morph translate --model`.
        let translated = root.appendingPathComponent("translated")
        let image = data.appendingPathComponent("trainA/000.png")
        let translate = try runMorph(["translate", image.path, "-o", translated.path, "--model",
                                      run.network("G_A").path])
        XCTAssertEqual(translate.code, 0, translate.err)
        XCTAssertTrue(FileManager.default.fileExists(atPath: translated.appendingPathComponent("000.png").path), translate.err)
        // Errors are one line naming the problem, exit code 2; each case breaks exactly one thing.
        let wrongModel = try runMorph(["train", "pix2pix", "--out", out.path, "--resume"])
        XCTAssertEqual(wrongModel.code, 2)
        XCTAssertEqual(wrongModel.err, "morph: \(out.path): holds a cyclegan run, not pix2pix\n")
        let again = try runMorph(["train", "cyclegan", "--data", data.path, "--out", out.path] + tiny)
        XCTAssertEqual(again.code, 2)
        XCTAssertEqual(again.err, "morph: \(out.path): already holds a run; pass --resume to continue it or choose another --out\n")
        let nothing = root.appendingPathComponent("nothing")
        let missing = try runMorph(["train", "pix2pix", "--data", nothing.path, "--out", root.appendingPathComponent("run2").path])
        XCTAssertEqual(missing.code, 2)
        XCTAssertEqual(missing.err, "morph: \(nothing.path): no such folder\n")
        let badChoice = try runMorph(["train", "cyclegan", "--data", data.path, "--out", root.appendingPathComponent("run3").path,
                                      "--gan-mode", "hinge"] + tiny)
        XCTAssertEqual(badChoice.code, 2, badChoice.err)
        XCTAssertTrue(badChoice.err.hasPrefix("morph: The value 'hinge' is invalid for '--gan-mode <gan-mode>'. "
                                              + "Please provide one of 'lsgan', 'vanilla' or 'wgangp'.\n"), badChoice.err)
        XCTAssertFalse(FileManager.default.fileExists(atPath: root.appendingPathComponent("run3").path))
    }

    /// Ctrl-C (SIGINT) ends the run after the current step with a checkpoint and exit code 130; it resumes there.
    func testInterruptSavesAndResumes() throws {
        let root = try TrainTestData.folder()
        let data = root.appendingPathComponent("data"), out = root.appendingPathComponent("run")
        try TrainTestData.unpaired(root: data, countA: 2, countB: 2, size: 36)
        let process = Process()
        process.executableURL = MorphBinary.url
        process.arguments = ["train", "cyclegan", "--data", data.path, "--out", out.path, "--ngf", "4", "--ndf", "4",
                             "--n-blocks", "1", "--load-size", "36", "--crop-size", "32"]
        let err = Pipe()
        process.standardError = err
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let log = RunFolder(out).log
        var waited = 0
        while waited < 600 {
            let rows = (try? String(contentsOf: log, encoding: .utf8))?.split(separator: "\n").count ?? 0
            if rows >= 4 { break }
            usleep(50_000)
            waited += 1
        }
        process.interrupt()
        let message = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        XCTAssertEqual(process.terminationReason, .exit, message)
        XCTAssertEqual(process.terminationStatus, 130, message)
        XCTAssertTrue(message.contains("interrupted"), message)
        let marker = try JSONDecoder().decode([String: Int].self, from: Data(contentsOf: RunFolder(out).latestMarker))
        let stoppedAt = try XCTUnwrap(marker["iteration"])
        XCTAssertGreaterThanOrEqual(stoppedAt, 3)
        XCTAssertTrue(message.contains("stopped at iteration \(stoppedAt),"), "the checkpoint is saved first: \(message)")
        let resumed = try runMorph(["train", "cyclegan", "--out", out.path, "--resume", "--max-steps", "\(stoppedAt + 1)"])
        XCTAssertEqual(resumed.code, 0, resumed.err)
        XCTAssertTrue(resumed.err.contains("resuming at iteration \(stoppedAt),"), resumed.err)
        XCTAssertTrue(resumed.err.contains("stopped at iteration \(stoppedAt + 1)"), resumed.err)
    }

    func testHelpText() throws {
        for command in ["cyclegan", "pix2pix"] {
            let r = try runMorph(["train", command, "--help"])
            XCTAssertEqual(r.code, 0)
            let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
                .appendingPathComponent("Fixtures/cli_help_train_\(command).txt")
            let golden = try String(contentsOf: url, encoding: .utf8)
            XCTAssertEqual(r.out, golden, "morph train \(command) --help changed; regenerate \(url.lastPathComponent)")
        }
    }

    private func runMorph(_ arguments: [String]) throws -> (code: Int32, out: String, err: String) {
        try MorphBinary.run(arguments)
    }
}
