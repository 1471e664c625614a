import XCTest
import MorphModels
import MorphNN
import MorphTensor
import MorphTrain
import TestSupport

/// One full CycleGAN step and one full pix2pix step against PyTorch (`gen/train.py`): the same float32
/// initial weights and inputs, PyTorch computing in float64. Losses, every parameter's gradient, and
/// every parameter and buffer after the Adam steps must agree; then a second step on new images
/// (losses, gradients, running statistics), which sees everything the first step changed.
///
/// Tolerances: 1e-4 relative everywhere, plus an absolute floor for near-zero elements derived from each
/// tensor's own scale — gradients 1e-5 × that gradient's largest element (every stored gradient peaks at
/// ≥ 1e-4); weights and buffers 1e-6 × the tensor's largest value, plus the error that the allowed gradient
/// error implies through Adam's first step (lr·ε·δg / (|g| + ε)²). That last term is what makes the biases that
/// feed an InstanceNorm comparable: their gradient is exactly zero in theory (the fixture stores it as
/// `zero_grad.*`; PyTorch's float64 one is ~1e-15, Morph's float32 one ~1e-9), so Adam's step on them is
/// rounding noise, bounded only by lr; their gradients must be zero within 1e-5 × the network's largest gradient.
final class StepParityTests: XCTestCase {
    func testCycleGANStepMatchesPyTorch() throws {
        let fx = try Fixture.load("train_cyclegan_step")
        var options = TrainOptions(model: .cyclegan)
        options.translation!.ngf = 4; options.ndf = 4; options.translation!.nBlocks = 1; options.translation!.poolSize = 0
        let model = try CycleGANModel(options: options)
        try StepParity.check(model, fx, lossNames: ["D_A", "G_A", "cycle_A", "idt_A", "D_B", "G_B", "cycle_B", "idt_B", "G"],
                             lr: options.lr, secondStep: { try model.step(realA: try fx.copy("step2.real_A"), realB: try fx.copy("step2.real_B")) }) {
            try model.step(realA: try fx.copy("real_A"), realB: try fx.copy("real_B"))
        }
    }

    func testPix2PixStepMatchesPyTorch() throws {
        let fx = try Fixture.load("train_pix2pix_step")
        var options = TrainOptions(model: .pix2pix)
        options.translation!.ngf = 4; options.ndf = 4; options.translation!.numDowns = 5
        let model = try Pix2PixModel(options: options)
        try StepParity.check(model, fx, lossNames: ["G_GAN", "G_L1", "D_real", "D_fake", "D", "G"], lr: options.lr,
                             secondStep: { try model.step(realA: try fx.copy("step2.real_A"), realB: try fx.copy("step2.real_B")) }) {
            try model.step(realA: try fx.copy("real_A"), realB: try fx.copy("real_B"))
        }
    }
}

/// The comparison every step-parity test makes (translation, SR, inpainting).
enum StepParity {
    /// Loads the initial weights, runs `step`, compares losses, gradients and weights after the step (and
    /// `after_ema.<net>.<key>` averages when the fixture has them); also checks the key sets. `gradientRtol` is the
    /// relative part of the gradients' tolerance (see `SRInpaintTrainTests.testSRGANVanillaStepMatchesPyTorch` for
    /// the one fixture where PyTorch's own float32 step misses 1e-4).
    static func check(_ model: TrainableModel, _ fx: Fixture, lossNames: [String], lr: Double, gradientRtol: Float = 1e-4,
                      file: StaticString = #filePath, line: UInt = #line,
                      secondStep: (() throws -> [String: Float])? = nil,
                      step: () throws -> [String: Float]) throws {
        for (name, net, _) in model.networks {
            let initial = fx.tensors.filter { $0.key.hasPrefix("init.\(name).") }
            let sd = Dictionary(uniqueKeysWithValues: initial.map { (String($0.key.dropFirst("init.\(name).".count)), $0.value.detached()) })
            try net.load(stateDict: sd)
        }
        for (name, ema) in model.averages {
            let initial = fx.tensors.filter { $0.key.hasPrefix("init.\(name).") }
            try ema.load(Dictionary(uniqueKeysWithValues: initial.map { (String($0.key.dropFirst("init.\(name).".count)), $0.value.detached()) }))
        }
        let losses = try step()
        for name in lossNames {
            let expected = try fx.tensor("loss." + name).item
            let actual = try XCTUnwrap(losses[name], "loss \(name)", file: file, line: line)
            assertClose([actual], [expected], rtol: 1e-4, atol: 1e-6, "loss \(name)", file: file, line: line)
        }
        for (name, net, _) in model.networks {
            let prefix = "grad.\(name)."
            let gradKeys = fx.tensors.keys.filter { $0.hasPrefix(prefix) || $0.hasPrefix("zero_" + prefix) }
            let zeroBound = 1e-5 * fx.gradientScale(prefix: prefix)
            let params = Dictionary(uniqueKeysWithValues: net.namedParameters())
            XCTAssertEqual(Set(gradKeys.map { String($0.dropFirst($0.hasPrefix("zero_") ? 5 + prefix.count : prefix.count)) }),
                           Set(params.keys), "\(name): parameters with gradients", file: file, line: line)
            for (key, tensor) in net.stateDict() {
                let after = try fx.tensor("after.\(name).\(key)")
                let scale = after.values.map(abs).max() ?? 0
                var tolerance = [Float](repeating: 1e-6 * scale, count: after.count)
                if let p = params[key] {
                    fx.assertGradient(p.grad, count: p.count, prefix: prefix, key: key, rtol: gradientRtol,
                                      zeroBound: zeroBound, "\(name) grad \(key)", file: file, line: line)
                    let g = fx.tensors[prefix + key]?.values ?? [Float](repeating: 0, count: p.count)
                    let gradFloor = fx.tensors[prefix + key] == nil ? zeroBound : 1e-5 * (g.map(abs).max() ?? 0)
                    let eps: Float = 1e-8
                    for (i, gi) in g.enumerated() {
                        let dg = gradientRtol * abs(gi) + gradFloor
                        tolerance[i] += Float(lr) * eps * dg / ((abs(gi) + eps) * (abs(gi) + eps))
                    }
                    let before = try fx.tensor("init.\(name).\(key)").values
                    let worstStep = zip(tensor.values, before).map { abs($0 - $1) }.max() ?? 0
                    XCTAssertLessThanOrEqual(worstStep, Float(lr) * 1.001, "\(name) \(key): Adam's first step exceeds lr",
                                             file: file, line: line)
                }
                let a = tensor.values, e = after.values
                XCTAssertEqual(a.count, e.count, "\(name) \(key) count", file: file, line: line)
                var worst: (Int, Float)? = nil
                for i in 0..<min(a.count, e.count) {
                    let excess = abs(a[i] - e[i]) - (1e-4 * abs(e[i]) + tolerance[i])
                    if excess > 0, excess > (worst?.1 ?? 0) { worst = (i, excess) }
                }
                if let (i, _) = worst {
                    XCTFail("\(name) \(key) after the step: element \(i) is \(a[i]), PyTorch \(e[i])", file: file, line: line)
                }
            }
        }
        for (name, ema) in model.averages {
            for (key, tensor) in ema.stateDict {
                let expected = try fx.tensor("after_ema.\(name).\(key)")
                let scale = expected.values.map(abs).max() ?? 0
                assertClose(tensor.values, expected.values, rtol: 1e-4, atol: 1e-6 * scale + Float(lr) * 1e-3,
                            "\(name) EMA \(key)", file: file, line: line)
            }
        }
        if let secondStep { try checkSecondStep(model, fx, lossNames: lossNames, file: file, line: line, step: secondStep) }
    }

    /// A second step on new images: its losses, its gradients (which depend on every weight the first
    /// step updated) and the running statistics after it.
    private static func checkSecondStep(_ model: TrainableModel, _ fx: Fixture, lossNames: [String],
                                        file: StaticString, line: UInt, step: () throws -> [String: Float]) throws {
        let losses = try step()
        for name in lossNames {
            let expected = try fx.tensor("loss2." + name).item
            let actual = try XCTUnwrap(losses[name], "loss \(name)", file: file, line: line)
            assertClose([actual], [expected], rtol: 1e-4, atol: 1e-6, "step 2 loss \(name)", file: file, line: line)
        }
        for (name, net, _) in model.networks {
            let prefix = "grad2.\(name)."
            let zeroBound = 1e-5 * fx.gradientScale(prefix: prefix)
            for (key, p) in net.namedParameters() {
                fx.assertGradient(p.grad, count: p.count, prefix: prefix, key: key, zeroBound: zeroBound,
                                  "step 2 \(name) grad \(key)", file: file, line: line)
            }
            for (key, b) in net.namedBuffers() {
                let after = try fx.tensor("after2.\(name).\(key)")
                let scale = after.values.map(abs).max() ?? 0
                assertClose(b.values, after.values, rtol: 1e-4, atol: 1e-6 * scale, "step 2 \(name) \(key)",
                            file: file, line: line)
            }
        }
    }
}
