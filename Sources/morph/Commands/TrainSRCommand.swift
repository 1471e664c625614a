import ArgumentParser
import Foundation
import MorphTrain

extension SRArch: ExpressibleByArgument {}
extension SRGANType: ExpressibleByArgument {}
extension SRDegradationKind: ExpressibleByArgument {}
extension SRDiscriminatorKind: ExpressibleByArgument {}
extension MaskKind: ExpressibleByArgument {}

/// The options every `morph train sr|inpaint` run shares: data, run folder, optimisation and run control.
struct CropTrainArguments: ParsableArguments {
    @Option(help: "Folder of training images (searched recursively; images smaller than the crop are skipped).")
    var data: String?
    @Option(help: "Run folder: config.json, log.csv, report.html, checkpoints/.")
    var out: String
    @Flag(help: "Continue the run in --out from its latest checkpoint, with its saved options (only --max-steps and --data may change).")
    var resume = false
    @Option(help: "Images per batch (default: 4 for sr, 1 for inpaint).")
    var batchSize: Int?
    @Option(help: "Initial Adam learning rate (default: 2e-4 for sr, 1e-4 for inpaint).")
    var lr: Double?
    @Option(help: "Discriminator width (num_feat of vgg_discriminator, unet_discriminator_sn or sn_patch).")
    var ndf = 64
    @Option(help: "Training crops per epoch (images are visited in turn).")
    var cropsPerEpoch = 1000
    @Option(help: "Batches decoded ahead on the loader thread.")
    var prefetch = 4
    @Option(help: "Seed of every random choice (weights, crops, degradations, masks).")
    var seed: UInt64 = 0
    @Option(help: "Regenerate report.html (and measure the monitoring crops) every N steps.")
    var displayFreq = 100
    @Option(help: "Keep the networks of every N-th epoch.")
    var saveEpochFreq = 50
    @Option(help: "Stop after this many steps in total (checkpointing first).")
    var maxSteps: Int?

    func check() throws {
        if !resume && data == nil { throw ValidationError("a new run needs --data (or --resume to continue --out)") }
        for (name, value) in [("ndf", ndf), ("crops-per-epoch", cropsPerEpoch), ("prefetch", prefetch),
                              ("display-freq", displayFreq), ("save-epoch-freq", saveEpochFreq), ("batch-size", batchSize ?? 1)]
            where value <= 0 {
            throw ValidationError("--\(name) must be positive, got \(value)")
        }
        if let m = maxSteps, m <= 0 { throw ValidationError("--max-steps must be positive, got \(m)") }
        if let lr, !(lr > 0) { throw ValidationError("--lr must be positive, got \(lr)") }
    }

    /// Fills the shared options into `o`.
    func apply(to o: inout TrainOptions) {
        if let batchSize { o.batchSize = batchSize }
        if let lr { o.lr = lr }
        o.ndf = ndf; o.prefetch = prefetch; o.seed = seed; o.displayFreq = displayFreq
        o.saveEpochFreq = saveEpochFreq; o.maxSteps = maxSteps
    }
}

/// `morph train sr`.
struct SRTrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sr",
        abstract: "Train a super-resolution model on HR images (LR crops are made on the fly).",
        discussion: "Stage 1 (default) is L1 pretraining; --gan adds the VGG-style discriminator (vanilla GAN as SRGAN, "
            + "or RaGAN as ESRGAN) with ESRGAN's weights: pixel 1e-2, perceptual 1 (with --vgg), GAN 5e-3, or "
            + "with --discriminator unet Real-ESRGAN's U-Net discriminator. "
            + "The EMA of G is saved as params_ema in checkpoints/latest_net_G.safetensors, which morph upscale loads.")

    @OptionGroup var common: CropTrainArguments
    @Option(help: "Generator architecture.")
    var arch: SRArch = .srvgg
    @Option(help: "Upscale factor (on --resume: must match the run's).")
    var scale: Int?
    @Option(help: "HR crop size (LR crops are gt-size / scale).")
    var gtSize = 128
    @Option(help: "How LR crops are made.")
    var degradation: SRDegradationKind = .bicubic
    @Flag(help: "Stage 2: add a discriminator and the adversarial term.")
    var gan = false
    @Option(help: "Adversarial objective with --gan.")
    var ganType: SRGANType = .ragan
    @Option(help: ArgumentHelp("Discriminator with --gan: vgg (SRGAN/ESRGAN, gt-size 128 or 256) or unet (Real-ESRGAN's "
                               + "U-Net with spectral norm; Real-ESRGAN trains it with --gan-type vanilla --pixel-weight 1 "
                               + "--gan-weight 0.1).", valueName: "kind"))
    var discriminator: SRDiscriminatorKind = .vgg
    @Option(help: "torchvision vgg19 weights (.pth or .safetensors) for the perceptual loss; without it the term is off.")
    var vgg: String?
    @Option(help: "Decay of G's weight average (params_ema); 0 turns it off.")
    var emaDecay = 0.999
    @Option(help: "Pixel (L1) weight (default: 1, or 1e-2 with --gan).")
    var pixelWeight: Double?
    @Option(help: "Perceptual weight.")
    var perceptualWeight = 1.0
    @Option(help: "Adversarial weight.")
    var ganWeight = 5e-3
    @Option(help: "Generator features (num_feat).")
    var numFeat: Int?
    @Option(help: "Generator blocks (srresnet, rrdbnet num_block).")
    var numBlock: Int?
    @Option(help: "Generator convolutions (srvgg num_conv).")
    var numConv: Int?

    func validate() throws {
        try common.check()
        if let scale, !(1...8).contains(scale) { throw ValidationError("--scale must be 1 to 8, got \(scale)") }
        for (name, value) in [("gt-size", gtSize), ("num-feat", numFeat ?? 1), ("num-conv", numConv ?? 1)] where value <= 0 {
            throw ValidationError("--\(name) must be positive, got \(value)")
        }
    }

    func run() throws {
        var o = TrainOptions(model: .sr)
        common.apply(to: &o)
        var sr = SRTrainOptions()
        sr.arch = arch; sr.scale = scale ?? 4; sr.gtSize = gtSize; sr.degradation = degradation
        sr.gan = gan; sr.ganType = ganType; sr.discriminator = discriminator; sr.vgg = vgg; sr.emaDecay = emaDecay
        sr.pixelWeight = pixelWeight; sr.perceptualWeight = perceptualWeight; sr.ganWeight = ganWeight
        sr.numFeat = numFeat; sr.numBlock = numBlock; sr.numConv = numConv; sr.cropsPerEpoch = common.cropsPerEpoch
        o.sr = sr
        let run = URL(fileURLWithPath: common.out)
        try TrainRunner.run(o, data: common.data, out: common.out, resume: common.resume) {
            if common.resume, let scale { try SRModel.checkResumeScale(run: run, scale: scale) }
        }
    }
}

/// `morph train inpaint`.
struct InpaintTrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inpaint",
        abstract: "Train the gated-convolution inpainting generator against an SN-PatchGAN on random holes.",
        discussion: "G refines a pull–push fill of each hole. G loss: λL1·(mean L1 inside the holes) "
            + "+ λgan·(−mean D(composite, mask)); D loss: hinge, mean(relu(1 − D(real))) + mean(relu(1 + D(fake))). "
            + "With --lambda-gan 0 the discriminator is not run (an L1-only model, about twice as fast).")

    @OptionGroup var common: CropTrainArguments
    @Option(help: "Crop size (a multiple of 4).")
    var cropSize = 256
    @Option(help: "Hole shapes.")
    var maskKind: MaskKind = .mixed
    @Option(help: "Generator width (gated_inpaint cnum).")
    var cnum = 32
    @Option(name: .customLong("lambda-l1"), help: "Weight of the L1 reconstruction loss inside the holes.")
    var lambdaL1 = 1.0
    @Option(help: "Weight of the adversarial (hinge) term (0: no discriminator).")
    var lambdaGan = 0.1
    @Option(help: "Stride-2 layers of the SN-PatchGAN discriminator.")
    var dLayers = 6

    func validate() throws {
        try common.check()
        for (name, value) in [("crop-size", cropSize), ("cnum", cnum), ("d-layers", dLayers)] where value <= 0 {
            throw ValidationError("--\(name) must be positive, got \(value)")
        }
    }

    func run() throws {
        var o = TrainOptions(model: .inpaint)
        common.apply(to: &o)
        o.cropSize = cropSize
        o.lambdaL1 = lambdaL1
        var inpaint = InpaintTrainOptions()
        inpaint.cnum = cnum; inpaint.maskKind = maskKind; inpaint.lambdaGAN = lambdaGan
        inpaint.discriminatorLayers = dLayers; inpaint.cropsPerEpoch = common.cropsPerEpoch
        o.inpaint = inpaint
        try TrainRunner.run(o, data: common.data, out: common.out, resume: common.resume)
    }
}
