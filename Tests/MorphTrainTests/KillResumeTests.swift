import Foundation
import XCTest
import MorphCheckpoint
import MorphTensor
import MorphTrain
import TestSupport

/// `morph train` survives `kill -9`: a tiny run that writes a checkpoint and a report after every step is
/// killed at random moments (so during steps, checkpoint writes and report writes); after each kill every
/// checkpoint file on disk is whole, `--resume` continues from the last complete checkpoint, and the
/// finished run's `log.csv` counts every iteration exactly once.
final class KillResumeTests: XCTestCase {
    func testCycleGANSurvivesKillNine() throws {
        let root = try TrainTestData.folder()
        let data = root.appendingPathComponent("data")
        try TrainTestData.unpaired(root: data, countA: 2, countB: 2, size: 36)
        let options = ["--ngf", "4", "--ndf", "4", "--n-blocks", "1", "--load-size", "36", "--crop-size", "32",
                       "--n-epochs", "20", "--n-epochs-decay", "0", "--seed", "3", "--save-latest-freq", "1"]
        try killAndResume(command: "cyclegan", data: data, run: root.appendingPathComponent("run"), options: options,
                          steps: 24, seed: 11)
    }

    func testSRSurvivesKillNine() throws {
        let root = try TrainTestData.folder()
        let data = root.appendingPathComponent("hr")
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        var rng = SeededRNG(seed: 5)
        for i in 0..<2 {
            try TrainTestData.writePNG(TrainTestData.randomImage(width: 48, height: 48, rng: &rng), width: 48, height: 48,
                                       to: data.appendingPathComponent("\(i).png"))
        }
        let options = ["--arch", "srvgg", "--scale", "2", "--gt-size", "16", "--num-feat", "4", "--num-conv", "1",
                       "--batch-size", "2", "--crops-per-epoch", "4", "--seed", "3"]  // a checkpoint every 2 steps
        try killAndResume(command: "sr", data: data, run: root.appendingPathComponent("run"), options: options,
                          steps: 24, seed: 12)
    }

    /// Starts the run (a report every step), kills it five times at random moments, checking the run folder after each kill,
    /// then lets a last `--resume` finish and checks the log.
    func killAndResume(command: String, data: URL, run runURL: URL, options: [String], steps: Int, seed: UInt64) throws {
        let run = RunFolder(runURL)
        var rng = SeededRNG(seed: seed)
        var lastCheckpoint = 0
        var kills: [Int] = []
        let limit = ["--max-steps", "\(steps)"]
        for kill in 0..<5 {
            let arguments = kill == 0 ? ["train", command, "--data", data.path, "--out", runURL.path, "--display-freq", "1"] + options + limit
                                      : ["train", command, "--out", runURL.path, "--resume"] + limit
            // Kill once the run exists and its log reaches a random iteration still ahead (so the kill lands mid-run
            // however fast the machine is), plus a random few milliseconds: during a step, a checkpoint write or a
            // report write.
            let target = lastCheckpoint + 1 + Int(rng.next() % UInt64(max(1, steps - lastCheckpoint - 3)))
            let (process, killed) = try MorphBinary.startAndKill(arguments, extraMicroseconds: UInt32(rng.next() % 20_000)) {
                FileManager.default.fileExists(atPath: run.config.path) && Self.loggedSteps(run) >= target
            }
            if !killed { XCTAssertEqual(process.terminationStatus, 0, "run \(kill) ended early but not cleanly") }
            let checkpoint = try checkRunFolder(run, label: "\(command) kill \(kill)")
            XCTAssertGreaterThanOrEqual(checkpoint, lastCheckpoint, "a kill lost a completed checkpoint")
            lastCheckpoint = checkpoint
            if killed { kills.append(checkpoint) }
        }
        print("\(command): killed \(kills.count) of 5 runs, at checkpoints \(kills)")
        XCTAssertGreaterThanOrEqual(kills.count, 3, "the runs ended before the kills: the test exercised nothing")
        let finish = try MorphBinary.run(["train", command, "--out", runURL.path, "--resume", "--max-steps", "\(steps)"])
        XCTAssertEqual(finish.code, 0, finish.err)
        XCTAssertFalse(FileManager.default.fileExists(atPath: run.checkpoints.appendingPathComponent(".incoming").path))
        let rows = try String(contentsOf: run.log, encoding: .utf8).split(separator: "\n").dropFirst()
        XCTAssertEqual(rows.compactMap { Int($0.split(separator: ",")[0]) }, Array(1...steps), "log.csv is not continuous")
        XCTAssertEqual(try checkRunFolder(run, label: "\(command) finished"), steps)
    }

    /// The number of rows `log.csv` holds now (0 before it exists).
    static func loggedSteps(_ run: RunFolder) -> Int {
        guard let text = try? String(contentsOf: run.log, encoding: .utf8) else { return 0 }
        return max(0, text.split(separator: "\n").count - 1)
    }

    /// Every checkpoint file on disk loads; complete `log.csv` lines count iterations from 1 without gaps.
    /// Returns the iteration of the last complete checkpoint set (staged or in place), 0 when none.
    func checkRunFolder(_ run: RunFolder, label: String) throws -> Int {
        let fm = FileManager.default
        var iteration = 0
        let staging = run.checkpoints.appendingPathComponent(".incoming")
        for folder in [run.checkpoints, staging] where fm.fileExists(atPath: folder.path) {
            for name in try fm.contentsOfDirectory(atPath: folder.path) where name.hasSuffix(".safetensors") && !name.hasPrefix(".") {
                XCTAssertNoThrow(try SafeTensors.read(contentsOf: folder.appendingPathComponent(name)), "\(label): \(name)")
            }
            if let data = try? Data(contentsOf: folder.appendingPathComponent("latest")) {
                let marker = try XCTUnwrap(try? JSONDecoder().decode([String: Int].self, from: data), "\(label): torn marker")
                iteration = max(iteration, marker["iteration"] ?? 0)
            }
        }
        if let text = try? String(contentsOf: run.log, encoding: .utf8) {
            // Drop the header, and the last piece: empty after a final newline, else a torn line.
            let lines = text.split(separator: "\n", omittingEmptySubsequences: false).dropFirst().dropLast()
            let numbers = lines.compactMap { Int($0.split(separator: ",").first ?? "") }
            XCTAssertEqual(numbers, Array(1..<(numbers.count + 1)), "\(label): log.csv has gaps")
        }
        return iteration
    }
}
