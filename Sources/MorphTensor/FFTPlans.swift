import CFFTW
import Foundation

/// FFTW single-precision plans for 2-D real transforms of one `h × w` plane, cached per shape.
///
/// FFTW's planner is not thread-safe, so plans are created under a lock; executing a plan on
/// new arrays (`fftwf_execute_dft_r2c` / `_c2r`) is thread-safe, so planes run in parallel.
/// Plans are made with `FFTW_ESTIMATE | FFTW_UNALIGNED`, so they run on any buffer of the
/// plane's size, whatever its alignment.
enum FFTPlans {
    /// A real-to-complex and a complex-to-real plan for one plane shape.
    final class PlanPair {
        let forward: OpaquePointer
        let inverse: OpaquePointer
        init(forward: OpaquePointer, inverse: OpaquePointer) {
            self.forward = forward
            self.inverse = inverse
        }
    }

    private static let lock = NSLock()
    nonisolated(unsafe) private static var cache: [Int: [Int: PlanPair]] = [:]

    /// The plans for an `h × w` plane (made on first use).
    static func plans(height h: Int, width w: Int) -> PlanPair {
        lock.lock()
        defer { lock.unlock() }
        if let pair = cache[h]?[w] { return pair }
        let wf = w / 2 + 1
        let real = UnsafeMutablePointer<Float>.allocate(capacity: h * w)
        let complex = UnsafeMutableRawPointer.allocate(byteCount: h * wf * 2 * MemoryLayout<Float>.stride,
                                                       alignment: 16)
        defer { real.deallocate(); complex.deallocate() }
        let cplx = complex.bindMemory(to: fftwf_complex.self, capacity: h * wf)
        let flags = UInt32(FFTW_ESTIMATE) | UInt32(FFTW_UNALIGNED)
        guard let forward = fftwf_plan_dft_r2c_2d(Int32(h), Int32(w), real, cplx, flags | UInt32(FFTW_PRESERVE_INPUT)),
              let inverse = fftwf_plan_dft_c2r_2d(Int32(h), Int32(w), cplx, real, flags | UInt32(FFTW_DESTROY_INPUT))
        else { fatalError("FFTW could not plan a \(h)×\(w) transform") }
        let pair = PlanPair(forward: forward, inverse: inverse)
        cache[h, default: [:]][w] = pair
        return pair
    }

    /// Real-to-complex transform of one plane: `h·w` floats in, `h·(w/2+1)` interleaved complex out.
    /// The input is preserved.
    static func forward(_ pair: PlanPair, _ input: UnsafeMutablePointer<Float>, _ output: UnsafeMutablePointer<Float>) {
        output.withMemoryRebound(to: fftwf_complex.self, capacity: 1) { fftwf_execute_dft_r2c(pair.forward, input, $0) }
    }

    /// Complex-to-real transform of one plane; the complex input is overwritten.
    static func inverse(_ pair: PlanPair, _ input: UnsafeMutablePointer<Float>, _ output: UnsafeMutablePointer<Float>) {
        input.withMemoryRebound(to: fftwf_complex.self, capacity: 1) { fftwf_execute_dft_c2r(pair.inverse, $0, output) }
    }
}
