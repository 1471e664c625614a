import MorphNN
import MorphTensor

/// The two halves of an FFC feature map: local channels (ordinary convolutions) and global
/// channels (spectral transform). A missing half is LaMa's `torch.tensor(0)`: it adds nothing.
public struct FFCFeatures {
    /// `[N, C_local, H, W]`, or nil.
    public var local: Tensor?
    /// `[N, C_global, H, W]`, or nil.
    public var global: Tensor?

    /// Both halves.
    public init(local: Tensor?, global: Tensor?) {
        self.local = local
        self.global = global
    }

    /// Splits `x` on channels: the first `localChannels` are local, the rest global (LaMa's `inline` form).
    public init(splitting x: Tensor, localChannels: Int) throws {
        let c = x.shape[1]
        local = localChannels == 0 ? nil : try x.slice(dim: 1, 0..<localChannels)
        global = localChannels == c ? nil : try x.slice(dim: 1, localChannels..<c)
    }

    /// Local and global channels concatenated (LaMa's `ConcatTupleLayer`).
    public func concatenated() throws -> Tensor {
        switch (local, global) {
        case let (l?, g?): return try Tensor.concat([l, g], dim: 1)
        case let (l?, nil): return l
        case let (nil, g?): return g
        case (nil, nil): throw ModelError.badInput(model: "FFC", "both halves of an FFC feature map are empty")
        }
    }
}

/// Adds two optional tensors, nil meaning zero.
private func sum(_ a: Tensor?, _ b: Tensor?) throws -> Tensor? {
    switch (a, b) {
    case let (a?, b?): return try a + b
    case let (a?, nil): return a
    case let (nil, b?): return b
    case (nil, nil): return nil
    }
}

/// LaMa's `FourierUnit`: a 1×1 convolution, batch norm and ReLU applied to the image's 2-D real
/// spectrum (real and imaginary parts as channels), then back to the image domain.
/// Keys `conv_layer.weight` (`[2·out, 2·in, 1, 1]`, no bias) and `bn.*`.
public final class FourierUnit: Module {
    /// The convolution in the frequency domain.
    public let convLayer: Conv2d
    /// Batch norm over the `2·out` spectral channels.
    public let bn: BatchNorm2d
    public var isTraining = true

    public var namedChildren: [(String, Module)] { [("conv_layer", convLayer), ("bn", bn)] }

    /// A unit mapping `inChannels` to `outChannels`.
    public init(_ inChannels: Int, _ outChannels: Int, rng: inout SeededRNG) {
        convLayer = Conv2d(2 * inChannels, 2 * outChannels, kernelSize: 1, bias: false, rng: &rng)
        bn = BatchNorm2d(2 * outChannels)
    }

    /// `irfft2(relu(bn(conv(rfft2(x)))))`, the output the size of `x`.
    public func forward(_ x: Tensor) throws -> Tensor {
        let spectrum = try bn(convLayer(x.rfft2())).relu()
        return try spectrum.irfft2(width: x.shape[3])
    }
}

/// LaMa's `SpectralTransform`: optional 2×2 average pooling, a 1×1 conv to half the output channels
/// with BN and ReLU (`conv1.0`, `conv1.1`), a global Fourier unit (`fu`), optionally a local Fourier
/// unit on quarter tiles (`lfu`), and a 1×1 conv to the output channels (`conv2`).
public final class SpectralTransform: Module {
    /// `conv1.0` (1×1, no bias), `conv1.1` (BN), `conv1.2` (ReLU).
    public let conv1: Sequential
    /// The Fourier unit over the whole map.
    public let fu: FourierUnit
    /// The local Fourier unit, when enabled.
    public let lfu: FourierUnit?
    /// The output 1×1 convolution, no bias.
    public let conv2: Conv2d
    /// 2 pools the input first; 1 does not.
    public let stride: Int
    public var isTraining = true

    public var namedChildren: [(String, Module)] {
        [("conv1", conv1), ("fu", fu)] + (lfu.map { [("lfu", $0)] } ?? []) + [("conv2", conv2)]
    }

    /// A transform from `inChannels` to `outChannels` (even).
    public init(_ inChannels: Int, _ outChannels: Int, stride: Int, enableLFU: Bool, rng: inout SeededRNG) {
        let half = outChannels / 2
        conv1 = Sequential(Conv2d(inChannels, half, kernelSize: 1, bias: false, rng: &rng), BatchNorm2d(half), ReLU())
        fu = FourierUnit(half, half, rng: &rng)
        lfu = enableLFU ? FourierUnit(half, half, rng: &rng) : nil
        conv2 = Conv2d(half, outChannels, kernelSize: 1, bias: false, rng: &rng)
        self.stride = stride
    }

    /// `conv2(x + fu(x) + lfu-tiles(x))` with `x = conv1(pool(input))`.
    public func forward(_ input: Tensor) throws -> Tensor {
        let pooled = stride == 2 ? try input.avgPool2d(kernel: 2, stride: 2) : input
        let x = try conv1(pooled)
        var total = try x + fu(x)
        if let lfu { total = try total + localFourier(x, lfu) }
        return try conv2(total)
    }

    /// The first quarter of the channels cut into 2×2 spatial tiles stacked as channels, through
    /// `lfu`, then tiled back 2×2 over the map. Needs a square map of even side and channels
    /// divisible by 4, as the reference does.
    private func localFourier(_ x: Tensor, _ unit: FourierUnit) throws -> Tensor {
        let (c, h, w) = (x.shape[1], x.shape[2], x.shape[3])
        guard h % 2 == 0, w == h, c % 4 == 0 else {
            throw ModelError.badInput(model: "SpectralTransform",
                                      "the local Fourier unit needs a square map of even side and channels divisible by 4, got \(x.shape)")
        }
        let s = h / 2
        let quarter = try x.slice(dim: 1, 0..<(c / 4))
        let rows = try Tensor.concat([quarter.slice(dim: 2, 0..<s), quarter.slice(dim: 2, s..<h)], dim: 1)
        let tiles = try Tensor.concat([rows.slice(dim: 3, 0..<s), rows.slice(dim: 3, s..<w)], dim: 1)
        let y = try unit(tiles)
        let wide = try Tensor.concat([y, y], dim: 3)
        return try Tensor.concat([wide, wide], dim: 2)
    }
}

/// LaMa's `FFC`: four paths between the local and global halves, `convl2l`, `convl2g`, `convg2l`
/// (k×k convolutions, no bias, reflect padding) and `convg2g` (a `SpectralTransform`). A path whose
/// input or output half is empty is absent (PyTorch's `nn.Identity` there has no keys).
public final class FFC: Module {
    /// The convolutions, nil where the reference has `nn.Identity`.
    public let convl2l: Conv2d?, convl2g: Conv2d?, convg2l: Conv2d?
    /// The global-to-global spectral path, nil where the reference has `nn.Identity`.
    public let convg2g: SpectralTransform?
    /// Channel splits: input local/global, output local/global.
    public let inLocal: Int, inGlobal: Int, outLocal: Int, outGlobal: Int
    /// Convolution geometry shared by the three k×k paths.
    public let stride: Int, padding: Int, dilation: Int
    public var isTraining = true

    public var namedChildren: [(String, Module)] {
        var out: [(String, Module)] = []
        if let convl2l { out.append(("convl2l", convl2l)) }
        if let convl2g { out.append(("convl2g", convl2g)) }
        if let convg2l { out.append(("convg2l", convg2l)) }
        if let convg2g { out.append(("convg2g", convg2g)) }
        return out
    }

    /// Splits `inChannels`/`outChannels` by `ratioGin`/`ratioGout` (global = ⌊channels · ratio⌋).
    public init(_ inChannels: Int, _ outChannels: Int, kernelSize k: Int, ratioGin: Double, ratioGout: Double,
                stride: Int = 1, padding: Int = 0, dilation: Int = 1, enableLFU: Bool, rng: inout SeededRNG) {
        inGlobal = Int(Double(inChannels) * ratioGin)
        inLocal = inChannels - inGlobal
        outGlobal = Int(Double(outChannels) * ratioGout)
        outLocal = outChannels - outGlobal
        (self.stride, self.padding, self.dilation) = (stride, padding, dilation)
        func conv(_ i: Int, _ o: Int) -> Conv2d? {
            i == 0 || o == 0 ? nil : Conv2d(i, o, kernelSize: k, stride: stride, dilation: dilation, bias: false, rng: &rng)
        }
        convl2l = conv(inLocal, outLocal)
        convl2g = conv(inLocal, outGlobal)
        convg2l = conv(inGlobal, outLocal)
        convg2g = inGlobal == 0 || outGlobal == 0 ? nil
            : SpectralTransform(inGlobal, outGlobal, stride: stride, enableLFU: enableLFU, rng: &rng)
    }

    /// The FFC on channels-stacked halves: the first `inLocal` channels of `x` are local.
    public func forward(_ x: Tensor) throws -> Tensor {
        try forward(features: FFCFeatures(splitting: x, localChannels: inLocal)).concatenated()
    }

    /// `(l2l(local) + g2l(global), l2g(local) + g2g(global))`, halves with no channels left nil.
    public func forward(features x: FFCFeatures) throws -> FFCFeatures {
        var out = FFCFeatures(local: nil, global: nil)
        if outLocal > 0 {
            out.local = try sum(apply(convl2l, x.local), apply(convg2l, x.global))
        }
        if outGlobal > 0 {
            out.global = try sum(apply(convl2g, x.local), convg2g.flatMap { g in try x.global.map { try g($0) } })
        }
        return out
    }

    /// A path's convolution after reflect padding, or nothing when the path or its input is absent.
    private func apply(_ conv: Conv2d?, _ x: Tensor?) throws -> Tensor? {
        guard let conv, let x else { return nil }
        let padded = padding == 0 ? x
            : try x.padded(left: padding, right: padding, top: padding, bottom: padding, mode: .reflect)
        return try conv(padded)
    }
}

/// LaMa's `FFC_BN_ACT`: an `FFC` (`ffc`), then BatchNorm (`bn_l`, `bn_g`) and the activation on each
/// half. Norms of an empty half are absent.
public final class FFCBNAct: Module {
    /// The Fourier convolution.
    public let ffc: FFC
    /// Batch norms of the local and global outputs, nil for an empty half.
    public let bnL: BatchNorm2d?, bnG: BatchNorm2d?
    /// Whether ReLU follows the norms (LaMa's generator: always).
    public let relu: Bool
    public var isTraining = true

    public var namedChildren: [(String, Module)] {
        [("ffc", ffc as Module)] + (bnL.map { [("bn_l", $0)] } ?? []) + (bnG.map { [("bn_g", $0)] } ?? [])
    }

    /// An FFC with norms and (optionally) ReLU; arguments as `FFC`.
    public init(_ inChannels: Int, _ outChannels: Int, kernelSize: Int, ratioGin: Double, ratioGout: Double,
                stride: Int = 1, padding: Int = 0, dilation: Int = 1, enableLFU: Bool, relu: Bool = true,
                rng: inout SeededRNG) {
        ffc = FFC(inChannels, outChannels, kernelSize: kernelSize, ratioGin: ratioGin, ratioGout: ratioGout,
                  stride: stride, padding: padding, dilation: dilation, enableLFU: enableLFU, rng: &rng)
        bnL = ratioGout == 1 ? nil : BatchNorm2d(ffc.outLocal)
        bnG = ratioGout == 0 ? nil : BatchNorm2d(ffc.outGlobal)
        self.relu = relu
    }

    /// On channels-stacked halves: the first `ffc.inLocal` channels of `x` are local.
    public func forward(_ x: Tensor) throws -> Tensor {
        try forward(features: FFCFeatures(splitting: x, localChannels: ffc.inLocal)).concatenated()
    }

    /// `act(bn(ffc(x)))` on each half.
    public func forward(features x: FFCFeatures) throws -> FFCFeatures {
        let y = try ffc.forward(features: x)
        func finish(_ t: Tensor?, _ bn: BatchNorm2d?) throws -> Tensor? {
            guard var t else { return nil }
            if let bn { t = try bn(t) }
            return relu ? t.relu() : t
        }
        return FFCFeatures(local: try finish(y.local, bnL), global: try finish(y.global, bnG))
    }
}

/// LaMa's `FFCResnetBlock`: two 3×3 `FFC_BN_ACT`s (`conv1`, `conv2`) with reflect padding and a
/// residual connection on each half.
public final class FFCResnetBlock: Module {
    /// The two Fourier convolutions.
    public let conv1: FFCBNAct, conv2: FFCBNAct
    public var isTraining = true

    public var namedChildren: [(String, Module)] { [("conv1", conv1), ("conv2", conv2)] }

    /// A block over `dim` channels split by `ratio` (input and output alike).
    public init(_ dim: Int, ratio: Double, enableLFU: Bool, dilation: Int = 1, rng: inout SeededRNG) {
        conv1 = FFCBNAct(dim, dim, kernelSize: 3, ratioGin: ratio, ratioGout: ratio, padding: dilation,
                         dilation: dilation, enableLFU: enableLFU, rng: &rng)
        conv2 = FFCBNAct(dim, dim, kernelSize: 3, ratioGin: ratio, ratioGout: ratio, padding: dilation,
                         dilation: dilation, enableLFU: enableLFU, rng: &rng)
    }

    /// On channels-stacked halves (LaMa's `inline` block).
    public func forward(_ x: Tensor) throws -> Tensor {
        try forward(features: FFCFeatures(splitting: x, localChannels: conv1.ffc.inLocal)).concatenated()
    }

    /// `x + conv2(conv1(x))`, half by half.
    public func forward(features x: FFCFeatures) throws -> FFCFeatures {
        let y = try conv2.forward(features: conv1.forward(features: x))
        return FFCFeatures(local: try sum(x.local, y.local), global: try sum(x.global, y.global))
    }
}
