import Foundation
import MorphCheckpoint
import MorphModels
import MorphNN
import MorphTensor

/// Inpainting training: the gated-convolution generator (`gated_inpaint`, Yu et al., "Free-Form Image
/// Inpainting with Gated Convolution", ICCV 2019) or the Fourier-convolution one (`ffc_inpaint`, a small LaMa;
/// `--net-g ffc`) against an SN-PatchGAN (`sn_patch`) with the hinge loss. Both take the same input and refine a
/// pull–push fill. Images are `[N, 3, H, W]` in [−1, 1]; masks `[N, 1, H, W]` with 1 = hole.
///
/// One step: output = G(`GatedInpaintGenerator.makeInput(image, mask)`); composite = output·mask + image·(1 − mask).
/// With D frozen, G loss = λ_L1·(mean |output − image| over the hole pixels) + λ_gan·(−mean(D(concat(composite,
/// mask)))); backward and Adam. The reconstruction term counts holes only: outside them the composite is the image
/// whatever G says, and G's output there is its pull–push input plus a correction that nothing needs.
/// Then D loss = mean(relu(1 − D(concat(image, mask)))) + mean(relu(1 + D(concat(compositeᵈ, mask)))),
/// backward and Adam (ᵈ: detached). With λ_gan = 0 the discriminator is neither run nor trained (its losses log 0).
public final class InpaintModel: TrainableModel {
    public let g: MorphModel, d: MorphModel
    public let optimizerG: Adam, optimizerD: Adam
    public let lambdaL1: Float, lambdaGAN: Float
    public private(set) var visuals: [(String, Tensor)] = []
    private let architectures: (g: ArchitectureConfiguration, d: ArchitectureConfiguration)
    private var monitor: [(image: Tensor, mask: Tensor)] = []

    /// Builds fresh networks for `options` (its `inpaint` part), each with its architecture's own initialisation.
    /// - Throws: `TrainError.badOption` for impossible values; `ModelError` for an impossible architecture.
    public init(options: TrainOptions) throws {
        let o = options.inpaint ?? InpaintTrainOptions()
        try o.validate()
        architectures = (o.generatorArchitecture, o.discriminatorArchitecture(numFeat: options.ndf))
        g = try ArchitectureRegistry.build(architectures.g, seed: EpochPlan.mix(options.seed, 0x4E45_5453, 1))
        d = try ArchitectureRegistry.build(architectures.d, seed: EpochPlan.mix(options.seed, 0x4E45_5453, 2))
        g.train()
        d.train()
        optimizerG = Adam(parameters: g.parameters(), lr: options.lr, betas: (options.beta1, 0.999))
        optimizerD = Adam(parameters: d.parameters(), lr: options.lr, betas: (options.beta1, 0.999))
        lambdaL1 = Float(o.lambdaL1)
        lambdaGAN = Float(o.lambdaGAN)
    }

    public var networks: [(name: String, net: MorphModel, architecture: ArchitectureConfiguration)] {
        [("G", g, architectures.g), ("D", d, architectures.d)]
    }
    public var optimizers: [(name: String, optimizer: Adam)] { [("G", optimizerG), ("D", optimizerD)] }
    public var pools: [(name: String, pool: ImagePool)] { [] }
    public var lossNames: [String] { ["G_L1", "G_GAN", "D_real", "D_fake", "hole_l1"] }
    public var headlineLoss: String { "G_L1" }

    /// Takes the fixed monitoring crops and masks of an `InpaintDataset`.
    public func prepare(dataset: PairDataset) throws {
        if let data = dataset as? InpaintDataset { monitor = try data.monitorCrops() }
    }

    public func train(on batch: ImagePair) throws -> [String: Float] { try step(image: batch.b, mask: batch.a) }

    /// One step on `image` and `mask`; returns every loss by name.
    public func step(image: Tensor, mask: Tensor) throws -> [String: Float] {
        let output = try g(try GatedInpaintGenerator.makeInput(image: image, mask: mask))
        let composite = try GatedInpaintGenerator.composite(output: output, image: image, mask: mask)

        // Generator, with the discriminator frozen.
        d.setRequiresGrad(false)
        optimizerG.zeroGrad()
        let holePixels = max(1, mask.values.reduce(0, +))
        let perHole = Float(output.count) / (holePixels * Float(image.shape[1]))
        let lossL1 = try Tensor.l1Loss(output * mask, image * mask) * (lambdaL1 * perHole)
        let trainsD = lambdaGAN > 0
        var lossG = lossL1, ganValue: Float = 0
        if trainsD {
            let lossGAN = -(try d(try Tensor.concat([composite, mask], dim: 1))).mean() * lambdaGAN
            lossG = try lossL1 + lossGAN
            ganValue = lossGAN.item
        }
        try lossG.backward()
        try optimizerG.step()

        // Discriminator, hinge loss.
        var dLosses: (real: Float, fake: Float) = (0, 0)
        if trainsD {
            d.setRequiresGrad(true)
            optimizerD.zeroGrad()
            let lossReal = (-(try d(try Tensor.concat([image, mask], dim: 1))) + 1).relu().mean()
            let lossFake = (try d(try Tensor.concat([composite.detached(), mask], dim: 1)) + 1).relu().mean()
            let lossD = try lossReal + lossFake
            try lossD.backward()
            try optimizerD.step()
            dLosses = (lossReal.item, lossFake.item)
        }

        visuals = try withoutGrad {
            let m = try first(mask)
            let shown = try first(image) * (-m + 1) + m   // holes drawn white
            return [("masked", shown), ("output", try first(output).clamp(-1, 1)), ("composite", try first(composite).clamp(-1, 1)),
                    ("real", try first(image))]
        }
        return ["G_L1": lossL1.item, "G_GAN": ganValue, "D_real": dLosses.real, "D_fake": dLosses.fake]
    }

    /// The mean L1 distance inside the holes (on the [−1, 1] scale) of G's output on the fixed monitoring crops.
    public func evaluate() throws -> [String: Float] {
        guard !monitor.isEmpty else { return [:] }
        // Eval mode: batch norm (the FFC generator's) uses and keeps its running statistics, as inference does.
        g.eval()
        defer { g.train() }
        let values = try monitor.map { try InpaintModel.holeL1(g, image: $0.image, mask: $0.mask) }
        return ["hole_l1": values.reduce(0, +) / Float(values.count)]
    }

    /// Mean |G(input) − image| over the hole pixels of `mask` (all channels).
    public static func holeL1(_ net: MorphModel, image: Tensor, mask: Tensor) throws -> Float {
        let out = try withoutGrad { try net(try GatedInpaintGenerator.makeInput(image: image, mask: mask)) }
        return holeL1(prediction: out, image: image, mask: mask)
    }

    /// Mean |prediction − image| over the hole pixels (mask > ½) of `mask` `[N, 1, H, W]`, all channels;
    /// 0 without holes.
    public static func holeL1(prediction: Tensor, image: Tensor, mask: Tensor) -> Float {
        let c = image.shape[1], n = image.shape[2] * image.shape[3], batch = image.shape[0]
        let o = prediction.data, x = image.data, m = mask.data
        var sum = 0.0, count = 0
        for b in 0..<batch {
            for ch in 0..<c {
                for i in 0..<n where m[b * n + i] > 0.5 {
                    sum += Double(abs(o[(b * c + ch) * n + i] - x[(b * c + ch) * n + i]))
                    count += 1
                }
            }
        }
        return count > 0 ? Float(sum / Double(count)) : 0
    }
}
