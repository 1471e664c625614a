import XCTest
import MorphModels
import MorphNN
import MorphTensor
import MorphTrain
import TestSupport

/// The WGAN-GP gradient penalty against the reference's `cal_gradient_penalty` run with PyTorch's double
/// backward (`create_graph=True`) in float64 (`gen/train.py`): the penalty, the gradient of every
/// discriminator parameter, and the batch-norm statistics the forward updated.
final class PenaltyParityTests: XCTestCase {
    func testNLayerInstanceNorm() throws { try check("train_penalty_nlayer_instance") }
    func testNLayerBatchNorm() throws { try check("train_penalty_nlayer_batch") }
    func testPixelNoNorm() throws { try check("train_penalty_pixel_none") }

    func testWassersteinLoss() throws {
        let p = try Tensor(shape: [1, 1, 2, 2], values: [0.5, -1, 2, 0])
        XCTAssertEqual(try GANLoss(mode: .wgangp)(p, isReal: true).item, -0.375, accuracy: 1e-7)
        XCTAssertEqual(try GANLoss(mode: .wgangp)(p, isReal: false).item, 0.375, accuracy: 1e-7)
    }

    private func check(_ name: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let fx = try Fixture.load(name)
        let raw = try XCTUnwrap(fx.metadata["options"]?.data(using: .utf8))
        let options = try JSONDecoder().decode([String: String].self, from: raw)
        let net = try ArchitectureRegistry.build(try XCTUnwrap(fx.metadata["arch"]), options: options)
        let initial = fx.tensors.filter { $0.key.hasPrefix("init.") }
        try net.load(stateDict: Dictionary(uniqueKeysWithValues: initial.map { (String($0.key.dropFirst(5)), $0.value.detached()) }))
        net.train()
        let penalty = try GradientPenalty.penalty(net, real: try fx.copy("real"), fake: try fx.copy("fake"),
                                                  alpha: try fx.tensor("alpha").values)
        assertClose([penalty.item], try fx.tensor("penalty").values, rtol: 1e-4, atol: 1e-6, "\(name) penalty",
                    file: file, line: line)
        try penalty.backward()
        let zeroBound = 1e-5 * fx.gradientScale(prefix: "grad.")
        for (key, p) in net.namedParameters() {
            // No gradient at all (nil) is the zero gradient PyTorch reports for a parameter off the path.
            fx.assertGradient(p.grad, count: p.count, key: key, zeroBound: zeroBound, "\(name) grad \(key)",
                              file: file, line: line)
        }
        for (key, b) in net.namedBuffers() {
            let expected = try fx.tensor("after." + key)
            assertClose(b.values, expected.values, rtol: 1e-4, atol: 1e-6, "\(name) buffer \(key)", file: file, line: line)
        }
    }
}
