import Foundation

extension Tensor {
    /// Applies a raw elementwise kernel `out[i] = f(x[i])` over all elements, in parallel chunks for big tensors.
    @inline(__always)
    static func mapKernel(_ x: Tensor, _ f: (Float) -> Float) -> Tensor {
        let out = Tensor(zeros: x.shape, zeroed: false)
        let p = x.data, o = out.data
        Parallel.chunks(x.count, minChunk: 1 << 16) { range in
            for i in range { o[i] = f(p[i]) }
        }
        return out
    }

    /// `out[i] = f(a[i], b[i])` for two same-sized buffers (input or output, and gradient), in parallel chunks.
    @inline(__always)
    static func gradKernel(_ a: Tensor, _ g: Tensor, _ f: (Float, Float) -> Float) -> Tensor {
        let out = Tensor(zeros: g.shape, zeroed: false)
        let p = a.data, q = g.data, o = out.data
        Parallel.chunks(g.count, minChunk: 1 << 16) { range in
            for i in range { o[i] = f(p[i], q[i]) }
        }
        return out
    }

    /// max(x, 0), NaN staying NaN. The gradient is 0 where x ≤ 0 and 1 elsewhere, NaN included (as PyTorch, which
    /// tests the result against 0).
    public func relu() -> Tensor {
        let out = Tensor.rectified(self, where: self, slope: 0, passNaN: true)
        return Tensor.record(out, "relu", inputs: [self]) { g in
            [Tensor.rectified(g, where: self, slope: 0, passNaN: true)]
        }
    }

    /// x where x > 0, else `slope · x`.
    public func leakyReLU(_ slope: Float = 0.01) -> Tensor {
        let out = Tensor.rectified(self, where: self, slope: slope)
        return Tensor.record(out, "leakyReLU", inputs: [self]) { g in
            [Tensor.rectified(g, where: self, slope: slope)]
        }
    }

    /// values where x > 0, else slope · values (0 for slope 0), 16 lanes at a time with no call per element:
    /// (ReLU or LeakyReLU)(x) with `values` = x, and its gradient with `values` = the incoming gradient. A NaN x
    /// counts as positive with `passNaN` (ReLU and its gradient, as PyTorch's) and as not positive otherwise
    /// (LeakyReLU: slope · NaN is NaN, and its gradient there is slope · g, as PyTorch's).
    static func rectified(_ values: Tensor, where x: Tensor, slope: Float, passNaN: Bool = false) -> Tensor {
        let out = Tensor(zeros: values.shape, zeroed: false)
        let p = x.data, q = values.data, o = out.data
        Parallel.chunks(values.count, minChunk: 1 << 16) { range in
            rectify(q, where: p, slope: slope, zeroWhenFlat: true, passNaN: passNaN, range: range, into: o)
        }
        return out
    }

    /// o[i] = q[i] where p[i] > 0, else slope · q[i], over `range`, 16 lanes at a time; with `zeroWhenFlat` and
    /// slope 0 that is 0 even where q[i] is NaN (as ReLU's gradient), otherwise 0 · q[i] (PReLU's). With `passNaN`,
    /// a NaN p[i] counts as positive (ReLU keeps it, and its gradient passes q[i] there).
    @inline(__always)
    static func rectify(_ q: UnsafePointer<Float>, where p: UnsafePointer<Float>, slope: Float, zeroWhenFlat: Bool,
                        passNaN: Bool = false, range: Range<Int>, into o: UnsafeMutablePointer<Float>) {
        let zero = zeroWhenFlat && slope == 0
        @inline(__always) func isLow(_ x: Float) -> Bool { passNaN ? x <= 0 : !(x > 0) }
        var i = range.lowerBound
        while i + 16 <= range.upperBound {
            let d = Lanes.load16(q + i), x = Lanes.load16(p + i)
            let low = passNaN ? x .<= 0 : .!(x .> 0)
            Lanes.store(zero ? d.replacing(with: 0, where: low) : d.replacing(with: d * slope, where: low), o + i)
            i += 16
        }
        for j in i..<range.upperBound { o[j] = isLow(p[j]) ? (zero ? 0 : q[j] * slope) : q[j] }
    }

    /// Parametric ReLU: x where x > 0, else `weight[c] · x`, with one weight per channel (dimension 1)
    /// or a single shared weight.
    /// - Throws: `TensorError.shapeMismatch` when the weight has neither 1 nor C values.
    public func prelu(weight: Tensor) throws -> Tensor {
        let channels = rank >= 2 ? shape[1] : 1
        guard weight.count == 1 || weight.count == channels, weight.shape.filter({ $0 != 1 }).count <= 1 else {
            throw TensorError.shapeMismatch(op: "prelu", shape, weight.shape)
        }
        let shared = weight.count == 1
        let inner = rank >= 2 ? shape[2...].reduce(1, *) : 1
        let outer = rank >= 2 ? shape[0] : (rank == 1 ? shape[0] : 1)
        let planes = outer * (rank >= 2 ? channels : 1)
        let out = Tensor(zeros: shape, zeroed: false)
        let x = data, o = out.data, wp = weight.data
        Parallel.chunks(planes, minChunk: Swift.max(1, 16384 / Swift.max(inner, 1))) { range in
            for p in range {
                Tensor.rectify(x + p * inner, where: x + p * inner, slope: wp[shared ? 0 : p % channels],
                               zeroWhenFlat: false, range: 0..<inner, into: o + p * inner)
            }
        }
        return Tensor.record(out, "prelu", inputs: [self, weight]) { g in
            let gs = g.data
            var gx: Tensor? = nil, gw: Tensor? = nil
            if self.requiresGrad {
                let r = Tensor(zeros: self.shape, zeroed: false)
                let rd = r.data
                Parallel.chunks(planes, minChunk: Swift.max(1, 16384 / Swift.max(inner, 1))) { range in
                    for p in range {
                        Tensor.rectify(gs + p * inner, where: x + p * inner, slope: wp[shared ? 0 : p % channels],
                                       zeroWhenFlat: false, range: 0..<inner, into: rd + p * inner)
                    }
                }
                gx = r
            }
            if weight.requiresGrad {
                // Per-plane sums of g·x over x ≤ 0, then summed per weight.
                let planeSums = Tensor(zeros: [planes], zeroed: false)
                let ps = planeSums.data
                Parallel.forEach(planes) { p in
                    let xp = x + p * inner, gp = gs + p * inner
                    var lanes = SIMD16<Float>()
                    var i = 0
                    while i + 16 <= inner {
                        let xv = Lanes.load16(xp + i)
                        lanes += (Lanes.load16(gp + i) * xv).replacing(with: 0, where: xv .> 0)
                        i += 16
                    }
                    var acc = lanes.sum()
                    for j in i..<inner { acc += xp[j] > 0 ? 0 : gp[j] * xp[j] }
                    ps[p] = acc
                }
                var sums = [Double](repeating: 0, count: weight.count)
                for p in 0..<planes { sums[shared ? 0 : p % channels] += Double(ps[p]) }
                gw = try Tensor(shape: weight.shape, values: sums.map { Float($0) })
            }
            return [gx, gw]
        }
    }

    /// Hyperbolic tangent; derivative 1 − y².
    public func tanh() -> Tensor {
        let out = Tensor.mapKernel(self) { Foundation.tanh($0) }
        // A view of the values, not `out` itself, so the closure does not retain its own output.
        let result = Tensor(shape: out.shape, storage: out.storage)
        return Tensor.record(out, "tanh", inputs: [self]) { g in
            [Tensor.gradKernel(result, g) { y, d in d * (1 - y * y) }]
        }
    }

    /// The logistic function 1 / (1 + e^−x), computed without overflow; derivative y(1 − y).
    public func sigmoid() -> Tensor {
        let out = Tensor.mapKernel(self, Tensor.logistic)
        // A view of the values, not `out` itself, so the closure does not retain its own output.
        let result = Tensor(shape: out.shape, storage: out.storage)
        return Tensor.record(out, "sigmoid", inputs: [self]) { g in
            [Tensor.gradKernel(result, g) { y, d in d * y * (1 - y) }]
        }
    }

    /// A numerically stable scalar logistic function.
    @inline(__always)
    static func logistic(_ x: Float) -> Float {
        if x >= 0 { return 1 / (1 + Foundation.exp(-x)) }
        let e = Foundation.exp(x)
        return e / (1 + e)
    }
}
