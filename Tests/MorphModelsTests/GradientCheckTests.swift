import XCTest
import MorphModels
import MorphNN
import MorphTensor
import TestSupport

/// Finite-difference checks of the models' gradients, independent of PyTorch: central differences of
/// `(out · r).sum()` against backward, for a few input elements and parameter elements.
final class GradientCheckTests: XCTestCase {
    /// Compares d loss / d t[i] from backward with central differences for the chosen indices of `t`.
    func checkFiniteDifferences(_ model: MorphModel, x: Tensor, r: Tensor, tensor t: Tensor, indices: [Int],
                                eps: Float = 1e-2, rtol: Float = 1e-2, label: String,
                                file: StaticString = #filePath, line: UInt = #line) throws {
        for p in model.namedParameters() { p.1.zeroGrad() }
        x.zeroGrad()
        try weightedSum(model(x), r).backward()
        guard let analytic = t.grad?.values else { return XCTFail("\(label): no gradient", file: file, line: line) }
        let scale = analytic.map { Swift.abs($0) }.max() ?? 1
        for i in indices {
            let saved = t.data[i]
            t.data[i] = saved + eps
            let plus = try withoutGrad { try weightedSum(model(x), r).item }
            t.data[i] = saved - eps
            let minus = try withoutGrad { try weightedSum(model(x), r).item }
            t.data[i] = saved
            let numeric = (plus - minus) / (2 * eps)
            XCTAssertEqual(numeric, analytic[i], accuracy: rtol * Swift.max(Swift.abs(analytic[i]), 0.1 * scale),
                           "\(label)[\(i)]", file: file, line: line)
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
        try checkFiniteDifferences(model, x: x, r: r, tensor: x, indices: [0, 37, 100, 191], label: "resnet dx")
        let params = Dictionary(model.namedParameters(), uniquingKeysWith: { a, _ in a })
        let w = try XCTUnwrap(params["model.19.weight"])   // the first transposed conv
        try checkFiniteDifferences(model, x: x, r: r, tensor: w, indices: [0, 5, 17], label: "resnet dW convT")
    }

    func testRRDBNetX2() throws {
        let model = try ArchitectureRegistry.build("rrdbnet", options: ["scale": "2", "num_feat": "4", "num_block": "1",
                                                                        "num_grow_ch": "2"], seed: 3)
        let (x, r) = inputs([1, 3, 4, 4], outShape: [1, 3, 8, 8], seed: 4)
        try checkFiniteDifferences(model, x: x, r: r, tensor: x, indices: [0, 9, 30, 47], label: "rrdbnet dx")
        let params = Dictionary(model.namedParameters(), uniquingKeysWith: { a, _ in a })
        let w = try XCTUnwrap(params["body.0.rdb2.conv3.weight"])
        try checkFiniteDifferences(model, x: x, r: r, tensor: w, indices: [0, 11, 40], label: "rrdbnet dW")
    }

    /// In eval mode u and v stay fixed, so the loss is a smooth function of weight_orig (through σ too).
    func testSpectralNormDiscriminatorEval() throws {
        let model = try ArchitectureRegistry.build("unet_discriminator_sn", options: ["num_feat": "2", "num_in_ch": "1"],
                                                   seed: 5)
        model.eval()
        let (x, r) = inputs([1, 1, 8, 8], outShape: [1, 1, 8, 8], seed: 6)
        try checkFiniteDifferences(model, x: x, r: r, tensor: x, indices: [0, 13, 63], label: "sn dx")
        let params = Dictionary(model.namedParameters(), uniquingKeysWith: { a, _ in a })
        let w = try XCTUnwrap(params["conv4.weight_orig"])
        try checkFiniteDifferences(model, x: x, r: r, tensor: w, indices: [0, 7, 100], label: "sn dW_orig")
    }
}
