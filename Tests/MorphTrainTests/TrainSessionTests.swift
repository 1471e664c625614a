import Foundation
import XCTest
import MorphTrain

/// `TrainSession` and its progress: the run's total steps, resuming, a limit below the run, a run of another kind.
final class TrainSessionTests: XCTestCase {
    func testTotalStepsCoverTheWholeRun() {
        var options = TrainOptions(model: .cyclegan)
        options.nEpochs = 1
        options.nEpochsDecay = 2
        XCTAssertEqual(TrainProgress.totalSteps(options, batchesPerEpoch: 4), 12, "every epoch, not one")
        options.maxSteps = 5
        XCTAssertEqual(TrainProgress.totalSteps(options, batchesPerEpoch: 4), 5, "--max-steps first")
        options.maxSteps = 50
        XCTAssertEqual(TrainProgress.totalSteps(options, batchesPerEpoch: 4), 12, "the last epoch first")
    }

    func testResumeContinuesAndRefusesALimitBelowTheRunOrAnotherKind() throws {
        let root = try TrainTestData.folder()
        let data = root.appendingPathComponent("data"), out = root.appendingPathComponent("run")
        try TrainTestData.unpaired(root: data, countA: 2, countB: 2, size: 36)
        var options = TrainTestData.tinyCycleGAN()
        options.maxSteps = 3
        let first = try TrainSession(options: options, data: data, run: out, resume: false).train(interactive: false)
        XCTAssertEqual(first.position.iteration, 3)
        XCTAssertFalse(first.interrupted)

        options.maxSteps = 2
        XCTAssertThrowsError(try TrainSession(options: options, data: nil, run: out, resume: true)) { error in
            XCTAssertEqual(error as? TrainError, .badOption(option: "max-steps", value: "2",
                "the run in \(out.path) is already at iteration 3, epoch 2; give a larger number"))
        }
        var pix2pix = TrainTestData.tinyPix2Pix()
        pix2pix.maxSteps = 4
        XCTAssertThrowsError(try TrainSession(options: pix2pix, data: nil, run: out, resume: true)) { error in
            XCTAssertEqual(error as? TrainError, .runState(file: out.path, "holds a cyclegan run, not pix2pix"))
        }
        options.maxSteps = 4
        let session = try TrainSession(options: options, data: nil, run: out, resume: true)
        XCTAssertTrue(session.resumed)
        XCTAssertEqual(session.trainer.position.iteration, 3)
        XCTAssertEqual(try session.train(interactive: false).position.iteration, 4)
    }
}
