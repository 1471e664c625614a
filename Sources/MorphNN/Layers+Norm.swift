import MorphTensor

/// Instance normalisation over each (sample, channel) plane (PyTorch `nn.InstanceNorm2d`).
///
/// With `trackRunningStats`, training updates `running_mean` / `running_var` with the batch
/// average of the per-instance statistics, and evaluation normalises with them.
public final class InstanceNorm2d: Module {
    /// Channel count.
    public let numFeatures: Int
    /// Variance epsilon.
    public let eps: Float
    /// Running-statistics momentum.
    public let momentum: Float
    /// `[C]` scale and shift when affine.
    public let weight: Tensor?, bias: Tensor?
    /// `[C]` running statistics when tracked.
    public let runningMean: Tensor?, runningVar: Tensor?
    /// Scalar count of updates when tracked (PyTorch never increments it for instance norm).
    public let numBatchesTracked: Tensor?
    public var isTraining = true
    /// Tiled inference: when set, planes are normalised with these statistics instead of their own
    /// (whole-image statistics gathered over the tiles). Not saved; ignored when running statistics are used.
    public var fixedStatistics: NormStatistics?
    /// Tiled inference: called with every input this layer normalises with per-instance statistics, before
    /// normalising (to gather moments). Not saved.
    public var statisticsObserver: ((Tensor) throws -> Void)?

    /// Whether the next forward computes statistics from its input (no running statistics in use).
    public var usesInputStatistics: Bool { runningMean == nil || isTraining }

    /// An instance norm; PyTorch's defaults are no affine parameters and no running statistics.
    public init(_ numFeatures: Int, affine: Bool = false, trackRunningStats: Bool = false,
                eps: Float = 1e-5, momentum: Float = 0.1) {
        self.numFeatures = numFeatures
        self.eps = eps
        self.momentum = momentum
        let tensors = NormTensors(numFeatures, affine: affine, trackRunningStats: trackRunningStats)
        (weight, bias) = (tensors.weight, tensors.bias)
        (runningMean, runningVar, numBatchesTracked) = (tensors.runningMean, tensors.runningVar, tensors.numBatchesTracked)
    }

    public var namedOwnParameters: [(String, Tensor)] { NormTensors.parameters(weight, bias) }

    public var namedOwnBuffers: [(String, Tensor)] { NormTensors.buffers(runningMean, runningVar, numBatchesTracked) }

    public func forward(_ x: Tensor) throws -> Tensor {
        guard x.rank == 4, x.shape[1] == numFeatures else {
            throw NNError.badInput(layer: "InstanceNorm2d", "expected [N, \(numFeatures), H, W], got \(x.shape)")
        }
        if let runningMean, let runningVar {
            if !isTraining {
                return try x.batchNorm(weight: weight, bias: bias, runningMean: runningMean, runningVar: runningVar,
                                       training: false, eps: eps)
            }
            updateRunningStatistics(x, runningMean, runningVar)
        }
        try statisticsObserver?(x)
        if let fixedStatistics {
            return try x.instanceNorm(weight: weight, bias: bias, eps: eps, statistics: fixedStatistics)
        }
        return try x.instanceNorm(weight: weight, bias: bias, eps: eps)
    }

    /// `running = (1 − m)·running + m·mean_n(stat_nc)` with per-plane mean and unbiased variance.
    private func updateRunningStatistics(_ x: Tensor, _ runningMean: Tensor, _ runningVar: Tensor) {
        let n = x.shape[0], c = x.shape[1], size = x.shape[2] * x.shape[3]
        guard n > 0, size > 0 else { return }
        let p = x.data, rm = runningMean.data, rv = runningVar.data
        let m = Double(momentum)
        for ch in 0..<c {
            var meanSum = 0.0, varSum = 0.0
            for s in 0..<n {
                let plane = p + (s * c + ch) * size
                var total = 0.0
                for i in 0..<size { total += Double(plane[i]) }
                let mean = total / Double(size)
                var sq = 0.0
                for i in 0..<size { let d = Double(plane[i]) - mean; sq += d * d }
                meanSum += mean
                varSum += size > 1 ? sq / Double(size - 1) : .nan
            }
            rm[ch] = Float((1 - m) * Double(rm[ch]) + m * meanSum / Double(n))
            rv[ch] = Float((1 - m) * Double(rv[ch]) + m * varSum / Double(n))
        }
    }
}

/// Batch normalisation per channel over N, H and W (PyTorch `nn.BatchNorm2d`).
///
/// Training normalises with batch statistics and updates `running_mean`, `running_var`
/// (unbiased) and `num_batches_tracked`; evaluation normalises with the running statistics.
public final class BatchNorm2d: BatchNormLayer {
    /// Channel count.
    public let numFeatures: Int
    /// Variance epsilon and running-statistics momentum.
    public let eps: Float, momentum: Float
    /// `[C]` scale (initially 1) and shift (initially 0), when affine.
    public let weight: Tensor?, bias: Tensor?
    /// `[C]` running statistics, when tracked.
    public let runningMean: Tensor?, runningVar: Tensor?
    /// Scalar count of training batches seen, when tracked.
    public let numBatchesTracked: Tensor?
    public var isTraining = true
    /// Tiled inference in training mode with a batch of one: when set, the batch statistics are replaced by
    /// these (whole-image statistics, one mean and variance per channel); running statistics are not updated.
    public var fixedStatistics: NormStatistics?
    /// Tiled inference: called with every input normalised with batch statistics, before normalising. Not saved.
    public var statisticsObserver: ((Tensor) throws -> Void)?

    /// Whether the next forward computes statistics from its input (training mode or no running statistics).
    public var usesInputStatistics: Bool { runningMean == nil || isTraining }

    /// A batch norm with PyTorch's defaults (affine, tracking running statistics).
    public init(_ numFeatures: Int, eps: Float = 1e-5, momentum: Float = 0.1,
                affine: Bool = true, trackRunningStats: Bool = true) {
        self.numFeatures = numFeatures
        self.eps = eps
        self.momentum = momentum
        let tensors = NormTensors(numFeatures, affine: affine, trackRunningStats: trackRunningStats)
        (weight, bias) = (tensors.weight, tensors.bias)
        (runningMean, runningVar, numBatchesTracked) = (tensors.runningMean, tensors.runningVar, tensors.numBatchesTracked)
    }

    public var namedOwnParameters: [(String, Tensor)] { NormTensors.parameters(weight, bias) }

    public var namedOwnBuffers: [(String, Tensor)] { NormTensors.buffers(runningMean, runningVar, numBatchesTracked) }

    public func forward(_ x: Tensor) throws -> Tensor {
        guard x.rank == 4, x.shape[1] == numFeatures else {
            throw NNError.badInput(layer: "BatchNorm2d", "expected [N, \(numFeatures), H, W], got \(x.shape)")
        }
        if usesInputStatistics {
            try statisticsObserver?(x)
            if let fixed = fixedStatistics {
                guard x.shape[0] == 1, fixed.mean.count == numFeatures, fixed.variance.count == numFeatures else {
                    throw NNError.badInput(layer: "BatchNorm2d",
                        "fixed statistics need a batch of 1 and \(numFeatures) channels, got \(x.shape) and \(fixed.mean.count)")
                }
                let mean = try Tensor(shape: [numFeatures], values: fixed.mean)
                let variance = try Tensor(shape: [numFeatures], values: fixed.variance)
                return try x.batchNorm(weight: weight, bias: bias, runningMean: mean, runningVar: variance,
                                       training: false, eps: eps)
            }
        }
        let y = try x.batchNorm(weight: weight, bias: bias, runningMean: runningMean, runningVar: runningVar,
                                training: isTraining, momentum: momentum, eps: eps)
        if isTraining, let numBatchesTracked { numBatchesTracked.data[0] += 1 }
        return y
    }
}

/// The affine parameters and running statistics of a norm layer, made and named as PyTorch does: weight 1 and
/// bias 0 (trainable) when affine; running mean 0, variance 1 and a batch counter when tracking statistics.
struct NormTensors {
    let weight: Tensor?, bias: Tensor?
    let runningMean: Tensor?, runningVar: Tensor?, numBatchesTracked: Tensor?

    init(_ numFeatures: Int, affine: Bool, trackRunningStats: Bool) {
        if affine {
            let w = Tensor.ones([numFeatures]), b = Tensor.zeros([numFeatures])
            w.requiresGrad = true
            b.requiresGrad = true
            (weight, bias) = (w, b)
        } else {
            (weight, bias) = (nil, nil)
        }
        if trackRunningStats {
            (runningMean, runningVar, numBatchesTracked) = (Tensor.zeros([numFeatures]), Tensor.ones([numFeatures]), Tensor(scalar: 0))
        } else {
            (runningMean, runningVar, numBatchesTracked) = (nil, nil, nil)
        }
    }

    /// `weight`, `bias` when both exist.
    static func parameters(_ weight: Tensor?, _ bias: Tensor?) -> [(String, Tensor)] {
        guard let weight, let bias else { return [] }
        return [("weight", weight), ("bias", bias)]
    }

    /// `running_mean`, `running_var`, `num_batches_tracked` when tracked.
    static func buffers(_ mean: Tensor?, _ variance: Tensor?, _ count: Tensor?) -> [(String, Tensor)] {
        guard let mean, let variance, let count else { return [] }
        return [("running_mean", mean), ("running_var", variance), ("num_batches_tracked", count)]
    }
}
