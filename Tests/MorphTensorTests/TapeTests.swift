import XCTest
import MorphTensor
import TestSupport

final class TapeTests: XCTestCase {
    func testBroadcastAddAndMulGradients() throws {
        let a = try Tensor(shape: [2, 3, 1, 2], values: (0..<12).map { Float($0) })
        let b = try Tensor(shape: [1, 3, 1, 1], values: [1, 2, 3])
        a.requiresGrad = true
        b.requiresGrad = true
        let y = try (a * b + a).sum()
        try y.backward()
        // dy/da = b + 1 broadcast; dy/db = sum of a over N, H, W per channel.
        assertClose(a.grad!.values, [2, 2, 3, 3, 4, 4, 2, 2, 3, 3, 4, 4])
        assertClose(b.grad!.values, [0 + 1 + 6 + 7, 2 + 3 + 8 + 9, 4 + 5 + 10 + 11])
    }

    func testGradientAccumulatesAcrossBackwardCalls() throws {
        let x = try Tensor(shape: [3], values: [1, 2, 3])
        x.requiresGrad = true
        try x.square().sum().backward()
        try x.square().sum().backward()
        assertClose(x.grad!.values, [4, 8, 12])
    }

    func testWithoutGradRecordsNothing() throws {
        let x = Tensor.ones([2, 2])
        x.requiresGrad = true
        let y = try withoutGrad { try x * x }
        XCTAssertNil(y.gradFn)
        XCTAssertFalse(y.requiresGrad)
    }

    func testSumDimsAndMean() throws {
        let x = try Tensor(shape: [2, 3], values: [1, 2, 3, 4, 5, 6])
        assertClose(try x.sum(dims: [0]).values, [5, 7, 9])
        assertClose(try x.sum(dims: [1], keepDims: true), shape: [2, 1], [6, 15])
        assertClose(try x.mean(dims: [0, 1]).values, [3.5])
    }

    func testShapeErrorsAreTyped() throws {
        let a = Tensor.ones([2, 3]), b = Tensor.ones([3, 2])
        XCTAssertThrowsError(try a + b) { error in
            XCTAssertEqual(error as? TensorError, .shapeMismatch(op: "add", [2, 3], [3, 2]))
        }
        XCTAssertThrowsError(try a.slice(dim: 1, 0..<4)) { error in
            XCTAssertEqual(error as? TensorError, .invalidArgument(op: "slice", "range 0..<4 out of bounds for size 3 in dim 1"))
        }
        XCTAssertThrowsError(try a.reshaped([5])) { error in
            XCTAssertEqual(error as? TensorError, .invalidArgument(op: "reshape", "cannot reshape [2, 3] to [5]"))
        }
    }

    func testPermuteConcatSliceRoundTrip() throws {
        let x = try Tensor(shape: [1, 2, 2, 3], values: (0..<12).map { Float($0) })
        x.requiresGrad = true
        let p = try x.permuted([0, 2, 3, 1])
        XCTAssertEqual(p.values, [0, 6, 1, 7, 2, 8, 3, 9, 4, 10, 5, 11])
        let c = try Tensor.concat([x, x], dim: 1)
        XCTAssertEqual(c.shape, [1, 4, 2, 3])
        let s = try c.slice(dim: 1, 1..<3)
        XCTAssertEqual(s.values, Array((6..<12).map { Float($0) }) + Array((0..<6).map { Float($0) }))
        try (s * Tensor.full([1, 2, 2, 3], 2)).sum().backward()
        assertClose(x.grad!.values, [Float](repeating: 2, count: 12))
    }
}
