import MorphNN
import MorphTensor

/// A Conv2d wrapped in spectral normalisation, exactly as `torch.nn.utils.spectral_norm` does it.
///
/// Miyato et al., "Spectral Normalization for Generative Adversarial Networks" (ICLR 2018).
/// The layer keeps the raw weight as parameter `weight_orig` and the power-iteration vectors as buffers
/// `weight_u` `[out]` and `weight_v` `[in·k·k]`; its key order is `bias` (if any), `weight_orig`,
/// `weight_u`, `weight_v`, as PyTorch's re-registration leaves them. Each forward uses
/// `weight = weight_orig / σ` with `σ = uᵀ · W · v` (W = weight_orig as `[out, in·k·k]`); gradients flow
/// through σ with u and v held constant. In training mode one power iteration runs first, updating the
/// buffers in place: `v ← normalize(Wᵀu)`, `u ← normalize(Wv)`, normalize dividing by max(‖·‖, 1e-12).
/// In eval mode the stored u and v are used as they are.
public final class SpectralNormConv2d: Module {
    /// The un-normalised weight `[out, in, k, k]`.
    public let weightOrig: Tensor
    /// Optional bias `[out]`.
    public let bias: Tensor?
    /// Left singular vector estimate `[out]`.
    public let weightU: Tensor
    /// Right singular vector estimate `[in·k·k]`.
    public let weightV: Tensor
    /// Convolution stride.
    public let stride: Int
    /// Zero padding on each side.
    public let padding: Int
    /// Power iterations per training forward (PyTorch's default 1).
    public let powerIterations: Int
    /// Normalisation epsilon.
    public let eps: Float = 1e-12
    /// Training mode runs power iterations; eval mode does not.
    public var isTraining = true

    public var namedOwnParameters: [(String, Tensor)] {
        (bias.map { [("bias", $0)] } ?? []) + [("weight_orig", weightOrig)]
    }
    public var namedOwnBuffers: [(String, Tensor)] { [("weight_u", weightU), ("weight_v", weightV)] }

    /// A spectrally normalised `inChannels → outChannels` convolution with a square kernel. Weights use
    /// PyTorch's default Conv2d init (uniform ±1/√fan_in); u and v start as normalised Gaussian vectors.
    public init(_ inChannels: Int, _ outChannels: Int, kernelSize: Int, stride: Int = 1, padding: Int = 0,
                bias: Bool = true, powerIterations: Int = 1, rng: inout SeededRNG) {
        let fanIn = inChannels * kernelSize * kernelSize
        let bound = 1 / Float(fanIn).squareRoot()
        weightOrig = Tensor.uniform([outChannels, inChannels, kernelSize, kernelSize], low: -bound, high: bound,
                                    rng: &rng)
        weightOrig.requiresGrad = true
        if bias {
            let b = Tensor.uniform([outChannels], low: -bound, high: bound, rng: &rng)
            b.requiresGrad = true
            self.bias = b
        } else {
            self.bias = nil
        }
        weightU = Tensor.normal([outChannels], rng: &rng)
        weightV = Tensor.normal([fanIn], rng: &rng)
        self.stride = stride
        self.padding = padding
        self.powerIterations = powerIterations
        SpectralNormConv2d.normalize(weightU.data, weightU.count, eps: eps)
        SpectralNormConv2d.normalize(weightV.data, weightV.count, eps: eps)
    }

    /// The normalised weight `weight_orig / σ`, recorded on the tape (after a power iteration in training).
    public func normalizedWeight() throws -> Tensor {
        let rows = weightOrig.shape[0]
        let cols = weightOrig.count / rows
        if isTraining { powerIterate(rows: rows, cols: cols) }
        let w = try weightOrig.reshaped([rows, cols])
        // Copies of u and v, as PyTorch clones them: a later forward's power iteration updates the buffers in
        // place, and this forward's backward must still see the vectors it used.
        let wv = try w.matmul(weightV.detached().reshaped([cols, 1]))
        let sigma = try weightU.detached().reshaped([1, rows]).matmul(wv)
        return try weightOrig / sigma.reshaped([1, 1, 1, 1])
    }

    /// Convolves `x` `[N, in, H, W]` with the normalised weight.
    public func forward(_ x: Tensor) throws -> Tensor {
        try x.conv2d(weight: normalizedWeight(), bias: bias, stride: stride, padding: padding)
    }

    /// Runs `powerIterations` steps of `v ← normalize(Wᵀu)`, `u ← normalize(Wv)` on the buffers.
    private func powerIterate(rows: Int, cols: Int) {
        let w = weightOrig.data, u = weightU.data, v = weightV.data
        for _ in 0..<powerIterations {
            BLAS.sgemm(transA: true, m: cols, n: 1, k: rows, a: w, lda: cols, b: u, ldb: 1, c: v, ldc: 1)
            SpectralNormConv2d.normalize(v, cols, eps: eps)
            BLAS.sgemm(m: rows, n: 1, k: cols, a: w, lda: cols, b: v, ldb: 1, c: u, ldc: 1)
            SpectralNormConv2d.normalize(u, rows, eps: eps)
        }
    }

    /// Divides `count` floats at `p` by max(‖p‖₂, eps).
    private static func normalize(_ p: UnsafeMutablePointer<Float>, _ count: Int, eps: Float) {
        var sum: Float = 0
        for i in 0..<count { sum += p[i] * p[i] }
        let scale = 1 / max(sum.squareRoot(), eps)
        for i in 0..<count { p[i] *= scale }
    }
}
