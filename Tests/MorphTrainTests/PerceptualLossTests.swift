import Foundation
import XCTest
import MorphModels
import MorphNN
import MorphTensor
@testable import MorphTrain
import TestSupport

/// VGG19 loading from a torchvision-layout .pth and BasicSR's perceptual loss against PyTorch (gen/perceptual.py).
final class PerceptualLossTests: XCTestCase {
    func testLossAndGradientMatchPyTorch() throws {
        let vgg = try VGG19Features.load(contentsOf: Fixture.directory.appendingPathComponent("vgg19_tiny.pth"))
        let f = try Fixture.load("perceptual_vgg19_tiny")
        let cases: [(String, [String: Float])] = [
            ("esrgan", ["conv5_4": 1]), ("mixed", ["conv1_2": 0.1, "relu3_4": 1, "conv5_4": 0.5]),
        ]
        for (name, weights) in cases {
            let loss = try PerceptualLoss(vgg: vgg, layerWeights: weights)
            let x = try f.copy("x")
            x.requiresGrad = true
            let value = try loss(x, f.tensor("gt"))
            let expected = try f.tensor(name + ".loss").values[0]
            XCTAssertEqual(value.item, expected, accuracy: 1e-4 * abs(expected), name)
            try value.backward()
            let grad = try f.tensor(name + ".grad_x")
            let scale = grad.values.map(abs).max() ?? 1
            assertClose(x.grad?.values ?? [], grad.values, rtol: 1e-4, atol: 1e-5 * scale, "\(name) grad x")
            XCTAssertTrue(vgg.namedParameters().allSatisfy { $0.1.grad == nil }, "VGG stays frozen")
        }
    }

    func testRejectsWhatIsNotVGG19() throws {
        let vgg16 = Fixture.directory.appendingPathComponent("vgg16_tiny.pth")
        XCTAssertThrowsError(try VGG19Features.load(contentsOf: vgg16)) { error in
            let text = "\(error)"
            XCTAssertTrue(text.contains("vgg16_tiny.pth") && text.contains("not a torchvision VGG19"), text)
            XCTAssertFalse(text.contains("\n"))
        }
        let other = Fixture.directory.appendingPathComponent("ckpt_basic_zip.pth")
        XCTAssertThrowsError(try VGG19Features.load(contentsOf: other)) { error in
            XCTAssertTrue("\(error)".contains("not a torchvision VGG19"), "\(error)")
        }
    }

    func testUnknownLayerIsNamed() throws {
        var rng = SeededRNG(seed: 1)
        let vgg = VGG19Features(widthDivisor: 32, rng: &rng)
        XCTAssertThrowsError(try PerceptualLoss(vgg: vgg, layerWeights: ["conv6_1": 1])) { error in
            XCTAssertTrue("\(error)".contains("conv6_1"))
        }
        XCTAssertEqual(VGG19Features.layerNames.count, 37)
        XCTAssertEqual(vgg.stateDict().map(\.0).filter { $0.hasSuffix("weight") }.last, "features.34.weight")
    }
}
