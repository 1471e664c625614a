import Foundation

/// Unaligned loads and stores of 8, 16 or 32 Float lanes: what the Winograd transforms and the elementwise kernels
/// (ReLU, PReLU, add, sub, mul) move through, with no call left per element once inlined.
enum Lanes {
    @inline(__always) static func load8(_ p: UnsafePointer<Float>) -> SIMD8<Float> {
        UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Float>.self)
    }

    @inline(__always) static func load16(_ p: UnsafePointer<Float>) -> SIMD16<Float> {
        UnsafeRawPointer(p).loadUnaligned(as: SIMD16<Float>.self)
    }

    @inline(__always) static func load32(_ p: UnsafePointer<Float>) -> SIMD32<Float> {
        UnsafeRawPointer(p).loadUnaligned(as: SIMD32<Float>.self)
    }

    @inline(__always) static func store(_ v: SIMD16<Float>, _ p: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD16<Float>.self)
    }

    /// Stores the first `min(8, count)` lanes of `v` at `p`.
    @inline(__always) static func storePartial(_ v: SIMD8<Float>, _ p: UnsafeMutablePointer<Float>, _ count: Int) {
        if count >= 8 {
            UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD8<Float>.self)
        } else {
            for l in 0..<count { p[l] = v[l] }
        }
    }
}
