import ArgumentParser
import Foundation
import MorphTrain

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
