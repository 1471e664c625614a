import ArgumentParser
import Foundation
import MorphOptions
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

    @OptionGroup var options: SRTrainArguments

    func run() throws {
        let common = options.common
        try TrainRunner.run(options.trainOptions, data: common.data, out: common.out, resume: common.resume) {
            if common.resume, let scale = options.scale {
                try SRModel.checkResumeScale(run: URL(fileURLWithPath: common.out), scale: scale)
            }
        }
    }
}
