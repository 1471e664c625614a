import XCTest
import MorphModels
import MorphNN
import MorphTensor
import TestSupport

/// Finite-difference checks of the models' gradients, independent of PyTorch: the input and every parameter
/// tensor, each by `GradientCheck` (per-element central differences at one fixed step on a seeded sample of at
/// least 32 elements, always including the largest and smallest analytic values). The loss `(out · r).sum()`
/// is accumulated in Double, but the networks run in Float32 and are full of ReLU kinks: at step 1e-3 the
/// rounding noise and the kinks both stay under a tolerance of 3% of each tensor's largest gradient (steps of
/// 1e-2 cross too many kinks, 1e-4 drowns in rounding), and elements sitting on a kink are replaced (`kinks`).
/// The element-exact comparison of every gradient is ModelParityTests' job, against PyTorch in float64.
final class GradientCheckTests: XCTestCase {
    func checkFiniteDifferences(_ model: MorphModel, x: Tensor, r: Tensor, label: String, step: Float = 1e-3,
                                rtol: Double = 3e-2, atol: Double = 3e-2, skipping: (String) -> Bool = { _ in false },
                                file: StaticString = #filePath, line: UInt = #line) throws {
        // Biases drawn away from zero: with zero biases whole units can sit exactly on a ReLU kink, where central
        // differences average the two slopes at every step.
        var biasRNG = SeededRNG(seed: 29)
        for (name, p) in model.namedParameters() where name.hasSuffix("bias") {
            let noise = Tensor.normal(p.shape, std: 0.1, rng: &biasRNG)
            for i in 0..<p.count { p.data[i] += noise.data[i] }
        }
        for p in model.namedParameters() { p.1.zeroGrad() }
        x.zeroGrad()
        try weightedSum(model(x), r).backward()
        let targets = [("x", x)] + model.namedParameters().filter { !skipping($0.0) }
        XCTAssertGreaterThan(targets.count, 2, "\(label): parameters", file: file, line: line)
        for (k, (name, t)) in targets.enumerated() {
            guard let analytic = t.grad?.values else {
                XCTFail("\(label): \(name) got no gradient", file: file, line: line)
                continue
            }
            try GradientCheck.compare("\(label) d/d\(name)", tensor: t, analytic: analytic, step: step, rtol: rtol,
                                      atol: atol, seed: UInt64(k + 1), kinks: true, file: file, line: line) {
                GradientCheck.weightedSum(try withoutGrad { try model(x) }, r)
            }
        }
    }

    func inputs(_ shape: [Int], outShape: [Int], seed: UInt64) -> (Tensor, Tensor) {
        var rng = SeededRNG(seed: seed)
        let x = Tensor.normal(shape, rng: &rng)
        x.requiresGrad = true
        return (x, Tensor.normal(outShape, rng: &rng))
    }

    func testResnetGeneratorNoNorm() throws {
        let model = try ArchitectureRegistry.build("resnet_6blocks", options: ["ngf": "2", "n_blocks": "1", "norm": "none"],
                                                   seed: 1)
        model.eval()
        let (x, r) = inputs([1, 3, 8, 8], outShape: [1, 3, 8, 8], seed: 2)
        try checkFiniteDifferences(model, x: x, r: r, label: "resnet")
    }

    func testRRDBNetX2() throws {
        let model = try ArchitectureRegistry.build("rrdbnet", options: ["scale": "2", "num_feat": "4", "num_block": "1",
                                                                        "num_grow_ch": "2"], seed: 3)
        let (x, r) = inputs([1, 3, 4, 4], outShape: [1, 3, 8, 8], seed: 4)
        // The dense blocks' outputs are scaled by 0.2 twice, so their weights' gradients are ~1e-4 of the output's
        // scale: at the Float32 noise floor of central differences at any step (measured: at steps 1e-3…3e-2, with
        // or without scaled weights, most of their elements move with the step). ModelParityTests compares every
        // one of them with PyTorch's float64 gradients; here the input and the other parameters are checked.
        try checkFiniteDifferences(model, x: x, r: r, label: "rrdbnet", skipping: { $0.hasPrefix("body.") })
    }

    /// In eval mode u and v stay fixed, so the loss is a smooth function of weight_orig (through σ too).
    func testSpectralNormDiscriminatorEval() throws {
        let model = try ArchitectureRegistry.build("unet_discriminator_sn", options: ["num_feat": "2", "num_in_ch": "1"],
                                                   seed: 5)
        let (x, r) = inputs([1, 1, 8, 8], outShape: [1, 1, 8, 8], seed: 6)
        // Converge the power iteration first: with the initial random u, σ is underestimated and the outputs reach
        // 1e5, where Float32 rounding of the loss swamps the gradients of the last layers.
        model.train()
        for _ in 0..<30 { _ = try withoutGrad { try model(x) } }
        model.eval()
        try checkFiniteDifferences(model, x: x, r: r, label: "sn")
    }

    func testGatedInpaintGenerator() throws {
        let model = try ArchitectureRegistry.build("gated_inpaint", options: ["cnum": "2"], seed: 7)
        // Morph's own init starts the correction convolution at zero, where every body gradient but its own
        // vanishes. He init doubled (each gate σ ≈ 0.5 halves the amplitude) gives every layer a gradient to check.
        var initRNG = SeededRNG(seed: 70)
        initWeights(model, type: .kaiming, rng: &initRNG)
        for (name, p) in model.namedParameters() where name.hasSuffix("weight") {
            for i in 0..<p.count { p.data[i] *= 2 }
        }
        let (x, r) = inputs([1, 4, 8, 12], outShape: [1, 3, 8, 12], seed: 8)
        try checkFiniteDifferences(model, x: x, r: r, label: "gated")
    }
}
