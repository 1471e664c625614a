import Foundation

extension Tensor {
    /// Mean absolute error, mean(|x − y|). Gradients sign(x − y) / n (0 where equal, as PyTorch).
    /// - Throws: `TensorError.shapeMismatch` when the shapes differ.
    public static func l1Loss(_ x: Tensor, _ y: Tensor) throws -> Tensor {
        try pairLoss("l1Loss", x, y, value: { a, b in Swift.abs(a - b) },
                     dx: { a, b in a > b ? 1 : (a < b ? -1 : 0) },
                     dy: { a, b in a > b ? -1 : (a < b ? 1 : 0) })
    }

    /// Mean squared error, mean((x − y)²).
    /// - Throws: `TensorError.shapeMismatch` when the shapes differ.
    public static func mseLoss(_ x: Tensor, _ y: Tensor) throws -> Tensor {
        try pairLoss("mseLoss", x, y, value: { a, b in (a - b) * (a - b) },
                     dx: { a, b in 2 * (a - b) }, dy: { a, b in 2 * (b - a) })
    }

    /// Binary cross-entropy on logits, mean(max(x, 0) − x·t + log(1 + e^−|x|)), stable for any x.
    /// Gradients (σ(x) − t) / n for the logits and −x / n for the target.
    /// - Throws: `TensorError.shapeMismatch` when the shapes differ.
    public static func bceWithLogitsLoss(_ logits: Tensor, _ target: Tensor) throws -> Tensor {
        try pairLoss("bceWithLogitsLoss", logits, target,
                     value: { x, t in Swift.max(x, 0) - x * t + Foundation.log1p(Foundation.exp(-Swift.abs(x))) },
                     dx: { x, t in Tensor.logistic(x) - t }, dy: { x, _ in -x })
    }

    /// A mean-reduced loss of two same-shaped tensors from its per-element value and partial derivatives.
    @inline(__always)
    static func pairLoss(_ op: String, _ x: Tensor, _ y: Tensor, value: (Float, Float) -> Float,
                         dx: @escaping (Float, Float) -> Float, dy: @escaping (Float, Float) -> Float) throws -> Tensor {
        guard x.shape == y.shape else { throw TensorError.shapeMismatch(op: op, x.shape, y.shape) }
        let n = x.count
        let a = x.data, b = y.data
        var acc: Double = 0
        for i in 0..<n { acc += Double(value(a[i], b[i])) }
        let out = Tensor(scalar: Float(acc / Double(Swift.max(n, 1))))
        return record(out, op, inputs: [x, y]) { g in
            let scale = g.item / Float(Swift.max(n, 1))
            func grad(_ d: (Float, Float) -> Float) -> Tensor {
                let r = Tensor(zeros: x.shape, zeroed: false)
                let o = r.data
                for i in 0..<n { o[i] = d(a[i], b[i]) * scale }
                return r
            }
            return [x.requiresGrad ? grad(dx) : nil, y.requiresGrad ? grad(dy) : nil]
        }
    }
}
