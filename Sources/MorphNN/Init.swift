import Foundation
import MorphTensor

/// The reference's weight initialisations (`networks.init_weights`, `--init_type`).
public enum InitType: String, Sendable, CaseIterable {
    /// N(0, gain).
    case normal
    /// Xavier/Glorot normal with the given gain.
    case xavier
    /// Kaiming/He normal, a = 0, fan-in mode (gain unused).
    case kaiming
    /// A (semi-)orthogonal matrix scaled by the gain.
    case orthogonal
}

/// Re-initialises `net` as the reference's `init_weights(net, init_type, init_gain)` does:
/// conv, transposed-conv and linear weights (`WeightedLayer`s) by `type`, their biases to 0;
/// `BatchNorm2d` weights from N(1, gain) and biases to 0. Other modules are left alone.
/// Modules are visited children first, as `nn.Module.apply` does. Values are written in place.
public func initWeights(_ net: Module, type: InitType = .normal, gain: Float = 0.02, rng: inout SeededRNG) {
    var modules: [Module] = []
    collectPostOrder(net, into: &modules)
    for module in modules {
        if let layer = module as? WeightedLayer {
            WeightInit.fill(layer.weight, type: type, gain: gain, rng: &rng)
            layer.bias?.fill(0)
        } else if let bn = module as? BatchNormLayer, let weight = bn.weight, let bias = bn.bias {
            WeightInit.normal(weight, mean: 1, std: gain, rng: &rng)
            bias.fill(0)
        }
    }
}

/// A batch-norm layer, initialised by `initWeights` as the reference treats `BatchNorm2d`.
public protocol BatchNormLayer: Module {
    /// The per-channel scale, when affine.
    var weight: Tensor? { get }
    /// The per-channel shift, when affine.
    var bias: Tensor? { get }
}

/// Appends `module`'s descendants, then `module` (the order of `nn.Module.apply`).
private func collectPostOrder(_ module: Module, into list: inout [Module]) {
    for (_, child) in module.namedChildren { collectPostOrder(child, into: &list) }
    list.append(module)
}

/// In-place initialisers for single tensors, following `torch.nn.init`.
public enum WeightInit {
    /// PyTorch's fan-in and fan-out: `size(1)·receptive` and `size(0)·receptive`,
    /// where receptive is the product of the dimensions after the second.
    public static func fans(_ shape: [Int]) -> (fanIn: Int, fanOut: Int) {
        guard shape.count >= 2 else { return (shape.first ?? 1, shape.first ?? 1) }
        let receptive = shape.dropFirst(2).reduce(1, *)
        return (shape[1] * receptive, shape[0] * receptive)
    }

    /// Fills `t` by `type` with `gain` (ignored by Kaiming, which uses sqrt(2)).
    public static func fill(_ t: Tensor, type: InitType, gain: Float, rng: inout SeededRNG) {
        let (fanIn, fanOut) = fans(t.shape)
        switch type {
        case .normal:
            normal(t, mean: 0, std: gain, rng: &rng)
        case .xavier:
            normal(t, mean: 0, std: gain * (2 / Float(max(1, fanIn + fanOut))).squareRoot(), rng: &rng)
        case .kaiming:
            normal(t, mean: 0, std: (2 / Float(max(1, fanIn))).squareRoot(), rng: &rng)
        case .orthogonal:
            orthogonal(t, gain: gain, rng: &rng)
        }
    }

    /// Fills `t` with N(mean, std²) samples.
    public static func normal(_ t: Tensor, mean: Float, std: Float, rng: inout SeededRNG) {
        let p = t.data
        for i in 0..<t.count { p[i] = mean + std * rng.nextNormal() }
    }

    /// Fills `t`, viewed as a `[size(0), rest]` matrix, with a (semi-)orthogonal matrix times `gain`:
    /// orthonormal rows when rows ≤ columns, orthonormal columns otherwise (`torch.nn.init.orthogonal_`).
    /// The matrix is the Q factor of a Gaussian matrix with R's diagonal made positive.
    public static func orthogonal(_ t: Tensor, gain: Float, rng: inout SeededRNG) {
        guard t.rank >= 2, t.count > 0 else { normal(t, mean: 0, std: gain, rng: &rng); return }
        let rows = t.shape[0], cols = t.count / rows
        // Work on the tall orientation: `long` entries per vector, `short` vectors to orthonormalise.
        let long = max(rows, cols), short = min(rows, cols)
        var q = [Double](repeating: 0, count: short * long)
        for i in 0..<q.count { q[i] = Double(rng.nextNormal()) }
        q.withUnsafeMutableBufferPointer { buf in
            let base = buf.baseAddress!
            for j in 0..<short {
                let v = base + j * long
                // Modified Gram–Schmidt, twice for stability; R's diagonal is the positive norm.
                for _ in 0..<2 {
                    for k in 0..<j {
                        let u = base + k * long
                        var dot = 0.0
                        for i in 0..<long { dot += u[i] * v[i] }
                        for i in 0..<long { v[i] -= dot * u[i] }
                    }
                }
                var norm = 0.0
                for i in 0..<long { norm += v[i] * v[i] }
                let inv = norm > 0 ? 1 / norm.squareRoot() : 0
                for i in 0..<long { v[i] *= inv }
            }
        }
        // Vector j holds row j (rows ≤ cols) or column j (rows > cols) of the result.
        let p = t.data, g = Double(gain)
        for r in 0..<rows {
            for c in 0..<cols {
                let value = rows <= cols ? q[r * long + c] : q[c * long + r]
                p[r * cols + c] = Float(g * value)
            }
        }
    }
}
