import MorphTensor

/// A fully connected layer `y = x · weightᵀ + bias` on `[N, inFeatures]` input (PyTorch `nn.Linear`).
public final class Linear: Module, WeightedLayer {
    /// `[outFeatures, inFeatures]`.
    public let weight: Tensor
    /// `[outFeatures]`, or nil.
    public let bias: Tensor?
    public var isTraining = true

    /// A linear layer with PyTorch's default initialisation drawn from `rng`.
    public init(_ inFeatures: Int, _ outFeatures: Int, bias: Bool = true, rng: inout SeededRNG) {
        weight = DefaultInit.weight([outFeatures, inFeatures], fanIn: inFeatures, rng: &rng)
        self.bias = bias ? DefaultInit.bias(outFeatures, fanIn: inFeatures, rng: &rng) : nil
    }

    public var namedOwnParameters: [(String, Tensor)] {
        [("weight", weight)] + (bias.map { [("bias", $0)] } ?? [])
    }

    public func forward(_ x: Tensor) throws -> Tensor {
        guard x.rank == 2, x.shape[1] == weight.shape[1] else {
            throw NNError.badInput(layer: "Linear", "expected [N, \(weight.shape[1])], got \(x.shape)")
        }
        let y = try x.matmul(try weight.permuted([1, 0]))
        guard let bias else { return y }
        return try y + (try bias.reshaped([1, bias.count]))
    }
}

/// A layer with a main `weight` and optional `bias` that `initWeights` treats like the
/// reference treats classes named `*Conv*` and `*Linear*`.
public protocol WeightedLayer: Module {
    /// The weight, output channels first (input channels first for transposed convs).
    var weight: Tensor { get }
    /// The bias, if any.
    var bias: Tensor? { get }
}
