import MorphTensor

/// A 2-D convolution over NCHW input (PyTorch `nn.Conv2d`, groups 1, square kernel).
public final class Conv2d: Module, WeightedLayer {
    /// `[outChannels, inChannels, k, k]`.
    public let weight: Tensor
    /// `[outChannels]`, or nil.
    public let bias: Tensor?
    /// Stride, padding and dilation, the same on both axes.
    public let stride: Int, padding: Int, dilation: Int
    public var isTraining = true

    /// A convolution with PyTorch's default initialisation drawn from `rng`.
    public init(_ inChannels: Int, _ outChannels: Int, kernelSize: Int, stride: Int = 1, padding: Int = 0,
                dilation: Int = 1, bias: Bool = true, rng: inout SeededRNG) {
        let fanIn = inChannels * kernelSize * kernelSize
        weight = DefaultInit.weight([outChannels, inChannels, kernelSize, kernelSize], fanIn: fanIn, rng: &rng)
        self.bias = bias ? DefaultInit.bias(outChannels, fanIn: fanIn, rng: &rng) : nil
        self.stride = stride
        self.padding = padding
        self.dilation = dilation
    }

    public var namedOwnParameters: [(String, Tensor)] {
        [("weight", weight)] + (bias.map { [("bias", $0)] } ?? [])
    }

    public func forward(_ x: Tensor) throws -> Tensor {
        try x.conv2d(weight: weight, bias: bias, stride: stride, padding: padding, dilation: dilation)
    }

    /// `activation(forward(x))`, fused into the convolution's output pass when nothing is recorded.
    public func forward(_ x: Tensor, activation: ConvActivation) throws -> Tensor {
        try x.conv2d(weight: weight, bias: bias, stride: stride, padding: padding, dilation: dilation, activation: activation)
    }
}

/// A transposed 2-D convolution (PyTorch `nn.ConvTranspose2d`, groups 1, square kernel).
public final class ConvTranspose2d: Module, WeightedLayer {
    /// `[inChannels, outChannels, k, k]`, as PyTorch stores it.
    public let weight: Tensor
    /// `[outChannels]`, or nil.
    public let bias: Tensor?
    /// Stride, padding, output padding and dilation, the same on both axes.
    public let stride: Int, padding: Int, outputPadding: Int, dilation: Int
    public var isTraining = true

    /// A transposed convolution with PyTorch's default initialisation drawn from `rng`.
    /// PyTorch computes its fan-in from `weight.size(1)`, i.e. `outChannels · k · k`.
    public init(_ inChannels: Int, _ outChannels: Int, kernelSize: Int, stride: Int = 1, padding: Int = 0,
                outputPadding: Int = 0, dilation: Int = 1, bias: Bool = true, rng: inout SeededRNG) {
        let fanIn = outChannels * kernelSize * kernelSize
        weight = DefaultInit.weight([inChannels, outChannels, kernelSize, kernelSize], fanIn: fanIn, rng: &rng)
        self.bias = bias ? DefaultInit.bias(outChannels, fanIn: fanIn, rng: &rng) : nil
        self.stride = stride
        self.padding = padding
        self.outputPadding = outputPadding
        self.dilation = dilation
    }

    public var namedOwnParameters: [(String, Tensor)] {
        [("weight", weight)] + (bias.map { [("bias", $0)] } ?? [])
    }

    public func forward(_ x: Tensor) throws -> Tensor {
        try x.convTranspose2d(weight: weight, bias: bias, stride: stride, padding: padding,
                              outputPadding: outputPadding, dilation: dilation)
    }
}
