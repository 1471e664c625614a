import XCTest
import MorphTensor
import TestSupport

/// Dropout's statistics and determinism, and the typed errors of the NCHW ops.
final class OpsBehaviourTests: XCTestCase {
    func testDropoutDropsAboutPAndScalesSurvivors() {
        var rng = SeededRNG(seed: 5)
        let x = Tensor.uniform([4, 8, 32, 32], low: 1, high: 2, rng: &rng)
        let p: Float = 0.3
        let y = x.dropout(p: p, training: true, rng: &rng)
        var dropped = 0
        for i in 0..<x.count {
            if y.data[i] == 0 { dropped += 1 } else {
                XCTAssertEqual(y.data[i], x.data[i] / (1 - p), accuracy: 1e-5)
            }
        }
        let fraction = Double(dropped) / Double(x.count)
        // 32768 Bernoulli(0.3) draws: standard deviation of the fraction is about 0.0025.
        XCTAssertEqual(fraction, 0.3, accuracy: 0.015)
        // Inverted dropout keeps the mean.
        XCTAssertEqual(Double(y.mean().item), Double(x.mean().item), accuracy: 0.02)
    }

    func testDropoutIsDeterministicForASeed() {
        let x = Tensor.ones([2, 3, 8, 8])
        var a = SeededRNG(seed: 42), b = SeededRNG(seed: 42), c = SeededRNG(seed: 43)
        let ya = x.dropout(p: 0.5, training: true, rng: &a)
        let yb = x.dropout(p: 0.5, training: true, rng: &b)
        let yc = x.dropout(p: 0.5, training: true, rng: &c)
        XCTAssertEqual(ya.values, yb.values)
        XCTAssertNotEqual(ya.values, yc.values)
        XCTAssertEqual(a, b, "both generators advanced alike")
    }

    func testDropoutGradientUsesTheSameMask() throws {
        var rng = SeededRNG(seed: 9)
        let x = Tensor.uniform([2, 2, 5, 5], low: 0.5, high: 1.5, rng: &rng)
        x.requiresGrad = true
        let r = Tensor.normal([2, 2, 5, 5], rng: &rng)
        let y = x.dropout(p: 0.4, training: true, rng: &rng)
        try (y * r).sum().backward()
        let g = try XCTUnwrap(x.grad)
        for i in 0..<x.count {
            let expected: Float = y.data[i] == 0 ? 0 : r.data[i] / 0.6
            XCTAssertEqual(g.data[i], expected, accuracy: 1e-5)
        }
    }

    func testDropoutOffInEvalAndExtremes() {
        var rng = SeededRNG(seed: 1)
        let x = Tensor.normal([1, 2, 3, 3], rng: &rng)
        let before = rng
        XCTAssertEqual(x.dropout(p: 0.5, training: false, rng: &rng).values, x.values)
        XCTAssertEqual(x.dropout(p: 0, training: true, rng: &rng).values, x.values)
        XCTAssertEqual(rng, before, "no random numbers drawn when dropout is off")
        XCTAssertTrue(x.dropout(p: 1, training: true, rng: &rng).values.allSatisfy { $0 == 0 })
    }

    func testPaddingErrors() {
        let x = Tensor.ones([1, 2, 3, 4])
        XCTAssertThrowsError(try x.padded(left: 4, right: 0, top: 0, bottom: 0, mode: .reflect)) { error in
            XCTAssertTrue("\(error)".contains("[1, 2, 3, 4]"), "\(error)")
        }
        XCTAssertThrowsError(try x.padded(left: 0, right: 0, top: 3, bottom: 0, mode: .reflect))
        XCTAssertNoThrow(try x.padded(left: 3, right: 3, top: 2, bottom: 2, mode: .reflect))
        XCTAssertThrowsError(try x.padded(left: -1, right: 0, top: 0, bottom: 0, mode: .zeros))
        XCTAssertThrowsError(try Tensor.ones([2, 3, 4]).padded(left: 1, right: 1, top: 1, bottom: 1, mode: .zeros)) { error in
            XCTAssertEqual(error as? TensorError, .wrongRank(op: "padded", expected: 4, got: [2, 3, 4]))
        }
    }

    func testNormErrors() {
        let x = Tensor.ones([2, 3, 4, 4])
        XCTAssertThrowsError(try x.instanceNorm(weight: Tensor.ones([4]), bias: nil)) { error in
            XCTAssertEqual(error as? TensorError, .shapeMismatch(op: "instanceNorm weight", [4], [3]))
        }
        XCTAssertThrowsError(try x.instanceNorm(statistics: NormStatistics(mean: [0, 0, 0], variance: [1, 1, 1])))
        XCTAssertThrowsError(try Tensor.ones([1, 3, 1, 1]).batchNorm(weight: nil, bias: nil, runningMean: nil,
                                                                     runningVar: nil, training: true))
        XCTAssertThrowsError(try x.batchNorm(weight: nil, bias: Tensor.ones([2]), runningMean: nil, runningVar: nil,
                                             training: true))
        XCTAssertThrowsError(try x.batchNorm(weight: nil, bias: nil, runningMean: Tensor.zeros([3]), runningVar: nil,
                                             training: false))
        XCTAssertThrowsError(try Tensor.ones([3, 4]).instanceNorm())
        XCTAssertThrowsError(try Tensor.ones([2, 3, 1, 1]).instanceNorm())
    }

    func testActivationAndResampleErrors() {
        let x = Tensor.ones([1, 3, 4, 6])
        XCTAssertThrowsError(try x.prelu(weight: Tensor.ones([2]))) { error in
            XCTAssertEqual(error as? TensorError, .shapeMismatch(op: "prelu", [1, 3, 4, 6], [2]))
        }
        XCTAssertThrowsError(try x.pixelShuffle(2))
        XCTAssertThrowsError(try x.pixelUnshuffle(4))
        XCTAssertThrowsError(try x.upsampleNearest(scale: 0))
        XCTAssertThrowsError(try x.upsampleBilinear(scale: 0))
        XCTAssertThrowsError(try x.upsampleBilinear(size: (0, 3)))
        XCTAssertThrowsError(try Tensor.ones([4, 4]).upsampleNearest(scale: 2))
        XCTAssertThrowsError(try x.avgPool2d(kernel: 3, stride: 1, padding: 2))
        XCTAssertThrowsError(try x.avgPool2d(kernel: 7))
        XCTAssertThrowsError(try x.avgPool2d(kernel: 0))
    }

    func testLossShapeErrors() {
        let a = Tensor.ones([1, 2, 3, 3]), b = Tensor.ones([1, 2, 3, 4])
        for loss in [Tensor.l1Loss, Tensor.mseLoss, Tensor.bceWithLogitsLoss] {
            XCTAssertThrowsError(try loss(a, b)) { error in
                XCTAssertTrue("\(error)".contains("[1, 2, 3, 3] vs [1, 2, 3, 4]"), "\(error)")
            }
        }
    }

    func testRoundTripsAndIdentities() throws {
        var rng = SeededRNG(seed: 2)
        let x = Tensor.normal([2, 3, 4, 6], rng: &rng)
        XCTAssertEqual(try x.pixelUnshuffle(2).pixelShuffle(2).values, x.values)
        XCTAssertEqual(try x.pixelUnshuffle(2).shape, [2, 12, 2, 3])
        assertClose(try x.upsampleBilinear(scale: 1).values, x.values, rtol: 0, atol: 1e-6, "bilinear ×1")
        assertClose(try x.avgPool2d(kernel: 1).values, x.values, rtol: 0, atol: 0, "avgPool k1")
        XCTAssertEqual(try x.padded(left: 0, right: 0, top: 0, bottom: 0, mode: .reflect).values, x.values)
        XCTAssertEqual(try x.upsampleNearest(scale: 2).avgPool2d(kernel: 2).values, x.values)
    }

    func testRecordedOutputsAreFreedWithoutBackward() throws {
        // A backward closure must not retain its own output, or graphs never back-propagated would leak.
        let x = Tensor.ones([1, 2, 3, 3])
        x.requiresGrad = true
        let ops: [(String, (Tensor) throws -> Tensor)] = [
            ("tanh", { $0.tanh() }), ("sigmoid", { $0.sigmoid() }), ("exp", { $0.exp() }), ("div", { try $0 / $0 }),
        ]
        for (name, op) in ops {
            weak var weakOut: Tensor?
            try autoreleasepool {
                let out = try op(x)
                XCTAssertNotNil(out.gradFn)
                weakOut = out
            }
            XCTAssertNil(weakOut, "\(name) output still alive")
        }
    }

    /// Same-shape add, subtract and multiply run 16 lanes at a time with a scalar tail, in parallel chunks: every
    /// element, the tail's included, equals the scalar op bit for bit.
    func testSameShapeArithmeticMatchesScalarOpsOnEveryElement() throws {
        var rng = SeededRNG(seed: 71)
        for count in [7, 16, 37, 70_001] {
            let a = Tensor.normal([count], rng: &rng), b = Tensor.normal([count], rng: &rng)
            let (x, y) = (a.values, b.values)
            XCTAssertEqual(try (a + b).values, zip(x, y).map { $0 + $1 }, "add \(count)")
            XCTAssertEqual(try (a - b).values, zip(x, y).map { $0 - $1 }, "sub \(count)")
            XCTAssertEqual(try (a * b).values, zip(x, y).map { $0 * $1 }, "mul \(count)")
        }
    }
}

#if !canImport(ObjectiveC)
/// Linux has no autorelease pool; the body just runs.
private func autoreleasepool<T>(invoking body: () throws -> T) rethrows -> T { try body() }
#endif
