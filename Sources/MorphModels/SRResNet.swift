import MorphNN
import MorphTensor

/// SRResNet, the SRGAN generator, in BasicSR's MSRResNet form (residual blocks without BatchNorm).
///
/// Ledig et al., "Photo-Realistic Single Image Super-Resolution Using a Generative Adversarial Network"
/// (CVPR 2017); the BN-free "modified SRResNet" follows Wang et al., ESRGAN (ECCVW 2018). Keys as in
/// BasicSR `archs/srresnet_arch.py`:
///
///     conv_first 3×3 in→F, LReLU(0.1)
///     body.N.conv1 / body.N.conv2     N < numBlock: x + conv2(ReLU(conv1(x)))
///     ×4:    upconv1 F→4F, PixelShuffle(2), LReLU, upconv2 F→4F, PixelShuffle(2), LReLU
///     ×2/×3: upconv1 F→s²F, PixelShuffle(s), LReLU
///     conv_hr F→F, LReLU, conv_last F→out, plus the bilinearly upsampled input
///
/// Input `[N, numInCh, H, W]`; output `[N, numOutCh, s·H, s·W]`. The residual add broadcasts like PyTorch's,
/// so numOutCh must equal numInCh unless numInCh is 1.
public final class SRResNet: MorphModel {
    /// First 3×3 convolution.
    public let convFirst: Conv2d
    /// The residual blocks, key prefix `body.`.
    public let body: Sequential
    /// First upsampling convolution (to s²·F channels for ×2/×3, 4·F for ×4).
    public let upconv1: Conv2d
    /// Second upsampling convolution (×4 only).
    public let upconv2: Conv2d?
    /// The sub-pixel shuffle (2 for ×4, else the scale).
    public let pixelShuffle: PixelShuffle
    /// High-resolution 3×3 convolution.
    public let convHR: Conv2d
    /// Output convolution.
    public let convLast: Conv2d
    /// Upscale factor: 2, 3 or 4.
    public let upscale: Int
    /// Train or eval mode (the network behaves the same in both).
    public var isTraining = true
    /// Channels, scale, receptive field; no normalization.
    public let traits: ModelTraits

    public var namedChildren: [(String, Module)] {
        var c: [(String, Module)] = [("conv_first", convFirst), ("body", body), ("upconv1", upconv1)]
        if let upconv2 { c.append(("upconv2", upconv2)) }
        c += [("pixel_shuffle", pixelShuffle), ("conv_hr", convHR), ("conv_last", convLast)]
        return c
    }

    /// Builds an SRResNet for `upscale` 2, 3 or 4.
    /// - Throws: `ModelError.invalidConfiguration` for other scales, channel mismatch or bad counts.
    public init(numInCh: Int = 3, numOutCh: Int = 3, numFeat: Int = 64, numBlock: Int = 16, upscale: Int = 4,
                rng: inout SeededRNG) throws {
        guard [2, 3, 4].contains(upscale) else {
            throw ModelError.invalidConfiguration(architecture: "srresnet", "upscale must be 2, 3 or 4, got \(upscale)")
        }
        guard numInCh > 0, numOutCh == numInCh || numInCh == 1, numFeat > 0, numBlock >= 0 else {
            throw ModelError.invalidConfiguration(architecture: "srresnet",
                "needs num_out_ch == num_in_ch (or num_in_ch 1) for the residual add, num_feat > 0, num_block ≥ 0; got \(numInCh), \(numOutCh), \(numFeat), \(numBlock)")
        }
        self.upscale = upscale
        var rf = ReceptiveField()
        convFirst = Conv2d(numInCh, numFeat, kernelSize: 3, padding: 1, rng: &rng)
        rf.conv(3)
        var blocks: [Module] = []
        for _ in 0..<numBlock {
            blocks.append(ResidualBlockNoBN(numFeat, rng: &rng))
            rf.conv(3)
            rf.conv(3)
        }
        body = Sequential(blocks)
        if upscale == 4 {
            upconv1 = Conv2d(numFeat, numFeat * 4, kernelSize: 3, padding: 1, rng: &rng)
            upconv2 = Conv2d(numFeat, numFeat * 4, kernelSize: 3, padding: 1, rng: &rng)
            pixelShuffle = PixelShuffle(2)
            rf.conv(3); rf.pixelShuffle(2); rf.conv(3); rf.pixelShuffle(2)
        } else {
            upconv1 = Conv2d(numFeat, numFeat * upscale * upscale, kernelSize: 3, padding: 1, rng: &rng)
            upconv2 = nil
            pixelShuffle = PixelShuffle(upscale)
            rf.conv(3); rf.pixelShuffle(upscale)
        }
        convHR = Conv2d(numFeat, numFeat, kernelSize: 3, padding: 1, rng: &rng)
        convLast = Conv2d(numFeat, numOutCh, kernelSize: 3, padding: 1, rng: &rng)
        rf.conv(3)
        rf.conv(3)
        traits = ModelTraits(role: .generator, inputChannels: numInCh, outputChannels: numOutCh, scale: upscale,
                             receptiveFieldRadius: rf.pixels, hasNormalization: false)
    }

    /// Upscales a batch `[N, C, H, W]` to `[N, C, s·H, s·W]`.
    public func forward(_ x: Tensor) throws -> Tensor {
        try checkInput(x, channels: traits.inputChannels, model: "SRResNet")
        var out = try body(convFirst(x).leakyReLU(0.1))
        out = try pixelShuffle(upconv1(out)).leakyReLU(0.1)
        if let upconv2 {
            out = try pixelShuffle(upconv2(out)).leakyReLU(0.1)
        }
        out = try convLast(convHR(out).leakyReLU(0.1))
        return try out + x.upsampleBilinear(scale: upscale)
    }
}

/// BasicSR's `ResidualBlockNoBN`: `x + conv2(ReLU(conv1(x)))`, keys `conv1`, `conv2`.
public final class ResidualBlockNoBN: Module {
    /// First 3×3 convolution.
    public let conv1: Conv2d
    /// Second 3×3 convolution.
    public let conv2: Conv2d
    /// Train or eval mode.
    public var isTraining = true

    public var namedChildren: [(String, Module)] { [("conv1", conv1), ("conv2", conv2)] }

    /// Builds a block over `numFeat` channels.
    public init(_ numFeat: Int, rng: inout SeededRNG) {
        conv1 = Conv2d(numFeat, numFeat, kernelSize: 3, padding: 1, rng: &rng)
        conv2 = Conv2d(numFeat, numFeat, kernelSize: 3, padding: 1, rng: &rng)
    }

    /// `x + conv2(ReLU(conv1(x)))`.
    public func forward(_ x: Tensor) throws -> Tensor {
        try x + conv2(conv1(x).relu())
    }
}
