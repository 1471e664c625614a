import Foundation
import XCTest
import MorphImage
import MorphModels
import MorphNN
import MorphTensor
@testable import MorphTrain

/// SR degradations, tensor image operations, inpainting masks and the weight EMA.
final class DataComponentTests: XCTestCase {
    func smooth(_ h: Int, _ w: Int) -> Tensor {
        let t = Tensor.zeros([1, 3, h, w])
        for c in 0..<3 { for y in 0..<h { for x in 0..<w {
            t.data[(c * h + y) * w + x] = 0.2 + 0.5 * Float(x) / Float(w) + 0.2 * Float(y) / Float(h) + 0.05 * Float(c)
        } } }
        return t
    }

    func testResizeBlurAndJPEGKeepWhatTheyShould() throws {
        let flat = Tensor.full([1, 3, 24, 20], 0.4)
        let small = try TensorImageOps.resize(flat, width: 5, height: 6)
        XCTAssertEqual(small.shape, [1, 3, 6, 5])
        XCTAssertEqual(small.values.map { abs($0 - 0.4) }.max() ?? 1, 0, accuracy: 1e-5)
        let big = try TensorImageOps.resize(flat, width: 41, height: 37, kernel: .lanczos3)
        XCTAssertEqual(big.shape, [1, 3, 37, 41])
        XCTAssertEqual(big.values.map { abs($0 - 0.4) }.max() ?? 1, 0, accuracy: 1e-4)

        // Blur keeps a flat image and smooths an impulse into a symmetric bump of the same mass.
        XCTAssertEqual(try TensorImageOps.gaussianBlur(flat, sigma: 2).values.map { abs($0 - 0.4) }.max() ?? 1, 0, accuracy: 1e-4)
        let impulse = Tensor.zeros([1, 1, 21, 21])
        impulse.data[10 * 21 + 10] = 1
        let bump = try TensorImageOps.gaussianBlur(impulse, sigma: 1.5)
        XCTAssertEqual(bump.values.reduce(0, +), 1, accuracy: 2e-2)
        XCTAssertLessThan(bump.data[10 * 21 + 10], 0.2)
        XCTAssertEqual(bump.data[10 * 21 + 7], bump.data[10 * 21 + 13], accuracy: 1e-6)
        XCTAssertEqual(bump.data[7 * 21 + 10], bump.data[10 * 21 + 7], accuracy: 1e-6)

        // JPEG at quality 100 is nearly lossless on a smooth image; at quality 5 it is not.
        let image = smooth(32, 32)
        let fine = try TensorImageOps.jpegRoundTrip(image, quality: 100)
        let coarse = try TensorImageOps.jpegRoundTrip(image, quality: 5)
        func meanDiff(_ a: Tensor, _ b: Tensor) -> Float { zip(a.values, b.values).map { abs($0 - $1) }.reduce(0, +) / Float(a.count) }
        XCTAssertLessThan(meanDiff(fine, image), 1.5 / 255)
        XCTAssertGreaterThan(meanDiff(coarse, image), 3 * meanDiff(fine, image))
        XCTAssertThrowsError(try TensorImageOps.jpegRoundTrip(image, quality: 0))
    }

    func testBicubicDegradationShrinksBySimpleAveraging() throws {
        var rng = SeededRNG(seed: 3)
        let hr = smooth(32, 24)
        let lr = try SRDegradation(kind: .bicubic, scale: 4).degrade(hr, rng: &rng)
        XCTAssertEqual(lr.shape, [1, 3, 8, 6])
        // A linear ramp stays a ramp: each LR pixel is close to the mean of its 4×4 HR block.
        for c in 0..<3 { for y in 1..<7 { for x in 1..<5 {
            var mean: Float = 0
            for dy in 0..<4 { for dx in 0..<4 { mean += hr.data[(c * 32 + 4 * y + dy) * 24 + 4 * x + dx] } }
            XCTAssertEqual(lr.data[(c * 8 + y) * 6 + x], mean / 16, accuracy: 0.01)
        } } }
        XCTAssertThrowsError(try SRDegradation(kind: .bicubic, scale: 4).degrade(smooth(30, 24), rng: &rng))
    }

    func testRealESRGANDegradationIsSeededAndDegrades() throws {
        let hr = smooth(64, 48)
        let degradation = SRDegradation(kind: .realesrgan, scale: 4)
        var a = SeededRNG(seed: 9), b = SeededRNG(seed: 9), c = SeededRNG(seed: 10)
        let x = try degradation.degrade(hr, rng: &a), y = try degradation.degrade(hr, rng: &b)
        let z = try degradation.degrade(hr, rng: &c)
        XCTAssertEqual(x.shape, [1, 3, 16, 12])
        XCTAssertEqual(x.values, y.values, "same seed, same LR")
        XCTAssertNotEqual(x.values, z.values, "another seed, another LR")
        XCTAssertTrue(x.values.allSatisfy { $0 >= 0 && $0 <= 1 })
        let clean = try SRDegradation(kind: .bicubic, scale: 4).degrade(hr, rng: &a)
        let distance = zip(x.values, clean.values).map { abs($0 - $1) }.reduce(0, +) / Float(x.count)
        XCTAssertGreaterThan(distance, 1e-3, "the second-order pipeline changes the image beyond bicubic")
    }

    func testMasksAreBinarySeededAndNeitherEmptyNorFull() {
        for kind in MaskKind.allCases {
            var rng = SeededRNG(seed: 5), again = SeededRNG(seed: 5)
            let generator = MaskGenerator(kind: kind)
            var fractions: [Float] = []
            for _ in 0..<20 {
                let m = generator.make(height: 40, width: 56, rng: &rng)
                XCTAssertEqual(m.values, generator.make(height: 40, width: 56, rng: &again).values)
                XCTAssertEqual(m.shape, [1, 1, 40, 56])
                XCTAssertTrue(m.values.allSatisfy { $0 == 0 || $0 == 1 }, "\(kind)")
                let fraction = m.values.reduce(0, +) / Float(m.count)
                XCTAssertGreaterThan(fraction, 0)
                XCTAssertLessThan(fraction, 1)
                fractions.append(fraction)
            }
            let mean = fractions.reduce(0, +) / Float(fractions.count)
            XCTAssertGreaterThan(mean, 0.01, "\(kind) masks cut real holes")
            XCTAssertLessThan(mean, 0.7, "\(kind) masks leave context")
        }
        // A box mask is one filled rectangle.
        var rng = SeededRNG(seed: 8)
        let m = MaskGenerator(kind: .box).make(height: 30, width: 30, rng: &rng)
        let rows = (0..<30).filter { y in (0..<30).contains { m.data[y * 30 + $0] == 1 } }
        let cols = (0..<30).filter { x in (0..<30).contains { m.data[$0 * 30 + x] == 1 } }
        XCTAssertEqual(Float(rows.count * cols.count), m.values.reduce(0, +))
    }

    func testEMAFollowsTheRecurrence() throws {
        var rng = SeededRNG(seed: 1)
        let model = Conv2d(2, 3, kernelSize: 3, rng: &rng)
        let ema = ParameterEMA(model: model, decay: 0.9)
        let w0 = model.weight.values
        for i in 0..<model.weight.count { model.weight.data[i] += 1 }
        ema.update(from: model)
        let averaged = try XCTUnwrap(ema.stateDict.first { $0.0 == "weight" }?.1)
        for i in 0..<averaged.count { XCTAssertEqual(averaged.data[i], 0.9 * w0[i] + 0.1 * (w0[i] + 1), accuracy: 1e-6) }
        var other = SeededRNG(seed: 2)
        let copy = Conv2d(2, 3, kernelSize: 3, rng: &other)
        try ema.copy(into: copy)
        XCTAssertEqual(copy.weight.values, averaged.values)
        let restored = try ParameterEMA(model: model, decay: 0.9,
                                        restoring: Dictionary(ema.stateDict, uniquingKeysWith: { a, _ in a }))
        XCTAssertEqual(restored.stateDict.map(\.1.values), ema.stateDict.map(\.1.values))
        XCTAssertThrowsError(try ParameterEMA(model: model, restoring: ["weight": model.weight]))
    }
}
