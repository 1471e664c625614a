import MorphImage
import MorphTensor

/// How low-resolution training inputs are made from high-resolution crops.
public enum SRDegradationKind: String, CaseIterable, Sendable {
    /// Antialiased bicubic downscaling by the scale factor (the classic SR benchmark setting).
    case bicubic
    /// Real-ESRGAN's second-order pipeline: (blur, resize, noise, JPEG) twice, then a final resize to size.
    case realesrgan
}

/// Makes the LR input for an HR crop `[1, 3, H, W]` in [0, 1]; H and W must be multiples of `scale`.
///
/// The realesrgan pipeline follows Wang et al., "Real-ESRGAN" (ICCVW 2021), §3 and its training options, with
/// isotropic Gaussian blur kernels and Gaussian (colour or gray) noise, all done with libvips and Morph's tensors:
/// first order: blur σ ∈ [0.2, 3]; resize up (20%) to [1, 1.5]×, down (70%) to [0.15, 1]×, or keep, with a random
/// kernel; noise σ ∈ [1, 30]/255 (gray in 40%) with probability 0.5; JPEG quality ∈ [30, 95]. Second order: blur
/// σ ∈ [0.2, 1.5] with probability 0.8; resize in [0.3, 1.2]× (up 30%, down 40%, keep 30%) relative to the HR
/// size / scale; noise σ ∈ [1, 25]/255 with probability 0.5; then, in random order, the final resize to exactly
/// H/scale × W/scale and JPEG ∈ [30, 95].
public struct SRDegradation {
    /// The pipeline.
    public let kind: SRDegradationKind
    /// The SR factor.
    public let scale: Int

    /// A degradation for factor `scale`.
    public init(kind: SRDegradationKind, scale: Int) {
        self.kind = kind
        self.scale = scale
    }

    /// The LR image for `hr`, drawing every random choice from `rng`.
    /// - Throws: `ImageError.invalidArgument` for a size that is not a multiple of the scale.
    public func degrade(_ hr: Tensor, rng: inout SeededRNG) throws -> Tensor {
        guard hr.rank == 4, hr.shape[0] == 1, hr.shape[2] % scale == 0, hr.shape[3] % scale == 0,
              hr.shape[2] >= scale, hr.shape[3] >= scale else {
            throw ImageError.invalidArgument("SR degradation needs a [1, C, H, W] crop with H, W multiples of \(scale), got \(hr.shape)")
        }
        let h = hr.shape[2] / scale, w = hr.shape[3] / scale
        switch kind {
        case .bicubic:
            return try TensorImageOps.resize(hr, width: w, height: h, kernel: .cubic).clamp(0, 1)
        case .realesrgan:
            var x = hr
            // First order.
            x = try TensorImageOps.gaussianBlur(x, sigma: uniform(0.2, 3, &rng))
            x = try randomResize(x, base: (hr.shape[2], hr.shape[3]), probabilities: (0.2, 0.7), up: 1.5, down: 0.15, &rng)
            if uniform(0, 1, &rng) < 0.5 { x = noisy(x, sigma: uniform(1, 30, &rng) / 255, gray: uniform(0, 1, &rng) < 0.4, &rng) }
            x = try TensorImageOps.jpegRoundTrip(x.clamp(0, 1), quality: Int(uniform(30, 95, &rng).rounded()))
            // Second order.
            if uniform(0, 1, &rng) < 0.8 { x = try TensorImageOps.gaussianBlur(x, sigma: uniform(0.2, 1.5, &rng)) }
            x = try randomResize(x, base: (h, w), probabilities: (0.3, 0.4), up: 1.2, down: 0.3, &rng)
            if uniform(0, 1, &rng) < 0.5 { x = noisy(x, sigma: uniform(1, 25, &rng) / 255, gray: uniform(0, 1, &rng) < 0.4, &rng) }
            let quality = Int(uniform(30, 95, &rng).rounded())
            let kernel = randomKernel(&rng)
            if uniform(0, 1, &rng) < 0.5 {
                x = try TensorImageOps.resize(x.clamp(0, 1), width: w, height: h, kernel: kernel)
                x = try TensorImageOps.jpegRoundTrip(x.clamp(0, 1), quality: quality)
            } else {
                x = try TensorImageOps.jpegRoundTrip(x.clamp(0, 1), quality: quality)
                x = try TensorImageOps.resize(x, width: w, height: h, kernel: kernel)
            }
            return x.clamp(0, 1)
        }
    }

    private func uniform(_ lo: Double, _ hi: Double, _ rng: inout SeededRNG) -> Double {
        lo + (hi - lo) * Double(rng.next() >> 11) / Double(1 << 53)
    }

    private func randomKernel(_ rng: inout SeededRNG) -> ResampleKernel {
        [ResampleKernel.linear, .cubic, .lanczos3][rng.nextInt(below: 3)]
    }

    /// Resizes relative to `base` (rows, columns): up to `up`× with probability p.up, down to `down`× with p.down, else 1×.
    private func randomResize(_ x: Tensor, base: (Int, Int), probabilities p: (up: Double, down: Double), up: Double,
                              down: Double, _ rng: inout SeededRNG) throws -> Tensor {
        let u = uniform(0, 1, &rng)
        let factor = u < p.up ? uniform(1, up, &rng) : (u < p.up + p.down ? uniform(down, 1, &rng) : 1)
        let height = max(1, Int((Double(base.0) * factor).rounded())), width = max(1, Int((Double(base.1) * factor).rounded()))
        if height == x.shape[2], width == x.shape[3] { return x }
        return try TensorImageOps.resize(x, width: width, height: height, kernel: randomKernel(&rng))
    }

    /// Adds Gaussian noise of `sigma`, the same in every channel when `gray`.
    private func noisy(_ x: Tensor, sigma: Double, gray: Bool, _ rng: inout SeededRNG) -> Tensor {
        let out = x.detached()
        let c = x.shape[1], n = x.shape[2] * x.shape[3]
        let s = Float(sigma)
        if gray {
            for i in 0..<n {
                let e = rng.nextNormal() * s
                for ch in 0..<c { out.data[ch * n + i] += e }
            }
        } else {
            for i in 0..<(c * n) { out.data[i] += rng.nextNormal() * s }
        }
        return out
    }
}
