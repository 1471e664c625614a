import MorphTensor

/// Interpolation used by `Upsample`.
public enum UpsampleMode: String, Sendable, CaseIterable {
    /// Nearest neighbour.
    case nearest
    /// Bilinear with `align_corners = false`.
    case bilinear
}

/// Enlarges NCHW input by an integer factor (PyTorch `nn.Upsample(scale_factor:, mode:)`).
public final class Upsample: Module {
    /// The integer scale factor.
    public let scale: Int
    /// The interpolation.
    public let mode: UpsampleMode
    public var isTraining = true

    /// Upsamples by `scale` with `mode`.
    public init(scale: Int, mode: UpsampleMode = .nearest) {
        self.scale = scale
        self.mode = mode
    }

    public func forward(_ x: Tensor) throws -> Tensor {
        switch mode {
        case .nearest: return try x.upsampleNearest(scale: scale)
        case .bilinear: return try x.upsampleBilinear(scale: scale)
        }
    }
}

/// Rearranges `[N, C·r², H, W]` to `[N, C, H·r, W·r]` (PyTorch `nn.PixelShuffle`).
public final class PixelShuffle: Module {
    /// The upscale factor.
    public let factor: Int
    public var isTraining = true
    /// A pixel shuffle by `r`.
    public init(_ r: Int) { factor = r }
    public func forward(_ x: Tensor) throws -> Tensor { try x.pixelShuffle(factor) }
}

/// Rearranges `[N, C, H·r, W·r]` to `[N, C·r², H, W]` (PyTorch `nn.PixelUnshuffle`).
public final class PixelUnshuffle: Module {
    /// The downscale factor.
    public let factor: Int
    public var isTraining = true
    /// A pixel unshuffle by `r`.
    public init(_ r: Int) { factor = r }
    public func forward(_ x: Tensor) throws -> Tensor { try x.pixelUnshuffle(factor) }
}

/// Average pooling with zero padding counted in the mean (PyTorch `nn.AvgPool2d`, count_include_pad true).
public final class AvgPool2d: Module {
    /// Window size, stride (defaults to the kernel) and padding.
    public let kernel: Int, stride: Int?, padding: Int
    public var isTraining = true

    /// An average pool.
    public init(kernel: Int, stride: Int? = nil, padding: Int = 0) {
        self.kernel = kernel
        self.stride = stride
        self.padding = padding
    }

    public func forward(_ x: Tensor) throws -> Tensor {
        try x.avgPool2d(kernel: kernel, stride: stride, padding: padding)
    }
}

/// Max pooling (PyTorch `nn.MaxPool2d`, dilation 1, no ceil mode).
public final class MaxPool2d: Module {
    /// Window size, stride (defaults to the kernel) and padding.
    public let kernel: Int, stride: Int?, padding: Int
    public var isTraining = true

    /// A max pool.
    public init(kernel: Int, stride: Int? = nil, padding: Int = 0) {
        self.kernel = kernel
        self.stride = stride
        self.padding = padding
    }

    public func forward(_ x: Tensor) throws -> Tensor {
        try x.maxPool2d(kernel: kernel, stride: stride, padding: padding)
    }
}
