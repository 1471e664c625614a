import MorphTensor

/// The adversarial objective (`--gan_mode` of pytorch-CycleGAN-and-pix2pix).
public enum GANMode: String, CaseIterable, Codable, Sendable {
    /// Least-squares GAN: MSE of the prediction to 1 (real) or 0 (fake).
    case lsgan
    /// The original GAN: binary cross-entropy on logits against 1 or 0.
    case vanilla
    /// Wasserstein GAN: −mean(prediction) for real, +mean for fake; the discriminator loss also gets
    /// the gradient penalty (`GradientPenalty`, λ 10).
    case wgangp
}

/// The reference's `networks.GANLoss`: compares a discriminator's raw output (any shape) with the
/// label of real (1.0) or fake (0.0) images, broadcast to the output's shape, and averages
/// (for wgangp: the negated or plain mean of the output).
public struct GANLoss: Sendable {
    /// Which objective.
    public let mode: GANMode
    /// The labels of real and fake images.
    public let realLabel: Float, fakeLabel: Float

    /// A loss for `mode` with the reference's labels 1.0 and 0.0.
    public init(mode: GANMode, realLabel: Float = 1, fakeLabel: Float = 0) {
        self.mode = mode
        self.realLabel = realLabel
        self.fakeLabel = fakeLabel
    }

    /// The scalar loss of `prediction` against the real or fake label.
    /// - Throws: `TensorError` from the loss kernels.
    public func callAsFunction(_ prediction: Tensor, isReal: Bool) throws -> Tensor {
        switch mode {
        case .lsgan: return try Tensor.mseLoss(prediction, Tensor.full(prediction.shape, isReal ? realLabel : fakeLabel))
        case .vanilla: return try Tensor.bceWithLogitsLoss(prediction, Tensor.full(prediction.shape, isReal ? realLabel : fakeLabel))
        case .wgangp: return isReal ? -prediction.mean() : prediction.mean()
        }
    }
}
