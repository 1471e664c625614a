import Foundation
import XCTest
import MorphTensor
@testable import MorphNN
import TestSupport

/// Learning-rate schedules against torch.optim.lr_scheduler with the reference's settings
/// (fixtures `nn_sched_*`).
final class ScheduleTests: XCTestCase {
    private func doubles(_ f: Fixture, _ key: String) throws -> [Double] {
        guard let s = f.metadata[key], let data = s.data(using: .utf8),
              let list = try JSONSerialization.jsonObject(with: data) as? [NSNumber] else {
            throw FixtureError.missing("\(f.name): no JSON list '\(key)'")
        }
        return list.map(\.doubleValue)
    }

    private func assertSequence(_ fixture: String, policy: LRPolicy, options: LRScheduleOptions,
                                resumeAt: Int? = nil, file: StaticString = #filePath, line: UInt = #line) throws {
        let f = try Fixture.load(fixture)
        let expected = try doubles(f, "lrs"), metrics = try doubles(f, "metrics")
        let base = Double(f.metadata["base_lr"] ?? "") ?? 0
        var opt: Optimizer = Adam(parameters: [Tensor.zeros([1])], lr: base)
        var schedule = try makeSchedule(policy, optimizer: opt, options: options)
        XCTAssertEqual(opt.lr, expected[0], accuracy: 1e-15 * base, "\(fixture) epoch 0", file: file, line: line)
        for e in 1..<expected.count {
            if e == resumeAt {
                let state = schedule.state
                opt = Adam(parameters: [Tensor.zeros([1])], lr: base)
                schedule = try makeSchedule(policy, optimizer: opt, options: options)
                try schedule.load(state: state)
            }
            try schedule.step(metric: metrics.isEmpty ? nil : metrics[e - 1])
            XCTAssertEqual(schedule.lastEpoch, e, file: file, line: line)
            XCTAssertEqual(opt.lr, expected[e], accuracy: 1e-12 * base, "\(fixture) epoch \(e)", file: file, line: line)
        }
    }

    func testLinearMatchesReference() throws {
        try assertSequence("nn_sched_linear", policy: .linear, options: .init(nEpochs: 3, nEpochsDecay: 4, epochCount: 1))
        try assertSequence("nn_sched_linear_resumed", policy: .linear,
                           options: .init(nEpochs: 5, nEpochsDecay: 6, epochCount: 3))
    }

    func testStepMatchesReference() throws {
        try assertSequence("nn_sched_step", policy: .step, options: .init(lrDecayIters: 3))
    }

    func testCosineMatchesReference() throws {
        try assertSequence("nn_sched_cosine", policy: .cosine, options: .init(nEpochs: 4))
    }

    func testPlateauMatchesReference() throws {
        try assertSequence("nn_sched_plateau", policy: .plateau, options: .init())
    }

    func testResumeContinuesEverySchedule() throws {
        try assertSequence("nn_sched_linear", policy: .linear, options: .init(nEpochs: 3, nEpochsDecay: 4), resumeAt: 5)
        try assertSequence("nn_sched_step", policy: .step, options: .init(lrDecayIters: 3), resumeAt: 4)
        try assertSequence("nn_sched_cosine", policy: .cosine, options: .init(nEpochs: 4), resumeAt: 6)
        try assertSequence("nn_sched_plateau", policy: .plateau, options: .init(), resumeAt: 17)
    }

    func testPlateauNeedsMetricAndStateKeys() throws {
        let opt = Adam(parameters: [Tensor.zeros([1])], lr: 1)
        let schedule = try makeSchedule(.plateau, optimizer: opt)
        XCTAssertThrowsError(try schedule.step())
        XCTAssertThrowsError(try schedule.load(state: ["last_epoch": 1])) { error in
            XCTAssertTrue("\(error)".contains("best"), "\(error)")
        }
        XCTAssertThrowsError(try makeSchedule(.step, optimizer: opt, options: .init(lrDecayIters: 0)))
    }
}
