import MorphNN
import MorphTensor

/// RRDBNet, the ESRGAN / Real-ESRGAN generator (Residual-in-Residual Dense Blocks).
///
/// Wang et al., "ESRGAN: Enhanced Super-Resolution Generative Adversarial Networks" (ECCVW 2018), Fig. 4;
/// the ×2 and ×1 variants of Real-ESRGAN (Wang et al., ICCVW 2021) pixel-unshuffle the input by 2 or 4 first.
/// Keys as in BasicSR `archs/rrdbnet_arch.py`:
///
///     [pixel_unshuffle by 4/scale]          (scale 2 or 1)
///     conv_first 3×3 → F
///     body.N.rdb{1,2,3}.conv{1…5}           N < numBlock; RRDB(x) = x + 0.2·rdb3(rdb2(rdb1(x)))
///     conv_body 3×3; feat = feat + conv_body(body(feat))
///     conv_up1, conv_up2: nearest ×2 each, 3×3, LReLU(0.2)
///     conv_hr 3×3, LReLU(0.2), conv_last 3×3 → out
///
/// Input `[N, numInCh, H, W]` (H, W multiples of 4/scale); output `[N, numOutCh, scale·H, scale·W]`.
public final class RRDBNet: MorphModel {
    /// First convolution (input channels × 16/scale² after unshuffling).
    public let convFirst: Conv2d
    /// The RRDB trunk, key prefix `body.`.
    public let body: Sequential
    /// Convolution closing the trunk's long skip.
    public let convBody: Conv2d
    /// Convolution after the first nearest ×2 upsampling.
    public let convUp1: Conv2d
    /// Convolution after the second nearest ×2 upsampling.
    public let convUp2: Conv2d
    /// High-resolution convolution.
    public let convHR: Conv2d
    /// Output convolution.
    public let convLast: Conv2d
    /// Overall upscale: 4, 2 or 1.
    public let scale: Int
    /// Train or eval mode (the network behaves the same in both).
    public var isTraining = true
    /// Channels, scale, receptive field; no normalization.
    public let traits: ModelTraits

    public var namedChildren: [(String, Module)] {
        [("conv_first", convFirst), ("body", body), ("conv_body", convBody), ("conv_up1", convUp1),
         ("conv_up2", convUp2), ("conv_hr", convHR), ("conv_last", convLast)]
    }

    /// Builds an RRDBNet for `scale` 4, 2 or 1.
    /// - Throws: `ModelError.invalidConfiguration` for other scales or bad counts.
    public init(numInCh: Int = 3, numOutCh: Int = 3, scale: Int = 4, numFeat: Int = 64, numBlock: Int = 23,
                numGrowCh: Int = 32, rng: inout SeededRNG) throws {
        guard [1, 2, 4].contains(scale) else {
            throw ModelError.invalidConfiguration(architecture: "rrdbnet", "scale must be 4, 2 or 1, got \(scale)")
        }
        guard numInCh > 0, numOutCh > 0, numFeat > 0, numGrowCh > 0, numBlock >= 0 else {
            throw ModelError.invalidConfiguration(architecture: "rrdbnet",
                "needs positive channels and num_block ≥ 0, got in \(numInCh) out \(numOutCh) feat \(numFeat) grow \(numGrowCh) blocks \(numBlock)")
        }
        self.scale = scale
        let unshuffle = 4 / scale
        var rf = ReceptiveField()
        rf.pixelUnshuffle(unshuffle)
        convFirst = Conv2d(numInCh * unshuffle * unshuffle, numFeat, kernelSize: 3, padding: 1, rng: &rng)
        rf.conv(3)
        var blocks: [Module] = []
        for _ in 0..<numBlock {
            blocks.append(RRDB(numFeat, growth: numGrowCh, rng: &rng))
            for _ in 0..<15 { rf.conv(3) }   // 3 dense blocks × 5 chained convs
        }
        body = Sequential(blocks)
        convBody = Conv2d(numFeat, numFeat, kernelSize: 3, padding: 1, rng: &rng)
        convUp1 = Conv2d(numFeat, numFeat, kernelSize: 3, padding: 1, rng: &rng)
        convUp2 = Conv2d(numFeat, numFeat, kernelSize: 3, padding: 1, rng: &rng)
        convHR = Conv2d(numFeat, numFeat, kernelSize: 3, padding: 1, rng: &rng)
        convLast = Conv2d(numFeat, numOutCh, kernelSize: 3, padding: 1, rng: &rng)
        rf.conv(3)
        rf.upsample(2, bilinear: false); rf.conv(3)
        rf.upsample(2, bilinear: false); rf.conv(3)
        rf.conv(3); rf.conv(3)
        traits = ModelTraits(role: .generator, inputChannels: numInCh, outputChannels: numOutCh, scale: scale,
                             sizeMultiple: unshuffle, receptiveFieldRadius: rf.pixels, hasNormalization: false)
    }

    /// Upscales a batch `[N, numInCh, H, W]` to `[N, numOutCh, scale·H, scale·W]`.
    public func forward(_ x: Tensor) throws -> Tensor {
        try checkInput(x, channels: traits.inputChannels, model: "RRDBNet")
        let unshuffle = 4 / scale
        guard x.shape[2] % unshuffle == 0, x.shape[3] % unshuffle == 0 else {
            throw ModelError.badInput(model: "RRDBNet",
                                      "×\(scale) needs height and width divisible by \(unshuffle), got \(x.shape)")
        }
        var feat = unshuffle > 1 ? try x.pixelUnshuffle(unshuffle) : x
        feat = try convFirst(feat)
        feat = try feat + convBody(body(feat))
        feat = try convUp1(feat.upsampleNearest(scale: 2)).leakyReLU(0.2)
        feat = try convUp2(feat.upsampleNearest(scale: 2)).leakyReLU(0.2)
        return try convLast(convHR(feat).leakyReLU(0.2))
    }
}

/// Residual in Residual Dense Block: `x + 0.2 · rdb3(rdb2(rdb1(x)))`, keys `rdb1`, `rdb2`, `rdb3`.
public final class RRDB: Module {
    /// The three dense blocks.
    public let rdb1: ResidualDenseBlock, rdb2: ResidualDenseBlock, rdb3: ResidualDenseBlock
    /// Train or eval mode.
    public var isTraining = true

    public var namedChildren: [(String, Module)] { [("rdb1", rdb1), ("rdb2", rdb2), ("rdb3", rdb3)] }

    /// Builds a block over `numFeat` channels with growth `growth`.
    public init(_ numFeat: Int, growth: Int, rng: inout SeededRNG) {
        rdb1 = ResidualDenseBlock(numFeat, growth: growth, rng: &rng)
        rdb2 = ResidualDenseBlock(numFeat, growth: growth, rng: &rng)
        rdb3 = ResidualDenseBlock(numFeat, growth: growth, rng: &rng)
    }

    /// `x + 0.2 · rdb3(rdb2(rdb1(x)))`.
    public func forward(_ x: Tensor) throws -> Tensor {
        try rdb3(rdb2(rdb1(x))) * 0.2 + x
    }
}

/// Residual Dense Block: five 3×3 convs, each seeing the concat of the input and all earlier outputs,
/// `x + 0.2 · conv5(…)`, LeakyReLU(0.2) after conv1…conv4. Keys `conv1` … `conv5`.
public final class ResidualDenseBlock: Module {
    /// conv1 … conv5; convK takes F + (K−1)·G channels, conv1…4 give G, conv5 gives F.
    public let convs: [Conv2d]
    /// Train or eval mode.
    public var isTraining = true

    public var namedChildren: [(String, Module)] { convs.enumerated().map { ("conv\($0.offset + 1)", $0.element) } }

    /// Builds a block over `numFeat` channels with growth `growth`.
    public init(_ numFeat: Int, growth: Int, rng: inout SeededRNG) {
        var convs: [Conv2d] = []
        for k in 0..<4 {
            convs.append(Conv2d(numFeat + k * growth, growth, kernelSize: 3, padding: 1, rng: &rng))
        }
        convs.append(Conv2d(numFeat + 4 * growth, numFeat, kernelSize: 3, padding: 1, rng: &rng))
        self.convs = convs
    }

    /// `x + 0.2 · conv5(concat(x, x1, x2, x3, x4))` with `xk = LReLU(convk(concat(x, …, xk−1)))`.
    ///
    /// Inference on one image (nothing to record) writes each `xk` straight into its channel slice of one buffer,
    /// with the LeakyReLU fused into the conv, so no concat copy remains.
    public func forward(_ x: Tensor) throws -> Tensor {
        let recording = GradMode.isEnabled && (x.requiresGrad || convs.contains { $0.weight.requiresGrad })
        if !recording && x.rank == 4 && x.shape[0] == 1 { return try denseInference(x) }
        var features = [x]
        for conv in convs.dropLast() {
            features.append(try conv(Tensor.concat(features, dim: 1)).leakyReLU(0.2))
        }
        return try convs[4](Tensor.concat(features, dim: 1)) * 0.2 + x
    }

    private func denseInference(_ x: Tensor) throws -> Tensor {
        let feat = x.shape[1], growth = convs[0].weight.shape[0]
        let buffer = Tensor(zeros: [1, feat + 4 * growth, x.shape[2], x.shape[3]], zeroed: false)
        try buffer.channelView(0..<feat).data.update(from: x.data, count: x.count)
        // Each conv transforms only its newest channels for Winograd; the earlier ones are cached.
        let cache = try WinogradInputCache(buffer: buffer)
        for (k, conv) in convs.dropLast().enumerated() {
            let input = try buffer.channelView(0..<(feat + k * growth))
            let output = try buffer.channelView((feat + k * growth)..<(feat + (k + 1) * growth))
            try input.conv2d(weight: conv.weight, bias: conv.bias, stride: conv.stride, padding: conv.padding,
                             dilation: conv.dilation, activation: .leakyReLU(0.2), into: output, cache: cache)
        }
        let last = convs[4]
        let y = Tensor(zeros: x.shape, zeroed: false)
        try buffer.conv2d(weight: last.weight, bias: last.bias, stride: last.stride, padding: last.padding,
                          dilation: last.dilation, activation: nil, into: y, cache: cache)
        return try y * 0.2 + x
    }
}
