import XCTest
@testable import MorphTensor
import TestSupport

/// `WinogradInputCache`: convs over growing channel prefixes of one buffer (a dense block) give what the im2col
/// path (PyTorch-parity-tested) gives on the same prefixes, while each transforms only its newest channels.
final class WinogradInputCacheTests: XCTestCase {
    override func tearDown() {
        Parallel.setWorkers(ProcessInfoCores.active)
        super.tearDown()
    }

    /// The im2col result of one 3×3 conv, computed independently of Winograd and of the cache.
    private func reference(_ input: Tensor, _ weight: Tensor, _ bias: Tensor, padding: Int) throws -> Tensor {
        let geo = try Tensor.geometry("test", channels: input.shape[1], height: input.shape[2], width: input.shape[3],
                                      kernel: (3, 3), stride: 1, padding: padding, dilation: 1)
        let out = Tensor(zeros: [1, weight.shape[0], geo.outH, geo.outW], zeroed: false)
        Tensor.convForward(input: input, weight: weight, geometry: geo, output: out, bias: bias, algorithm: .im2col)
        return out
    }

    /// The cached conv does the uncached Winograd conv's arithmetic, in the same order (so the two agree to the
    /// last bits), and both match im2col within 1e-4 relative plus 2·10⁻⁵ of the largest output (F(4×4, 3×3)'s bound,
    /// see ConvWinograd4x4Tests): deeper convs sum over up to 1,728 terms of growing size.
    private func assertSame(_ cached: Tensor, _ uncached: Tensor, _ im2col: Tensor, _ label: String,
                            file: StaticString = #filePath, line: UInt = #line) {
        assertClose(cached.values, uncached.values, rtol: 1e-6, atol: 0, "\(label) cached vs uncached", file: file, line: line)
        assertCloseScaled(cached.values, im2col.values, floorFraction: 2e-5, "\(label) vs im2col", file: file, line: line)
    }

    func testDenseBlockConvsMatchIm2colOnEveryPrefix() throws {
        var rng = SeededRNG(seed: 41)
        // (features, growth, height, width): odd sizes, and channel counts that straddle transform chunks. 64² runs
        // F(4×4, 3×3) throughout; 48 × 50 starts on F(2×2, 3×3) and switches to F(4×4, 3×3) at conv 3 (the cache
        // starts over), both by `Winograd.tile`.
        for (feat, growth, h, w) in [(16, 8, 13, 10), (24, 12, 7, 17), (64, 32, 16, 16), (64, 32, 64, 64), (64, 32, 48, 50)] {
            for workers in [1, 3] {
                Parallel.setWorkers(workers)
                let label = "F\(feat) G\(growth) \(h)×\(w) \(workers) workers"
                let buffer = Tensor(zeros: [1, feat + 4 * growth, h, w])
                let x = Tensor.normal([1, feat, h, w], rng: &rng)
                try buffer.channelView(0..<feat).data.update(from: x.data, count: x.count)
                let cache = try WinogradInputCache(buffer: buffer)
                for k in 0..<4 {
                    let input = try buffer.channelView(0..<(feat + k * growth))
                    let weight = Tensor.normal([growth, feat + k * growth, 3, 3], std: 0.2, rng: &rng)
                    let bias = Tensor.normal([growth], rng: &rng)
                    let expected = try reference(input, weight, bias, padding: 1).leakyReLU(0.2)
                    let uncached = Tensor(zeros: expected.shape, zeroed: false)
                    try input.conv2d(weight: weight, bias: bias, padding: 1, activation: .leakyReLU(0.2), into: uncached)
                    let output = try buffer.channelView((feat + k * growth)..<(feat + (k + 1) * growth))
                    try input.conv2d(weight: weight, bias: bias, padding: 1, activation: .leakyReLU(0.2), into: output,
                                     cache: cache)
                    assertSame(output, uncached, expected, "\(label) conv\(k + 1)")
                }
                let weight = Tensor.normal([feat, feat + 4 * growth, 3, 3], std: 0.2, rng: &rng)
                let bias = Tensor.normal([feat], rng: &rng)
                let last = Tensor(zeros: [1, feat, h, w], zeroed: false), uncached = Tensor(zeros: [1, feat, h, w], zeroed: false)
                try buffer.conv2d(weight: weight, bias: bias, padding: 1, activation: nil, into: uncached)
                try buffer.conv2d(weight: weight, bias: bias, padding: 1, activation: nil, into: last, cache: cache)
                assertSame(last, uncached, try reference(buffer, weight, bias, padding: 1), "\(label) conv5")
            }
        }
    }

    func testChangedPaddingNonPrefixInputsAndResetTransformAgain() throws {
        var rng = SeededRNG(seed: 42)
        let buffer = Tensor.normal([1, 24, 9, 11], rng: &rng)
        let cache = try WinogradInputCache(buffer: buffer)
        let weight = Tensor.normal([8, 16, 3, 3], std: 0.2, rng: &rng), bias = Tensor.normal([8], rng: &rng)
        let prefix = try buffer.channelView(0..<16)
        let padded = Tensor(zeros: [1, 8, 9, 11], zeroed: false)
        try prefix.conv2d(weight: weight, bias: bias, padding: 1, activation: nil, into: padded, cache: cache)
        assertClose(padded.values, try reference(prefix, weight, bias, padding: 1).values, atol: 1e-4, "padding 1")

        // Another padding changes every tile: the cache starts over.
        let unpadded = Tensor(zeros: [1, 8, 7, 9], zeroed: false)
        try prefix.conv2d(weight: weight, bias: bias, padding: 0, activation: nil, into: unpadded, cache: cache)
        assertClose(unpadded.values, try reference(prefix, weight, bias, padding: 0).values, atol: 1e-4, "padding 0")

        // And back to padding 1: the cache starts over again.
        try prefix.conv2d(weight: weight, bias: bias, padding: 1, activation: nil, into: padded, cache: cache)
        assertClose(padded.values, try reference(prefix, weight, bias, padding: 1).values, atol: 1e-4, "padding 1 again")
        // A fresh cache sized for padding 0's 20 tiles must grow for padding 1's 30.
        let grown = try WinogradInputCache(buffer: buffer)
        try prefix.conv2d(weight: weight, bias: bias, padding: 0, activation: nil, into: unpadded, cache: grown)
        try prefix.conv2d(weight: weight, bias: bias, padding: 1, activation: nil, into: padded, cache: grown)
        assertClose(padded.values, try reference(prefix, weight, bias, padding: 1).values, atol: 1e-4,
                    "padding 0 then 1 in a fresh cache")

        // Channels 8..<24 are no prefix of the buffer: the conv runs uncached.
        let middle = try buffer.channelView(8..<24)
        XCTAssertNil(cache.lease(input: middle, padding: 1, tiles: 30, tile: .f2x3))
        try middle.conv2d(weight: weight, bias: bias, padding: 1, activation: nil, into: padded, cache: cache)
        assertClose(padded.values, try reference(middle, weight, bias, padding: 1).values, atol: 1e-4, "not a prefix")

        // Rewriting read channels needs reset(); after it the new values are transformed.
        try prefix.conv2d(weight: weight, bias: bias, padding: 1, activation: nil, into: padded, cache: cache)
        prefix.data.update(repeating: 0.5, count: 4 * 9 * 11)
        cache.reset()
        try prefix.conv2d(weight: weight, bias: bias, padding: 1, activation: nil, into: padded, cache: cache)
        assertClose(padded.values, try reference(prefix, weight, bias, padding: 1).values, atol: 1e-4, "after reset")
    }

    func testLeaseIsRefusedAboveTheBudgetAndForBatchedBuffers() throws {
        // 16 positions × 512 channels × 64² tiles = 2²⁵ floats = maxFloats, which fits; 513 channels do not.
        let big = Tensor(zeros: [1, 513, 128, 128], zeroed: false)
        XCTAssertNil(try WinogradInputCache(buffer: big).lease(input: big, padding: 1, tiles: 64 * 64, tile: .f2x3))
        let fits = Tensor(zeros: [1, 512, 128, 128], zeroed: false)
        XCTAssertNotNil(try WinogradInputCache(buffer: fits).lease(input: fits, padding: 1, tiles: 64 * 64, tile: .f2x3))
        XCTAssertThrowsError(try WinogradInputCache(buffer: Tensor(zeros: [2, 4, 8, 8])))
    }
}
