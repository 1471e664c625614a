import Foundation
import MorphCheckpoint
import MorphImage
import MorphModels
import MorphNN
import MorphTensor

/// Super-resolution training as BasicSR's `SRModel` (stage 1: L1 pixel loss) and, with `--gan`, its
/// `SRGANModel` (vanilla GAN) or `ESRGANModel` (relativistic average GAN) on the VGG-style discriminator
/// (Ledig et al. 2017; Wang et al., "ESRGAN", ECCVW 2018), or on Real-ESRGAN's U-Net discriminator with spectral
/// norm (`--discriminator unet`, whose per-pixel logits the losses average). Images are in [0, 1]:
/// `lq` `[N, 3, h, w]`, `gt` `[N, 3, h·s, w·s]`.
///
/// One step (`optimize_parameters`): with D frozen, output = G(lq); G loss = w_pix·L1(output, gt)
/// + w_percep·perceptual(output, gt) (with `--vgg`) + w_gan·GAN term; backward and Adam. The RaGAN term is
/// ½·[BCE(C(gt) − E[C(output)], fake) + BCE(C(output) − E[C(gt)], real)] with C(gt) detached. Then D:
/// RaGAN: ½·BCE(C(gt) − E[C(output)ᵈ], real) backward, then ½·BCE(C(outputᵈ) − E[C(gt)ᵈ], fake) backward
/// (ᵈ: detached; five D forwards per step, as BasicSR, so BatchNorm statistics move the same way);
/// vanilla: BCE(D(gt), real) and BCE(D(outputᵈ), fake). Last, the weight average of G is updated.
/// ESRGAN's weights: pixel 1e-2, perceptual 1, GAN 5e-3; without `--gan` the pixel weight is 1.
public final class SRModel: TrainableModel {
    public let g: MorphModel
    /// The discriminator (with `--gan`).
    public let d: MorphModel?
    public let optimizerG: Adam
    public let optimizerD: Adam?
    /// G's weight average (`params_ema`), unless `--ema-decay 0`.
    public let ema: ParameterEMA?
    /// The VGG19 perceptual loss (with `--vgg`).
    public let perceptual: PerceptualLoss?
    public let ganType: SRGANType
    public let pixelWeight: Float, perceptualWeight: Float, ganWeight: Float
    /// The SR factor.
    public let scale: Int
    /// Lines worth telling the user once (e.g. that the perceptual term is off).
    public private(set) var notes: [String] = []
    public private(set) var visuals: [(String, Tensor)] = []
    private let gan = GANLoss(mode: .vanilla)
    private let architectures: (g: ArchitectureConfiguration, d: ArchitectureConfiguration)
    private var monitor: [(lr: Tensor, hr: Tensor)] = []

    /// Builds fresh networks for `options` (its `sr` part), each with its architecture's own initialisation
    /// seeded from the run seed.
    /// - Throws: `TrainError.badOption` for impossible values or a `--vgg` file that is not VGG19 (naming it);
    ///   `ModelError` for an impossible architecture.
    public init(options: TrainOptions) throws {
        let sr = options.sr ?? SRTrainOptions()
        try sr.validate()
        scale = sr.scale
        architectures = (sr.generatorArchitecture, sr.discriminatorArchitecture(numFeat: options.ndf))
        g = try ArchitectureRegistry.build(architectures.g, seed: EpochPlan.mix(options.seed, 0x4E45_5453, 1))
        g.train()
        let betas = (options.beta1, sr.beta2)
        optimizerG = Adam(parameters: g.parameters(), lr: options.lr, betas: betas)
        if sr.gan {
            let net = try ArchitectureRegistry.build(architectures.d, seed: EpochPlan.mix(options.seed, 0x4E45_5453, 2))
            net.train()
            d = net
            optimizerD = Adam(parameters: net.parameters(), lr: options.lr, betas: betas)
        } else {
            d = nil
            optimizerD = nil
        }
        if let path = sr.vgg {
            let url = URL(fileURLWithPath: path)
            do { perceptual = try PerceptualLoss(vgg: try VGG19Features.load(contentsOf: url)) } catch {
                let cause = "\(error)".replacingOccurrences(of: "\(url.path): ", with: "")
                throw TrainError.badOption(option: "vgg", value: url.path, cause)
            }
        } else {
            perceptual = nil
            notes.append("no --vgg given: the perceptual term is off (pass torchvision vgg19 weights to turn it on)")
        }
        ema = sr.emaDecay > 0 ? ParameterEMA(model: g, decay: Float(sr.emaDecay)) : nil
        ganType = sr.ganType
        pixelWeight = Float(sr.pixelWeight ?? (sr.gan ? 1e-2 : 1))
        perceptualWeight = Float(sr.perceptualWeight)
        ganWeight = Float(sr.ganWeight)
    }

    public var networks: [(name: String, net: MorphModel, architecture: ArchitectureConfiguration)] {
        [("G", g, architectures.g)] + (d.map { [("D", $0, architectures.d)] } ?? [])
    }
    public var optimizers: [(name: String, optimizer: Adam)] {
        [("G", optimizerG)] + (optimizerD.map { [("D", $0)] } ?? [])
    }
    public var pools: [(name: String, pool: ImagePool)] { [] }
    public var averages: [(network: String, ema: ParameterEMA)] { ema.map { [("G", $0)] } ?? [] }
    public var lossNames: [String] {
        ["l_pix"] + (perceptual == nil ? [] : ["l_percep"]) + (d == nil ? [] : ["l_g_gan", "l_d_real", "l_d_fake"]) + ["psnr"]
    }
    public var headlineLoss: String { "l_pix" }

    /// Takes the fixed monitoring crops of an `SRDataset`.
    public func prepare(dataset: PairDataset) throws {
        if let sr = dataset as? SRDataset { monitor = try sr.monitorCrops() }
    }

    public func train(on batch: ImagePair) throws -> [String: Float] { try step(lq: batch.a, gt: batch.b) }

    /// One BasicSR step on LR `lq` and HR `gt` (both in [0, 1]); returns every loss by name.
    public func step(lq: Tensor, gt: Tensor) throws -> [String: Float] {
        var losses: [String: Float] = [:]
        // Generator, with the discriminator frozen.
        d?.setRequiresGrad(false)
        optimizerG.zeroGrad()
        let output = try g(lq)
        let pixel = try Tensor.l1Loss(output, gt) * pixelWeight
        losses["l_pix"] = pixel.item
        var lossG = pixel
        if let perceptual {
            let term = try perceptual(output, gt) * perceptualWeight
            losses["l_percep"] = term.item
            lossG = try lossG + term
        }
        if let d {
            let term: Tensor
            switch ganType {
            case .vanilla:
                term = try gan(try d(output), isReal: true) * ganWeight
            case .ragan:
                let realPred = try withoutGrad { try d(gt) }
                let fakePred = try d(output)
                let lossReal = try gan(try realPred - SRModel.mean(fakePred), isReal: false)
                let lossFake = try gan(try fakePred - SRModel.mean(realPred), isReal: true)
                term = try (lossReal + lossFake) * (0.5 * ganWeight)
            }
            losses["l_g_gan"] = term.item
            lossG = try lossG + term
        }
        try lossG.backward()
        try optimizerG.step()

        // Discriminator.
        if let d, let optimizerD {
            d.setRequiresGrad(true)
            optimizerD.zeroGrad()
            let fake = output.detached()
            let lossReal: Tensor, lossFake: Tensor
            switch ganType {
            case .vanilla:
                lossReal = try gan(try d(gt), isReal: true)
                try lossReal.backward()
                lossFake = try gan(try d(fake), isReal: false)
                try lossFake.backward()
            case .ragan:
                let fakePred = try withoutGrad { try d(fake) }
                let realPred = try d(gt)
                lossReal = try gan(try realPred - SRModel.mean(fakePred), isReal: true) * 0.5
                try lossReal.backward()
                let fakePred2 = try d(fake)
                lossFake = try gan(try fakePred2 - SRModel.mean(realPred.detached()), isReal: false) * 0.5
                try lossFake.backward()
            }
            try optimizerD.step()
            losses["l_d_real"] = lossReal.item
            losses["l_d_fake"] = lossFake.item
        }
        ema?.update(from: g)

        // The report shows [-1, 1] images: LR (nearest-upscaled to the HR size), SR and HR.
        visuals = try withoutGrad {
            let lrUp = try first(lq).upsampleNearest(scale: gt.shape[2] / max(1, lq.shape[2]))
            return try [("LR", lrUp), ("SR", first(output).clamp(0, 1)), ("HR", first(gt))].map { ($0.0, $0.1 * 2 - 1) }
        }
        return losses
    }

    /// The mean of all elements, shaped `[1, …, 1]` like `x` so it broadcasts against it (and keeps its gradient).
    static func mean(_ x: Tensor) throws -> Tensor {
        try x.mean().reshaped(Array(repeating: 1, count: x.rank))
    }

    /// The mean PSNR (dB, RGB, 8-bit as BasicSR's validation) of G on the fixed monitoring crops.
    public func evaluate() throws -> [String: Float] {
        guard !monitor.isEmpty else { return [:] }
        let psnrs = try monitor.map { try SRModel.psnr(g, lr: $0.lr, hr: $0.hr) }
        return ["psnr": Float(psnrs.reduce(0, +) / Double(psnrs.count))]
    }

    /// PSNR of `net(lr)` against `hr` (both in [0, 1]) after rounding to 8 bits.
    public static func psnr(_ net: MorphModel, lr: Tensor, hr: Tensor) throws -> Double {
        let wasTraining = net.isTraining
        net.eval()
        defer { if wasTraining { net.train() } }
        let sr = try withoutGrad { try net(lr) }
        return try psnr(sr, hr)
    }

    /// PSNR of two `[1, C, H, W]` tensors in [0, 1] after clamping and rounding to 8 bits.
    public static func psnr(_ a: Tensor, _ b: Tensor) throws -> Double {
        func planes(_ t: Tensor) throws -> MetricPlanes {
            try MetricPlanes(width: t.shape[3], height: t.shape[2], channels: t.shape[1],
                             samples: t.values.map { (Double(min(max($0, 0), 1)) * 255).rounded() })
        }
        return ImageMetrics.psnr(try planes(a), try planes(b))
    }
}

extension SRModel {
    /// Checks, before resuming the run in `run`, that its generator checkpoint was trained at `scale`.
    /// - Throws: `TrainError.runState` naming the checkpoint when its `morph.scale` differs (or it is unreadable).
    public static func checkResumeScale(run: URL, scale: Int) throws {
        let url = RunFolder(run).network("G")
        let metadata: [String: String]
        do { metadata = try SafeTensors.read(contentsOf: url).1 } catch {
            throw TrainError.runState(file: url.path, "cannot read the generator checkpoint: \(error)")
        }
        let saved = metadata[ArchitectureConfiguration.MetadataKey.scale].flatMap { Int($0) } ?? 1
        guard saved == scale else {
            throw TrainError.runState(file: url.path, "was trained at ×\(saved), but --scale asks for ×\(scale); resume without --scale or start a new run")
        }
    }
}
