import XCTest
import MorphTensor
@testable import MorphTrain

/// The CycleGAN step's identity passes share the first forward's batch when nothing in the generators mixes the
/// images of a batch; `StepParityTests` holds that way to PyTorch, and these tests hold it to the separate passes.
final class IdentityBatchTests: XCTestCase {
    private func options() -> TrainOptions {
        var options = TrainOptions(model: .cyclegan)
        options.translation!.ngf = 4; options.ndf = 4; options.translation!.nBlocks = 1; options.translation!.poolSize = 0
        return options
    }

    /// One step from the same weights: the same losses, and the same gradients in all four networks. (Weights after
    /// Adam are no measure here: the biases of convs before an instance norm have gradients that are zero up to
    /// rounding, and Adam turns that rounding into steps of ±lr.)
    func testSharedBatchGivesTheSeparatePassesLossesAndGradients() throws {
        let batched = try CycleGANModel(options: options()), separate = try CycleGANModel(options: options())
        XCTAssertTrue(batched.batchesIdentity)
        separate.batchesIdentity = false
        var rng = SeededRNG(seed: 11)
        // Batch 2, so that each half of the shared batch holds two images.
        let a = Tensor.uniform([2, 3, 40, 36], low: -1, high: 1, rng: &rng)
        let b = Tensor.uniform([2, 3, 40, 36], low: -1, high: 1, rng: &rng)
        let shared = try batched.step(realA: a, realB: b), alone = try separate.step(realA: a, realB: b)
        XCTAssertEqual(Set(shared.keys), Set(alone.keys))
        for (name, value) in shared {
            let other = try XCTUnwrap(alone[name])
            XCTAssertEqual(value, other, accuracy: 1e-5 * max(1, abs(other)), "loss \(name)")
        }
        XCTAssertGreaterThan(try XCTUnwrap(shared["idt_A"]), 0)
        let pairs = [(batched.gA, separate.gA), (batched.gB, separate.gB), (batched.dA, separate.dA), (batched.dB, separate.dB)]
        for (net, other) in pairs {
            let grads = try zip(net.namedParameters(), other.namedParameters()).map { mine, theirs in
                (mine.0, try XCTUnwrap(mine.1.grad), try XCTUnwrap(theirs.1.grad))
            }
            let scale = grads.reduce(Float(0)) { m, g in (0..<g.2.count).reduce(m) { max($0, abs(g.2.data[$1])) } }
            XCTAssertGreaterThan(scale, 0)
            for (name, mine, theirs) in grads {
                for i in 0..<theirs.count {
                    XCTAssertEqual(mine.data[i], theirs.data[i], accuracy: 1e-4 * abs(theirs.data[i]) + 1e-5 * scale,
                                   "grad \(name)[\(i)]")
                }
            }
        }
    }

    func testBatchNormAndDropoutKeepSeparatePasses() throws {
        var batchNorm = options()
        batchNorm.translation!.norm = .batch
        XCTAssertFalse(try CycleGANModel(options: batchNorm).batchesIdentity)
        var dropout = options()
        dropout.translation!.noDropout = false
        XCTAssertFalse(try CycleGANModel(options: dropout).batchesIdentity)
    }
}
