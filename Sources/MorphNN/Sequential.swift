import MorphTensor

/// Layers applied one after another, named "0", "1", … in order (PyTorch `nn.Sequential`).
///
/// Parameter-free layers (padding, activations) take a number too, so keys such as
/// `model.10.conv_block.5.weight` come out exactly as PyTorch writes them.
public final class Sequential: Module {
    /// The layers, in application order.
    public var layers: [Module]
    public var isTraining = true

    /// A sequence of `layers`.
    public init(_ layers: [Module]) { self.layers = layers }

    /// A sequence of the given layers.
    public convenience init(_ layers: Module...) { self.init(layers) }

    /// Appends a layer; it takes the next number.
    public func append(_ layer: Module) { layers.append(layer) }

    public var namedChildren: [(String, Module)] {
        layers.enumerated().map { (String($0.offset), $0.element) }
    }

    /// Runs the layers in order; a `Conv2d` followed by ReLU, LeakyReLU or PReLU runs as one fused convolution
    /// (the same values; fused only when nothing is recorded, see `Tensor.conv2d(…, activation:)`).
    public func forward(_ x: Tensor) throws -> Tensor {
        var y = x, i = 0
        while i < layers.count {
            if i + 1 < layers.count, let conv = layers[i] as? Conv2d, let activation = Sequential.fusable(layers[i + 1]) {
                y = try conv.forward(y, activation: activation)
                i += 2
            } else {
                y = try layers[i].forward(y)
                i += 1
            }
        }
        return y
    }

    /// The fused form of an activation layer, or nil for any other layer.
    static func fusable(_ layer: Module) -> ConvActivation? {
        if layer is ReLU { return .relu }
        if let leaky = layer as? LeakyReLU { return .leakyReLU(leaky.slope) }
        if let prelu = layer as? PReLU { return .prelu(prelu.weight) }
        return nil
    }
}

/// Passes its input through unchanged (PyTorch `nn.Identity`).
public final class Identity: Module {
    public var isTraining = true
    /// The identity layer.
    public init() {}
    public func forward(_ x: Tensor) throws -> Tensor { x }
}

/// Flattens all dimensions after the first: `[N, ...] -> [N, prod(...)]` (PyTorch `nn.Flatten`).
public final class Flatten: Module {
    public var isTraining = true
    /// The flatten layer.
    public init() {}
    public func forward(_ x: Tensor) throws -> Tensor {
        guard x.rank >= 1 else { throw NNError.badInput(layer: "Flatten", "needs a batch dimension, got shape \(x.shape)") }
        return try x.reshaped([x.shape[0], x.shape.dropFirst().reduce(1, *)])
    }
}
