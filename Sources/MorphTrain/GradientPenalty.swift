import MorphModels
import MorphNN
import MorphTensor

/// WGAN-GP's gradient penalty (Gulrajani et al., "Improved Training of Wasserstein GANs", 2017), as the
/// reference's `networks.cal_gradient_penalty` with type `mixed`:
///
///     x̃ = α·real + (1 − α)·fake          (α ∈ [0, 1) per sample)
///     penalty = λ · mean_n (‖∇x̃ D(x̃)‖₂ + … − c)²   with ∇ taken of sum(D(x̃)) and 1e-16 added to each element
///
/// Morph's tape records first derivatives only, so the penalty has its own path: D runs forward on the tape,
/// then ∇x̃ D is built from recorded ops layer by layer (a conv's input gradient is the transposed conv with
/// the same weight, a leaky ReLU's is a constant mask, a norm's is written out from its recorded statistics).
/// Back-propagating the penalty through that graph gives its exact gradient with respect to D's parameters —
/// what PyTorch gets from `autograd.grad(..., create_graph=True)`.
///
/// Supports the discriminators CycleGAN and pix2pix train: `NLayerDiscriminator` and `PixelDiscriminator`
/// with batch, instance or no normalization, in training mode.
public enum GradientPenalty {
    /// The penalty for `discriminator` at the interpolates of `real` and `fake` (`[N, C, H, W]`, no gradient
    /// flows to them) with one `alpha` per sample.
    /// - Throws: `TrainError.badOption` for an unsupported discriminator or layer; `TensorError` for bad shapes.
    public static func penalty(_ discriminator: Module, real: Tensor, fake: Tensor, alpha: [Float],
                               constant: Float = 1, lambda: Float = 10) throws -> Tensor {
        guard real.shape == fake.shape, real.rank == 4, alpha.count == real.shape[0] else {
            throw TensorError.shapeMismatch(op: "GradientPenalty", real.shape, fake.shape)
        }
        let n = real.shape[0]
        let a = try Tensor(shape: [n, 1, 1, 1], values: alpha)
        let interpolates = try withoutGrad { try a * real.detached() + ((a * -1) + 1) * fake.detached() }
        let layers = try sequentialLayers(discriminator)
        // Forward on the tape, keeping each layer's input.
        var inputs: [Tensor] = []
        var x = interpolates
        for layer in layers {
            inputs.append(x)
            x = try layer(x)
        }
        // ∇x̃ sum(D(x̃)), built from recorded ops so that it is differentiable in D's parameters.
        var g = Tensor.ones(x.shape)
        for (layer, input) in zip(layers, inputs).reversed() {
            g = try inputGradient(layer, input: input, output: g)
        }
        let norms = try ((g + 1e-16).square().sum(dims: [1, 2, 3])).sqrt()
        return (norms - constant).square().mean() * lambda
    }

    /// The layers of a discriminator's Sequential trunk.
    static func sequentialLayers(_ d: Module) throws -> [Module] {
        if let nlayer = d as? NLayerDiscriminator { return nlayer.model.layers }
        if let pixel = d as? PixelDiscriminator { return pixel.net.layers }
        throw TrainError.badOption(option: "gan-mode", value: "wgangp",
                                   "the gradient penalty supports the basic, n_layers and pixel discriminators, not \(type(of: d))")
    }

    /// The gradient of a layer's input given the gradient `output` of its output, as recorded ops.
    static func inputGradient(_ layer: Module, input x: Tensor, output g: Tensor) throws -> Tensor {
        switch layer {
        case let conv as Conv2d:
            let k = conv.weight.shape[2]
            let produced = (g.shape[2] - 1) * conv.stride - 2 * conv.padding + conv.dilation * (k - 1) + 1
            let extra = x.shape[2] - produced, extraW = x.shape[3] - ((g.shape[3] - 1) * conv.stride - 2 * conv.padding + conv.dilation * (k - 1) + 1)
            guard extra == extraW, extra >= 0, extra < max(conv.stride, conv.dilation) || extra == 0 else {
                throw TrainError.badOption(option: "gan-mode", value: "wgangp", "cannot invert conv of input \(x.shape) to \(g.shape)")
            }
            return try g.convTranspose2d(weight: conv.weight, stride: conv.stride, padding: conv.padding,
                                         outputPadding: extra, dilation: conv.dilation)
        case let relu as LeakyReLU:
            let slope = relu.slope
            return try g * x.mapValues { $0 > 0 ? 1 : slope }
        case is ReLU:
            return try g * x.mapValues { $0 > 0 ? 1 : 0 }
        case let norm as InstanceNorm2d:
            guard norm.isTraining || norm.runningMean == nil else { throw unsupported(norm) }
            return try normalizedGradient(x, g, dims: [2, 3], eps: norm.eps, weight: norm.weight)
        case let norm as BatchNorm2d:
            guard norm.isTraining else { throw unsupported(norm) }
            return try normalizedGradient(x, g, dims: [0, 2, 3], eps: norm.eps, weight: norm.weight)
        case is Identity:
            return g
        default:
            throw unsupported(layer)
        }
    }

    /// Input gradient of y = γ·(x − μ)/√(σ² + ε) with batch statistics over `dims`:
    /// γ/√(σ² + ε) · (g − mean(g) − x̂·mean(g·x̂)).
    static func normalizedGradient(_ x: Tensor, _ g: Tensor, dims: [Int], eps: Float, weight: Tensor?) throws -> Tensor {
        let mu = try x.mean(dims: dims, keepDims: true)
        let centered = try x - mu
        let variance = try centered.square().mean(dims: dims, keepDims: true)
        let invStd = try Tensor.ones(variance.shape) / (variance + eps).sqrt()
        let xHat = try centered * invStd
        var gy = g
        if let weight { gy = try gy * weight.reshaped([1, weight.count, 1, 1]) }
        let meanG = try gy.mean(dims: dims, keepDims: true)
        let meanGX = try (gy * xHat).mean(dims: dims, keepDims: true)
        return try invStd * (gy - meanG - xHat * meanGX)
    }

    static func unsupported(_ layer: Module) -> TrainError {
        .badOption(option: "gan-mode", value: "wgangp", "the gradient penalty cannot go through \(type(of: layer)) in this mode")
    }
}
