import XCTest
import MorphModels
import MorphNN
import MorphTensor
import TestSupport

/// Finite-difference checks of the models' gradients, independent of PyTorch.
///
/// Each check perturbs the whole tensor t along a random direction d (biased towards the gradient's signs) and compares the central difference
/// (f(t + εd) − f(t − εd)) / 2ε with the backward pass's ⟨∇f, d⟩, which sums many elements' gradients. The loss
/// `(out · r).sum()` is accumulated in Double. A Float32 network has no single good ε: large steps cross
/// ReLU kinks, small ones drown in rounding noise. So the difference is taken at several steps and the check passes
/// when the best of them agrees within `rtol`; a wrong gradient (a missing term, a wrong index or sign) agrees at none.
final class GradientCheckTests: XCTestCase {
    func checkFiniteDifferences(_ model: MorphModel, x: Tensor, r: Tensor, tensor t: Tensor, directions: Int = 3,
                                steps: [Float] = [3e-2, 1e-2, 3e-3, 1e-3, 3e-4, 1e-4], rtol: Double = 2e-2, seed: UInt64 = 9,
                                label: String, file: StaticString = #filePath, line: UInt = #line) throws {
        for p in model.namedParameters() { p.1.zeroGrad() }
        x.zeroGrad()
        try weightedSum(model(x), r).backward()
        guard let analytic = t.grad?.values else { return XCTFail("\(label): no gradient", file: file, line: line) }
        let saved = t.values
        defer { for i in 0..<saved.count { t.data[i] = saved[i] } }
        var rng = SeededRNG(seed: seed)
        for k in 0..<directions {
            // Random, but leaning along the gradient's signs, so ⟨∇f, d⟩ is never lost in the rounding noise.
            let noise = Tensor.normal(t.shape, rng: &rng).values, lean = Tensor.normal(t.shape, rng: &rng).values
            let d = (0..<saved.count).map { noise[$0] + (analytic[$0] < 0 ? -1 : 1) * Swift.abs(lean[$0]) }
            let expected = zip(analytic, d).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
            func loss(_ step: Float) throws -> Double {
                for i in 0..<saved.count { t.data[i] = saved[i] + step * d[i] }
                let out = try withoutGrad { try model(x) }
                return zip(out.values, r.values).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
            }
            var best = Double.infinity
            for eps in steps {
                let numeric = (try loss(eps) - loss(-eps)) / (2 * Double(eps))
                best = Swift.min(best, Swift.abs(numeric - expected) / Swift.max(Swift.abs(expected), 1e-30))
            }
            XCTAssertLessThan(best, rtol, "\(label) along direction \(k): best relative error over steps \(steps)",
                              file: file, line: line)
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
        try checkFiniteDifferences(model, x: x, r: r, tensor: x, label: "resnet dx")
        let params = Dictionary(model.namedParameters(), uniquingKeysWith: { a, _ in a })
        let w = try XCTUnwrap(params["model.11.weight"])   // the first transposed conv, after the one block
        try checkFiniteDifferences(model, x: x, r: r, tensor: w, label: "resnet dW convT")
    }

    func testRRDBNetX2() throws {
        let model = try ArchitectureRegistry.build("rrdbnet", options: ["scale": "2", "num_feat": "4", "num_block": "1",
                                                                        "num_grow_ch": "2"], seed: 3)
        let (x, r) = inputs([1, 3, 4, 4], outShape: [1, 3, 8, 8], seed: 4)
        try checkFiniteDifferences(model, x: x, r: r, tensor: x, label: "rrdbnet dx")
        let params = Dictionary(model.namedParameters(), uniquingKeysWith: { a, _ in a })
        let w = try XCTUnwrap(params["body.0.rdb2.conv3.weight"])
        try checkFiniteDifferences(model, x: x, r: r, tensor: w, label: "rrdbnet dW")
    }

    /// In eval mode u and v stay fixed, so the loss is a smooth function of weight_orig (through σ too).
    func testSpectralNormDiscriminatorEval() throws {
        let model = try ArchitectureRegistry.build("unet_discriminator_sn", options: ["num_feat": "2", "num_in_ch": "1"],
                                                   seed: 5)
        model.eval()
        let (x, r) = inputs([1, 1, 8, 8], outShape: [1, 1, 8, 8], seed: 6)
        try checkFiniteDifferences(model, x: x, r: r, tensor: x, label: "sn dx")
        let params = Dictionary(model.namedParameters(), uniquingKeysWith: { a, _ in a })
        let w = try XCTUnwrap(params["conv4.weight_orig"])
        try checkFiniteDifferences(model, x: x, r: r, tensor: w, label: "sn dW_orig")
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
        try checkFiniteDifferences(model, x: x, r: r, tensor: x, label: "gated dx")
        let params = Dictionary(model.namedParameters(), uniquingKeysWith: { a, _ in a })
        let w = try XCTUnwrap(params["body.7.conv.weight"])   // a dilated gated conv
        try checkFiniteDifferences(model, x: x, r: r, tensor: w, label: "gated dW")
    }
}
