/// A seeded, reproducible random generator (xoshiro256**).
///
/// Its whole state is four words, so training runs can save it and resume
/// exactly (`state` / `init(state:)`).
public struct SeededRNG: RandomNumberGenerator, Sendable, Equatable {
    /// The four state words.
    public private(set) var state: [UInt64]

    /// Seeds the generator by expanding `seed` with SplitMix64.
    public init(seed: UInt64) {
        var s = seed
        var words: [UInt64] = []
        for _ in 0..<4 {
            s &+= 0x9E37_79B9_7F4A_7C15
            var z = s
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            words.append(z ^ (z >> 31))
        }
        state = words
    }

    /// Restores a generator from a saved `state`.
    public init(state: [UInt64]) {
        precondition(state.count == 4, "SeededRNG state has four words")
        self.state = state
    }

    @inline(__always) private static func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 {
        (x << k) | (x >> (64 - k))
    }

    public mutating func next() -> UInt64 {
        let result = SeededRNG.rotl(state[1] &* 5, 7) &* 9
        let t = state[1] << 17
        state[2] ^= state[0]
        state[3] ^= state[1]
        state[1] ^= state[2]
        state[0] ^= state[3]
        state[2] ^= t
        state[3] = SeededRNG.rotl(state[3], 45)
        return result
    }

    /// A uniform float in [0, 1) with 24 random bits.
    @inline(__always) public mutating func nextUniform() -> Float {
        Float(next() >> 40) * (1.0 / 16_777_216.0)
    }

    /// A standard normal sample (Box–Muller).
    public mutating func nextNormal() -> Float {
        var u1 = Double(next() >> 11) * (1.0 / 9_007_199_254_740_992.0)
        if u1 < 1e-300 { u1 = 1e-300 }
        let u2 = Double(next() >> 11) * (1.0 / 9_007_199_254_740_992.0)
        return Float((-2 * _log(u1)).squareRoot() * _cos(2 * Double.pi * u2))
    }

    /// A uniform integer in `0..<upperBound`.
    public mutating func nextInt(below upperBound: Int) -> Int {
        precondition(upperBound > 0)
        return Int(next(upperBound: UInt64(upperBound)))
    }
}

@inline(__always) private func _log(_ x: Double) -> Double { Foundation.log(x) }
@inline(__always) private func _cos(_ x: Double) -> Double { Foundation.cos(x) }

import Foundation
