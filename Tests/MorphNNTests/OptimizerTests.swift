import XCTest
import MorphTensor
@testable import MorphNN
import TestSupport

/// Optimizer steps against torch.optim (fixtures `nn_adam*`, `nn_sgd*`).
final class OptimizerTests: XCTestCase {
    private func double(_ f: Fixture, _ key: String) throws -> Double {
        guard let s = f.metadata[key], let v = Double(s) else { throw FixtureError.missing("\(f.name): no \(key)") }
        return v
    }

    private func makeOptimizer(_ f: Fixture, _ params: [Tensor]) throws -> Optimizer {
        let lr = try double(f, "lr"), wd = try double(f, "wd")
        if f.metadata["kind"] == "adam" {
            return Adam(parameters: params, lr: lr, betas: (try double(f, "beta1"), try double(f, "beta2")),
                        eps: try double(f, "eps"), weightDecay: wd)
        }
        return try SGD(parameters: params, lr: lr, momentum: try double(f, "momentum"), weightDecay: wd,
                       nesterov: try f.int("nesterov") == 1, dampening: try double(f, "dampening"))
    }

    /// Runs all steps of a fixture; when `resumeAt` is set, moves the state to a fresh optimizer
    /// (through copies) before that step, which must not change any result.
    private func run(_ name: String, resumeAt: Int? = nil) throws {
        let f = try Fixture.load(name)
        let p0 = try f.copy("p0_init"), p1 = try f.copy("p1_init")
        p0.requiresGrad = true
        p1.requiresGrad = true
        var opt = try makeOptimizer(f, [p0, p1])
        for s in 0..<(try f.int("steps")) {
            if s == resumeAt {
                let tensors = Dictionary(uniqueKeysWithValues: opt.stateTensors().map { ($0.0, $0.1.detached()) })
                let scalars = opt.stateScalars
                opt = try makeOptimizer(f, [p0, p1])
                opt.lr = 123
                try opt.load(state: tensors, scalars: scalars)
            }
            opt.zeroGrad()
            p0.grad = try f.copy("g0_\(s)")
            p1.grad = f.tensors["g1_\(s)"]?.detached()
            try opt.step()
            assertClose(p0.values, try f.tensor("p0_\(s)").values, rtol: 1e-6, atol: 1e-7, "\(name) p0 step \(s)")
            assertClose(p1.values, try f.tensor("p1_\(s)").values, rtol: 1e-6, atol: 1e-7, "\(name) p1 step \(s)")
        }
    }

    func testAdamMatchesTorch() throws { try run("nn_adam") }
    func testAdamWithWeightDecayMatchesTorch() throws { try run("nn_adam_wd") }
    func testPlainSGDMatchesTorch() throws { try run("nn_sgd_plain") }
    func testSGDMomentumDampeningMatchesTorch() throws { try run("nn_sgd_momentum") }
    func testSGDNesterovMatchesTorch() throws { try run("nn_sgd_nesterov") }

    func testResumedAdamContinuesExactly() throws {
        try run("nn_adam", resumeAt: 2)
        try run("nn_adam_wd", resumeAt: 3)
    }

    func testResumedSGDContinuesExactly() throws {
        try run("nn_sgd_momentum", resumeAt: 2)
        try run("nn_sgd_nesterov", resumeAt: 3)
    }

    func testAdamStateNamesAndSteps() throws {
        let p = Tensor.zeros([2]), q = Tensor.zeros([3])
        let adam = Adam(parameters: [p, q], lr: 0.1)
        p.grad = Tensor.ones([2])
        try adam.step()
        try adam.step()
        XCTAssertEqual(adam.stateTensors().map(\.0), ["0.exp_avg", "0.exp_avg_sq"])
        XCTAssertEqual(adam.stateScalars, ["lr": 0.1, "0.step": 2])
    }

    func testBadOptimizerStateIsRejectedByName() throws {
        let p = Tensor.zeros([2])
        let adam = Adam(parameters: [p])
        XCTAssertThrowsError(try adam.load(state: ["0.exp_avg": Tensor.zeros([3]), "0.exp_avg_sq": Tensor.zeros([2])],
                                           scalars: ["0.step": 1])) { error in
            XCTAssertTrue("\(error)".contains("0.exp_avg"), "\(error)")
        }
        XCTAssertThrowsError(try adam.load(state: ["5.exp_avg": Tensor.zeros([2])], scalars: [:]))
        XCTAssertThrowsError(try adam.load(state: ["0.bogus": Tensor.zeros([2])], scalars: [:]))
        XCTAssertThrowsError(try adam.load(state: ["0.exp_avg": Tensor.zeros([2])], scalars: [:]))
        let sgd = try SGD(parameters: [p], lr: 0.1, momentum: 0.9)
        XCTAssertThrowsError(try sgd.load(state: ["0.momentum_buffer": Tensor.zeros([1])], scalars: [:]))
        XCTAssertThrowsError(try SGD(parameters: [p], lr: 0.1, nesterov: true))
    }

    func testParametersWithoutGradientsAreUntouched() throws {
        let p = Tensor.ones([4])
        let adam = Adam(parameters: [p], lr: 0.1, weightDecay: 0.1)
        try adam.step()
        XCTAssertEqual(p.values, [1, 1, 1, 1])
        XCTAssertTrue(adam.stateTensors().isEmpty)
    }
}
