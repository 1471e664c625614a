import XCTest
import MorphTensor
import TestSupport

/// The 2-D real FFTs against PyTorch's `torch.fft.rfftn` / `irfftn` (norm "ortho"), their
/// gradients against PyTorch's autograd and central differences, and plain FFT identities.
final class FFTTests: XCTestCase {
    func testRfft2MatchesPyTorch() throws {
        try OpsCheck.each("fft_rfft2_") { name in
            try OpsCheck.parity(name) { _, x, _ in try x.rfft2() }
        }
    }

    func testIrfft2MatchesPyTorch() throws {
        try OpsCheck.each("fft_irfft2_") { name in
            try OpsCheck.parity(name) { f, x, _ in try x.irfft2(width: f.int("width")) }
        }
    }

    func testGradientsMatchFiniteDifferences() throws {
        var rng = SeededRNG(seed: 5)
        for (h, w) in [(4, 6), (3, 5), (5, 4)] {
            try OpsCheck.gradients("rfft2 \(h)x\(w)", [Tensor.normal([1, 2, h, w], rng: &rng)]) { try $0[0].rfft2() }
            try OpsCheck.gradients("irfft2 \(h)x\(w)", [Tensor.normal([1, 2, h, w / 2 + 1], rng: &rng)]) {
                try $0[0].irfft2(width: w)
            }
        }
    }

    func testRoundTripAndKnownSpectrum() throws {
        var rng = SeededRNG(seed: 9)
        for (h, w) in [(16, 16), (9, 7), (1, 1), (33, 20)] {
            let x = Tensor.normal([2, 3, h, w], rng: &rng)
            let spectrum = try x.rfft2()
            XCTAssertEqual(spectrum.shape, [2, 6, h, w / 2 + 1])
            assertClose(try spectrum.irfft2(width: w).values, x.values, rtol: 1e-4, atol: 1e-5, "round trip \(h)x\(w)")
        }
        // A constant plane has all its energy in the zero bin: value · sqrt(H·W) with ortho scaling.
        let constant = Tensor.full([1, 1, 4, 6], 2)
        let spectrum = try constant.rfft2().values
        XCTAssertEqual(spectrum[0], 2 * Float(24).squareRoot(), accuracy: 1e-5)
        XCTAssertEqual(spectrum.dropFirst().map(abs).max() ?? 1, 0, accuracy: 1e-5)
        XCTAssertThrowsError(try Tensor.zeros([1, 2, 4, 3]).irfft2(width: 6))
    }

    func testManyThreadsShareThePlanCache() throws {
        // Plans for new shapes are created concurrently; FFTW's planner must be serialised.
        let results = UnsafeMutableBufferPointer<Float>.allocate(capacity: 24)
        defer { results.deallocate() }
        DispatchQueue.concurrentPerform(iterations: 24) { i in
            let h = 3 + i % 6, w = 4 + i / 6
            let x = Tensor.full([1, 1, h, w], 1)
            results[i] = ((try? x.rfft2().values[0]) ?? 0) - Float(Double(h * w).squareRoot())
        }
        XCTAssertLessThan(results.map(abs).max() ?? 1, 1e-4)
    }
}
