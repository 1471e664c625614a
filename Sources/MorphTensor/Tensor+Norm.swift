import Foundation

/// Per-(sample, channel) mean and biased variance of an NCHW tensor, index `n * C + c`.
///
/// Tiled inference computes these over the whole image (for example by merging
/// `Tensor.planeMoments()` of every tile) and passes them to
/// `instanceNorm(weight:bias:eps:statistics:)`, so every tile is normalised alike.
public struct NormStatistics: Sendable, Equatable {
    /// Means, one per (sample, channel) plane.
    public var mean: [Float]
    /// Biased variances, one per (sample, channel) plane.
    public var variance: [Float]

    /// Wraps precomputed means and variances (equal counts).
    public init(mean: [Float], variance: [Float]) {
        self.mean = mean
        self.variance = variance
    }
}

extension Tensor {
    /// Per-plane sums, sums of squares and element count of an NCHW tensor, accumulated in Double.
    ///
    /// Moments of several tiles add up; `NormStatistics(moments:)` turns the totals into statistics.
    public func planeMoments() throws -> (sum: [Double], sumSquares: [Double], count: Int) {
        let (n, c, h, w) = try planeDims("planeMoments")
        let planes = n * c, size = h * w
        var sums = [Double](repeating: 0, count: planes), squares = sums
        let src = data
        sums.withUnsafeMutableBufferPointer { sp in
            squares.withUnsafeMutableBufferPointer { qp in
                let s = sp.baseAddress!, q = qp.baseAddress!
                Parallel.forEach(planes) { p in
                    let (a, b) = Tensor.moments(src + p * size, size)
                    s[p] = a; q[p] = b
                }
            }
        }
        return (sums, squares, size)
    }

    /// Sum and sum of squares of `count` floats, in Double.
    static func moments(_ p: UnsafePointer<Float>, _ count: Int) -> (Double, Double) {
        var s: Double = 0, q: Double = 0
        for i in 0..<count { let v = Double(p[i]); s += v; q += v * v }
        return (s, q)
    }

    /// Mean and biased variance of `count` floats (two passes in Double).
    static func meanVariance(_ p: UnsafePointer<Float>, _ count: Int) -> (Double, Double) {
        guard count > 0 else { return (0, 0) }
        // Eight Double lanes per pass (the lanes are summed at the end), then the tail.
        let body = count & ~7
        let mean = sum(p, count) / Double(count)
        let m8 = SIMD8<Double>(repeating: mean)
        var q8 = SIMD8<Double>()
        var i = 0
        while i < body { let d = widen(p + i) - m8; q8 += d * d; i += 8 }
        var q = q8.sum()
        while i < count { let d = Double(p[i]) - mean; q += d * d; i += 1 }
        return (mean, q / Double(count))
    }

    /// Σ p[0..<count] in Double, eight lanes at a time.
    static func sum(_ p: UnsafePointer<Float>, _ count: Int) -> Double {
        let body = count & ~7
        var s8 = SIMD8<Double>()
        var i = 0
        while i < body { s8 += widen(p + i); i += 8 }
        var s = s8.sum()
        while i < count { s += Double(p[i]); i += 1 }
        return s
    }

    /// Eight floats at `p`, as Doubles.
    @inline(__always)
    static func widen(_ p: UnsafePointer<Float>) -> SIMD8<Double> {
        let v = UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Float>.self)
        return SIMD8<Double>(Double(v[0]), Double(v[1]), Double(v[2]), Double(v[3]),
                             Double(v[4]), Double(v[5]), Double(v[6]), Double(v[7]))
    }

    /// Instance normalisation (`torch.nn.functional.instance_norm`): each (sample, channel) plane is
    /// normalised with its own mean and biased variance over H×W, then scaled by `weight[c]` and shifted by `bias[c]`.
    /// - Throws: `TensorError.wrongRank` for non-NCHW input, `TensorError.shapeMismatch` for a weight or bias not of size C,
    ///   `TensorError.invalidArgument` for planes of a single element (as PyTorch).
    public func instanceNorm(weight: Tensor? = nil, bias: Tensor? = nil, eps: Float = 1e-5) throws -> Tensor {
        let (n, c, h, w) = try planeDims("instanceNorm")
        let wp = try Tensor.channelParameter(weight, c, "instanceNorm weight")
        let bp = try Tensor.channelParameter(bias, c, "instanceNorm bias")
        guard h * w > 1 else {
            throw TensorError.invalidArgument(op: "instanceNorm", "expected more than 1 spatial element, got input shape \(shape)")
        }
        let planes = n * c, size = h * w
        var means = [Float](repeating: 0, count: planes), invStds = means
        means.withUnsafeMutableBufferPointer { mp in
            invStds.withUnsafeMutableBufferPointer { ip in
                let m = mp.baseAddress!, s = ip.baseAddress!, src = data
                Parallel.forEach(planes) { p in
                    let (mean, variance) = Tensor.meanVariance(src + p * size, size)
                    m[p] = Float(mean)
                    s[p] = Float(1 / (variance + Double(eps)).squareRoot())
                }
            }
        }
        let out = Tensor.normalizePlanes(self, n: n, c: c, size: size, mean: means, invStd: invStds, weight: wp, bias: bp)
        let inputs = [self] + [weight, bias].compactMap { $0 }
        return Tensor.record(out, "instanceNorm", inputs: inputs) { g in
            let grads = Tensor.normBackward(x: self, g: g, n: n, c: c, size: size, mean: means, invStd: invStds,
                                            weight: weight, bias: bias, perPlaneStatistics: true, statisticsConstant: false)
            return [grads.x] + (weight != nil ? [grads.weight] : []) + (bias != nil ? [grads.bias] : [])
        }
    }

    /// Instance normalisation with given per-plane statistics instead of the input's own.
    ///
    /// Used by tiled inference to normalise every tile with statistics of the whole image.
    /// The statistics are treated as constants: gradients flow to the input, weight and bias
    /// as if mean and variance did not depend on the input.
    /// - Throws: `TensorError.shapeMismatch` when the statistics do not hold N×C values each.
    public func instanceNorm(weight: Tensor? = nil, bias: Tensor? = nil, eps: Float = 1e-5,
                             statistics: NormStatistics) throws -> Tensor {
        let (n, c, h, w) = try planeDims("instanceNorm")
        let wp = try Tensor.channelParameter(weight, c, "instanceNorm weight")
        let bp = try Tensor.channelParameter(bias, c, "instanceNorm bias")
        guard statistics.mean.count == n * c, statistics.variance.count == n * c else {
            throw TensorError.shapeMismatch(op: "instanceNorm statistics",
                                            [statistics.mean.count, statistics.variance.count], [n * c, n * c])
        }
        let means = statistics.mean
        let invStds = statistics.variance.map { 1 / ($0 + eps).squareRoot() }
        let size = h * w
        let out = Tensor.normalizePlanes(self, n: n, c: c, size: size, mean: means, invStd: invStds, weight: wp, bias: bp)
        let inputs = [self] + [weight, bias].compactMap { $0 }
        return Tensor.record(out, "instanceNormFixedStatistics", inputs: inputs) { g in
            let grads = Tensor.normBackward(x: self, g: g, n: n, c: c, size: size, mean: means, invStd: invStds,
                                            weight: weight, bias: bias, perPlaneStatistics: true, statisticsConstant: true)
            return [grads.x] + (weight != nil ? [grads.weight] : []) + (bias != nil ? [grads.bias] : [])
        }
    }

    /// Batch normalisation (`torch.nn.functional.batch_norm`) over N, H and W for each channel.
    ///
    /// When `training` is true, or no running statistics are given, the batch mean and biased variance
    /// normalise the input. In training the running statistics (if given) are updated in place:
    /// `running = (1 - momentum) · running + momentum · batch`, with the unbiased batch variance.
    /// Otherwise `runningMean` / `runningVar` normalise it.
    /// - Throws: `TensorError.wrongRank`, `TensorError.shapeMismatch` for parameters not of size C,
    ///   `TensorError.invalidArgument` when training with one value per channel.
    public func batchNorm(weight: Tensor?, bias: Tensor?, runningMean: Tensor?, runningVar: Tensor?, training: Bool,
                          momentum: Float = 0.1, eps: Float = 1e-5) throws -> Tensor {
        let (n, c, h, w) = try planeDims("batchNorm")
        let wp = try Tensor.channelParameter(weight, c, "batchNorm weight")
        let bp = try Tensor.channelParameter(bias, c, "batchNorm bias")
        let rm = try Tensor.channelParameter(runningMean, c, "batchNorm runningMean")
        let rv = try Tensor.channelParameter(runningVar, c, "batchNorm runningVar")
        guard (rm == nil) == (rv == nil) else {
            throw TensorError.invalidArgument(op: "batchNorm", "give both runningMean and runningVar or neither")
        }
        let size = h * w
        let useBatch = training || rm == nil
        var means = [Float](repeating: 0, count: c), invStds = means
        if useBatch {
            let count = n * size
            guard count > 1 || !training else {
                throw TensorError.invalidArgument(op: "batchNorm", "expected more than 1 value per channel when training, got input shape \(shape)")
            }
            let src = data
            means.withUnsafeMutableBufferPointer { mp in
                invStds.withUnsafeMutableBufferPointer { ip in
                    let m = mp.baseAddress!, s = ip.baseAddress!
                    Parallel.forEach(c) { ch in
                        var sum: Double = 0
                        for b in 0..<n {
                            let p = src + (b * c + ch) * size
                            for i in 0..<size { sum += Double(p[i]) }
                        }
                        let mean = sum / Double(Swift.max(count, 1))
                        var q: Double = 0
                        for b in 0..<n {
                            let p = src + (b * c + ch) * size
                            for i in 0..<size { let d = Double(p[i]) - mean; q += d * d }
                        }
                        let variance = q / Double(Swift.max(count, 1))
                        m[ch] = Float(mean)
                        s[ch] = Float(1 / (variance + Double(eps)).squareRoot())
                        if training, let rm, let rv {
                            let unbiased = q / Double(Swift.max(count - 1, 1))
                            rm[ch] = (1 - momentum) * rm[ch] + momentum * Float(mean)
                            rv[ch] = (1 - momentum) * rv[ch] + momentum * Float(unbiased)
                        }
                    }
                }
            }
        } else if let rm, let rv {
            for ch in 0..<c {
                means[ch] = rm[ch]
                invStds[ch] = 1 / (rv[ch] + eps).squareRoot()
            }
        }
        // Expand per-channel statistics to per-plane ones so the kernels are shared with instance norm.
        var planeMeans = [Float](repeating: 0, count: n * c), planeInv = planeMeans
        for b in 0..<n {
            for ch in 0..<c { planeMeans[b * c + ch] = means[ch]; planeInv[b * c + ch] = invStds[ch] }
        }
        let out = Tensor.normalizePlanes(self, n: n, c: c, size: size, mean: planeMeans, invStd: planeInv, weight: wp, bias: bp)
        let inputs = [self] + [weight, bias].compactMap { $0 }
        return Tensor.record(out, "batchNorm", inputs: inputs) { g in
            let grads = Tensor.normBackward(x: self, g: g, n: n, c: c, size: size, mean: planeMeans, invStd: planeInv,
                                            weight: weight, bias: bias, perPlaneStatistics: false,
                                            statisticsConstant: !useBatch)
            return [grads.x] + (weight != nil ? [grads.weight] : []) + (bias != nil ? [grads.bias] : [])
        }
    }

    /// y = (x - mean[p]) · invStd[p] · weight[c] + bias[c] for every plane p = n·C + c.
    static func normalizePlanes(_ x: Tensor, n: Int, c: Int, size: Int, mean: [Float], invStd: [Float],
                                weight: UnsafeMutablePointer<Float>?, bias: UnsafeMutablePointer<Float>?) -> Tensor {
        let out = Tensor(zeros: x.shape, zeroed: false)
        let src = x.data, dst = out.data
        mean.withUnsafeBufferPointer { mp in
            invStd.withUnsafeBufferPointer { ip in
                let m = mp.baseAddress!, s = ip.baseAddress!
                Parallel.forEach(n * c) { p in
                    let ch = p % c
                    let scale = s[p] * (weight?[ch] ?? 1)
                    let shift = (bias?[ch] ?? 0) - m[p] * scale
                    let a = src + p * size, o = dst + p * size
                    for i in 0..<size { o[i] = a[i] * scale + shift }
                }
            }
        }
        return out
    }

    /// Gradients of a normalisation with planes p = n·C + c.
    ///
    /// With `perPlaneStatistics` each plane has its own statistics (instance norm); otherwise the planes of one
    /// channel share them (batch norm). With `statisticsConstant` the statistics are constants (eval mode,
    /// given statistics), else they are functions of the input and their gradient terms are included.
    static func normBackward(x: Tensor, g: Tensor, n: Int, c: Int, size: Int, mean: [Float], invStd: [Float],
                             weight: Tensor?, bias: Tensor?, perPlaneStatistics: Bool, statisticsConstant: Bool)
        -> (x: Tensor?, weight: Tensor?, bias: Tensor?) {
        let planes = n * c
        // Per-plane sums of g and g·x̂, in Double.
        var sumG = [Double](repeating: 0, count: planes), sumGX = sumG
        let xs = x.data, gs = g.data
        mean.withUnsafeBufferPointer { mp in
            invStd.withUnsafeBufferPointer { ip in
                sumG.withUnsafeMutableBufferPointer { ap in
                    sumGX.withUnsafeMutableBufferPointer { bp in
                        let m = mp.baseAddress!, s = ip.baseAddress!, a = ap.baseAddress!, b = bp.baseAddress!
                        Parallel.forEach(planes) { p in
                            let xp = xs + p * size, gp = gs + p * size
                            let mu = m[p], inv = s[p]
                            var sg: Double = 0, sgx: Double = 0
                            for i in 0..<size {
                                let gv = Double(gp[i])
                                sg += gv
                                sgx += gv * Double((xp[i] - mu) * inv)
                            }
                            a[p] = sg; b[p] = sgx
                        }
                    }
                }
            }
        }
        var gw: Tensor? = nil, gb: Tensor? = nil
        if let weight, weight.requiresGrad {
            let t = Tensor(zeros: weight.shape)
            for p in 0..<planes { t.data[p % c] += Float(sumGX[p]) }
            gw = t
        }
        if let bias, bias.requiresGrad {
            let t = Tensor(zeros: bias.shape)
            for p in 0..<planes { t.data[p % c] += Float(sumG[p]) }
            gb = t
        }
        guard x.requiresGrad else { return (nil, gw, gb) }
        // Means of g and g·x̂ over each statistics group.
        var meanG = [Float](repeating: 0, count: planes), meanGX = meanG
        if !statisticsConstant {
            if perPlaneStatistics {
                for p in 0..<planes {
                    meanG[p] = Float(sumG[p] / Double(Swift.max(size, 1)))
                    meanGX[p] = Float(sumGX[p] / Double(Swift.max(size, 1)))
                }
            } else {
                let count = Double(Swift.max(n * size, 1))
                for ch in 0..<c {
                    var a: Double = 0, b: Double = 0
                    for s in 0..<n { a += sumG[s * c + ch]; b += sumGX[s * c + ch] }
                    for s in 0..<n { meanG[s * c + ch] = Float(a / count); meanGX[s * c + ch] = Float(b / count) }
                }
            }
        }
        let r = Tensor(zeros: x.shape, zeroed: false)
        let wd = weight?.data, rd = r.data
        mean.withUnsafeBufferPointer { mp in
            invStd.withUnsafeBufferPointer { ip in
                let m = mp.baseAddress!, s = ip.baseAddress!
                Parallel.forEach(planes) { p in
                    let xp = xs + p * size, gp = gs + p * size, o = rd + p * size
                    let w = wd?[p % c] ?? 1
                    let mu = m[p], inv = s[p], k = w * inv
                    let mg = meanG[p], mgx = meanGX[p]
                    for i in 0..<size {
                        let xhat = (xp[i] - mu) * inv
                        o[i] = k * (gp[i] - mg - xhat * mgx)
                    }
                }
            }
        }
        return (r, gw, gb)
    }
}

extension NormStatistics {
    /// Statistics from summed moments (`Tensor.planeMoments()` totals): mean = Σx/n, variance = Σx²/n − mean².
    public init(moments: (sum: [Double], sumSquares: [Double], count: Int)) {
        let n = Double(Swift.max(moments.count, 1))
        var means: [Float] = [], variances: [Float] = []
        for (s, q) in zip(moments.sum, moments.sumSquares) {
            let mean = s / n
            means.append(Float(mean))
            variances.append(Float(Swift.max(q / n - mean * mean, 0)))
        }
        self.init(mean: means, variance: variances)
    }
}
