/// An activation applied to a convolution's output as it is written, so no extra pass over memory remains.
///
/// Every case is x where x > 0, else slope · x: ReLU has slope 0, LeakyReLU one slope, PReLU one per channel.
public enum FusedActivation {
    case none
    case relu
    case leakyReLU(Float)
    /// Slopes per output channel (or one shared when `shared`), valid for the whole call.
    case prelu(UnsafePointer<Float>, shared: Bool)

    /// The same activation for the channels from `k0` on (PReLU's per-channel slopes move with them).
    func offset(by k0: Int) -> FusedActivation {
        if case let .prelu(p, shared) = self, !shared { return .prelu(p + k0, shared: false) }
        return self
    }

    /// The negative-side slope for channel `ch`, or nil for `.none`.
    @inline(__always) func slope(channel ch: Int) -> Float? {
        switch self {
        case .none: return nil
        case .relu: return 0
        case .leakyReLU(let s): return s
        case .prelu(let p, let shared): return p[shared ? 0 : ch]
        }
    }

    /// Applies the activation with negative-side slope `slope` to every lane.
    @inline(__always) static func apply(_ y: SIMD8<Float>, slope: Float) -> SIMD8<Float> {
        slope == 0 ? y.replacing(with: 0, where: y .< 0) : y.replacing(with: y * slope, where: y .< 0)
    }

    /// Applies the activation in place to `count` values of channel `ch` at `p`.
    func apply(_ p: UnsafeMutablePointer<Float>, count: Int, channel ch: Int) {
        guard let a = slope(channel: ch) else { return }
        for i in 0..<count { let v = p[i]; p[i] = v > 0 ? v : (a == 0 ? 0 : a * v) }
    }
}
