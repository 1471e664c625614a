import XCTest
import MorphCheckpoint
import MorphModels
import MorphNN
import MorphTensor
import MorphTrain

/// The training loop end to end on real PNG datasets: learning, resuming exactly, the run folder.
final class TrainerTests: XCTestCase {
    /// pix2pix with a small U-Net learns colour inversion of 32² crops: 200 steps cut the L1 term ≥ 5×.
    func testPix2PixLearnsColourInversion() throws {
        let root = try TrainTestData.folder()
        try TrainTestData.invertedPairs(root: root.appendingPathComponent("data"), count: 16, size: 32)
        var o = TrainTestData.tinyPix2Pix()
        o.translation!.ngf = 16; o.ndf = 8
        o.maxSteps = 200
        o.nEpochs = 100; o.nEpochsDecay = 0
        o.lr = 1e-3
        o.seed = 3
        let start = Date()
        let trainer = try Trainer(options: o, data: root.appendingPathComponent("data"),
                                  run: root.appendingPathComponent("run"), resume: false)
        let position = try trainer.train()
        let seconds = Date().timeIntervalSince(start)
        XCTAssertEqual(position.iteration, 200)
        let rows = try readLog(root.appendingPathComponent("run/log.csv"))
        XCTAssertEqual(rows.count, 200)
        let l1 = try XCTUnwrap(rows.first?.keys.contains("G_L1") == true ? rows.map { Double($0["G_L1"] ?? "") ?? .nan } : nil)
        let first = l1.prefix(5).reduce(0, +) / 5, last = l1.suffix(10).reduce(0, +) / 10
        print("pix2pix colour inversion: L1 term \(first) -> \(last) (\(first / last)×) in \(seconds) s")
        XCTAssertGreaterThan(first / last, 5, "L1 went from \(first) to \(last)")
    }

    /// 10 steps, stop, resume to 20 gives bit for bit the weights of an uninterrupted 20-step run,
    /// across an epoch boundary, a learning-rate decay, a filling image pool and dropout.
    func testResumeMatchesUninterruptedRun() throws {
        let root = try TrainTestData.folder()
        let data = root.appendingPathComponent("data")
        try TrainTestData.unpaired(root: data, countA: 4, countB: 3, size: 36)
        var o = TrainTestData.tinyCycleGAN()
        o.translation!.noDropout = false
        o.nEpochs = 2; o.nEpochsDecay = 4
        try checkResume(o, data: data, root: root, lossColumns: ["G_A", "D_B"], stopsAt: (epoch: 3, batch: 2))
    }

    /// The same for pix2pix with wgangp: batch-norm statistics and the penalty's generator resume too.
    func testResumeMatchesUninterruptedRunPix2PixWGANGP() throws {
        let root = try TrainTestData.folder()
        let data = root.appendingPathComponent("data")
        try TrainTestData.invertedPairs(root: data, count: 5, size: 32)
        var o = TrainTestData.tinyPix2Pix()
        o.translation!.ganMode = .wgangp
        o.batchSize = 2
        o.lrPolicy = .step; o.lrDecayIters = 3
        o.nEpochs = 12; o.nEpochsDecay = 0
        // 5 images in batches of 2: three batches per epoch, the last of one image.
        try checkResume(o, data: data, root: root, lossColumns: ["G_GAN", "D_real", "D_fake"], stopsAt: (epoch: 4, batch: 1))
    }

    private func checkResume(_ base: TrainOptions, data: URL, root: URL, lossColumns: [String],
                             stopsAt: (epoch: Int, batch: Int), file: StaticString = #filePath, line: UInt = #line) throws {
        var o = base
        o.maxSteps = 20
        let straight = try Trainer(options: o, data: data, run: root.appendingPathComponent("straight"), resume: false)
        try straight.train()

        o.maxSteps = 10
        let first = try Trainer(options: o, data: data, run: root.appendingPathComponent("resumed"), resume: false)
        try first.train()
        XCTAssertEqual(first.position.iteration, 10, file: file, line: line)
        XCTAssertEqual(first.position.epoch, stopsAt.epoch, file: file, line: line)
        XCTAssertEqual(first.position.epochBatch, stopsAt.batch, file: file, line: line)
        var again = TrainOptions(model: base.model)
        again.maxSteps = 20
        let resumed = try Trainer(options: again, data: nil, run: root.appendingPathComponent("resumed"), resume: true)
        XCTAssertEqual(resumed.options.translation!.ngf, base.translation!.ngf, "the resumed run uses its saved options", file: file, line: line)
        XCTAssertEqual(resumed.position.iteration, 10, file: file, line: line)
        XCTAssertEqual(resumed.learningRate, first.learningRate, file: file, line: line)
        try resumed.train()
        XCTAssertEqual(resumed.position.iteration, straight.position.iteration, file: file, line: line)
        XCTAssertEqual(resumed.position.epoch, straight.position.epoch, file: file, line: line)
        XCTAssertEqual(resumed.position.epochBatch, straight.position.epochBatch, file: file, line: line)
        XCTAssertEqual(resumed.learningRate, straight.learningRate, file: file, line: line)
        XCTAssertLessThan(straight.learningRate, o.lr, "the policy decayed the rate", file: file, line: line)
        let a = TrainTestData.weights(straight.model), b = TrainTestData.weights(resumed.model)
        XCTAssertEqual(Set(a.keys), Set(b.keys), file: file, line: line)
        for key in a.keys.sorted() where a[key] != b[key] { XCTFail("\(key) differs after resuming", file: file, line: line) }
        let logA = try readLog(root.appendingPathComponent("straight/log.csv"))
        let logB = try readLog(root.appendingPathComponent("resumed/log.csv"))
        XCTAssertEqual(logA.count, 20, file: file, line: line)
        for column in lossColumns {
            XCTAssertEqual(logA.map { $0[column] }, logB.map { $0[column] }, column, file: file, line: line)
        }
    }

    /// The run folder: options, log columns, report with embedded PNGs and SVG curves, per-epoch
    /// checkpoints whose metadata rebuilds the network through the registry (as `morph translate` does).
    func testRunFolderContents() throws {
        let root = try TrainTestData.folder()
        let data = root.appendingPathComponent("data")
        try TrainTestData.unpaired(root: data, countA: 3, countB: 2, size: 36)
        var o = TrainTestData.tinyCycleGAN()
        o.maxSteps = 7
        let runURL = root.appendingPathComponent("run")
        let trainer = try Trainer(options: o, data: data, run: runURL, resume: false)
        try trainer.train()
        let run = RunFolder(runURL)
        let config = try run.readConfig()
        XCTAssertEqual(config.translation?.ngf, 4)
        XCTAssertEqual(config.dataRoot, data.path)
        let json = try String(contentsOf: run.config, encoding: .utf8)
        for key in ["\"netG\"", "\"lambda_identity\"", "\"pool_size\"", "\"lr_policy\"", "\"crop_size\"", "\"n_layers_D\""] {
            XCTAssertTrue(json.contains(key), "config.json lacks \(key)")
        }
        let log = try String(contentsOf: run.log, encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(log.first, "iteration,epoch,D_A,G_A,cycle_A,idt_A,D_B,G_B,cycle_B,idt_B,lr,seconds")
        XCTAssertEqual(log.count, 8)
        let html = try String(contentsOf: run.report, encoding: .utf8)
        XCTAssertEqual(html.components(separatedBy: "data:image/png;base64,").count - 1, 6)
        XCTAssertEqual(html.components(separatedBy: "<svg").count - 1, 9)
        XCTAssertFalse(html.contains("<script"))
        XCTAssertFalse(html.contains("src=\"http") || html.contains("href="), "the report must work offline")
        for name in ["real_A", "fake_B", "rec_A", "real_B", "fake_A", "rec_B"] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: run.samples.appendingPathComponent("latest_\(name).png").path))
        }
        // 3 batches per epoch: epochs 1 and 2 finished; epoch 2 is a save epoch.
        for name in ["G_A", "G_B", "D_A", "D_B"] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: run.network(name, tag: "2").path), "2_net_\(name)")
            XCTAssertFalse(FileManager.default.fileExists(atPath: run.network(name, tag: "1").path), "1_net_\(name)")
            let checkpoint = try Checkpoint.load(contentsOf: run.network(name))
            let net = try ArchitectureRegistry.build(try checkpoint.architecture())
            try net.load(stateDict: checkpoint.tensors)
            XCTAssertEqual(checkpoint.metadata["morph.iteration"], "7")
        }
        XCTAssertTrue(FileManager.default.fileExists(atPath: run.state(tag: "2").path))
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: run.checkpoints.path).filter { $0.hasPrefix(".") }
        XCTAssertEqual(leftovers, [], "temporary files left behind")
        // A new run refuses a folder that already holds one.
        XCTAssertThrowsError(try Trainer(options: o, data: data, run: runURL, resume: false))
    }

    /// Checkpoints are written by temp + rename: a leftover temporary file (an interrupted write) never
    /// takes the place of `latest`, and a `latest` set mixed from two iterations is refused, naming the file.
    func testInterruptedWritesNeverReplaceLatest() throws {
        let root = try TrainTestData.folder()
        let data = root.appendingPathComponent("data")
        try TrainTestData.unpaired(root: data, countA: 2, countB: 2, size: 36)
        var o = TrainTestData.tinyCycleGAN()
        o.saveEpochFreq = 1
        o.maxSteps = 3
        let runURL = root.appendingPathComponent("run")
        try Trainer(options: o, data: data, run: runURL, resume: false).train()
        let run = RunFolder(runURL)
        let latest = run.network("G_A")
        let original = try Data(contentsOf: latest)
        // An interrupted write: the temporary file exists, the rename never happened.
        let temp = run.checkpoints.appendingPathComponent(".\(latest.lastPathComponent).interrupted.tmp")
        try Data(original.prefix(original.count / 2)).write(to: temp)
        XCTAssertEqual(try Data(contentsOf: latest), original)
        var more = TrainOptions(model: .cyclegan)
        more.maxSteps = 4
        let resumed = try Trainer(options: more, data: nil, run: runURL, resume: true)
        XCTAssertEqual(resumed.position.iteration, 3)
        try resumed.train()
        XCTAssertTrue(FileManager.default.fileExists(atPath: temp.path), "the stray temporary file is left alone")
        XCTAssertNotEqual(try Data(contentsOf: latest), original, "latest moved on to iteration 4")
        XCTAssertEqual(try Checkpoint.load(contentsOf: latest).metadata["morph.iteration"], "4")
        // Writing atomically over a file leaves the old bytes until the new ones are complete.
        let target = run.root.appendingPathComponent("atomic.bin")
        try RunFolder.writeAtomically(Data([1, 2, 3]), to: target)
        XCTAssertThrowsError(try RunFolder.writeAtomically(Data([4]), to: run.root.appendingPathComponent("missing/atomic.bin")))
        XCTAssertEqual(try Data(contentsOf: target), Data([1, 2, 3]))
        // A latest set from two iterations (epoch 1's G_A copied over latest) is refused.
        try FileManager.default.removeItem(at: latest)
        try FileManager.default.copyItem(at: run.network("G_A", tag: "1"), to: latest)
        XCTAssertThrowsError(try Trainer(options: more, data: nil, run: runURL, resume: true)) { error in
            XCTAssertTrue("\(error)".contains("latest_net_G_A.safetensors"), "\(error)")
        }
    }

    /// `--save-latest-freq` checkpoints mid-epoch; `requestStop()` (Ctrl-C in the CLI) ends the run after the
    /// current step with a checkpoint that resumes.
    func testSaveLatestFreqAndRequestedStop() throws {
        let root = try TrainTestData.folder()
        let data = root.appendingPathComponent("data")
        try TrainTestData.unpaired(root: data, countA: 3, countB: 2, size: 36)
        var o = TrainTestData.tinyCycleGAN()
        o.saveLatestFreq = 2
        let runURL = root.appendingPathComponent("run")
        let trainer = try Trainer(options: o, data: data, run: runURL, resume: false)
        let run = RunFolder(runURL)
        func marker() -> Int? {
            (try? Data(contentsOf: run.latestMarker)).flatMap { try? JSONDecoder().decode([String: Int].self, from: $0) }?["iteration"]
        }
        var seen: [Int: Int?] = [:]
        var events = TrainEvents()
        events.stepped = { position, _ in
            seen[position.iteration] = marker()
            if position.iteration == 4 { trainer.requestStop() }
        }
        let position = try trainer.train(events: events)
        XCTAssertEqual(position.iteration, 4)
        XCTAssertEqual(seen[2] ?? nil, nil, "nothing saved before iteration 2")
        XCTAssertEqual(seen[3] ?? nil, 2, "saved at iteration 2, mid-epoch")
        XCTAssertEqual(seen[4] ?? nil, 3, "saved at the end of epoch 1")
        XCTAssertEqual(marker(), 4, "the stop saved its checkpoint")
        var more = TrainOptions(model: .cyclegan)
        more.maxSteps = 5
        let resumed = try Trainer(options: more, data: nil, run: runURL, resume: true)
        XCTAssertEqual(resumed.position.iteration, 4)
        XCTAssertEqual(try resumed.train().iteration, 5)
    }

    /// log.csv rows as dictionaries by column.
    private func readLog(_ url: URL) throws -> [[String: String]] {
        let lines = try String(contentsOf: url, encoding: .utf8).split(separator: "\n").map { $0.split(separator: ",").map(String.init) }
        guard let header = lines.first else { return [] }
        return lines.dropFirst().map { Dictionary(uniqueKeysWithValues: zip(header, $0)) }
    }
}
