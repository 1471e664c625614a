import MorphTensor

/// `max(x, 0)` (PyTorch `nn.ReLU`).
public final class ReLU: Module {
    public var isTraining = true
    /// The ReLU layer.
    public init() {}
    public func forward(_ x: Tensor) throws -> Tensor { x.relu() }
}

/// `x` for positive inputs, `slope · x` otherwise (PyTorch `nn.LeakyReLU`).
public final class LeakyReLU: Module {
    /// The negative slope.
    public let slope: Float
    public var isTraining = true
    /// A leaky ReLU with the given negative slope.
    public init(_ slope: Float = 0.01) { self.slope = slope }
    public func forward(_ x: Tensor) throws -> Tensor { x.leakyReLU(slope) }
}

/// A leaky ReLU with a learned slope per channel or shared (PyTorch `nn.PReLU`, initial slope 0.25).
public final class PReLU: Module {
    /// `[numParameters]` slopes.
    public let weight: Tensor
    public var isTraining = true

    /// `numParameters` is 1 (shared) or the channel count.
    public init(numParameters: Int = 1, initial: Float = 0.25) {
        weight = Tensor.full([numParameters], initial)
        weight.requiresGrad = true
    }

    public var namedOwnParameters: [(String, Tensor)] { [("weight", weight)] }

    public func forward(_ x: Tensor) throws -> Tensor { try x.prelu(weight: weight) }
}

/// The hyperbolic tangent (PyTorch `nn.Tanh`).
public final class Tanh: Module {
    public var isTraining = true
    /// The tanh layer.
    public init() {}
    public func forward(_ x: Tensor) throws -> Tensor { x.tanh() }
}

/// The logistic sigmoid (PyTorch `nn.Sigmoid`).
public final class Sigmoid: Module {
    public var isTraining = true
    /// The sigmoid layer.
    public init() {}
    public func forward(_ x: Tensor) throws -> Tensor { x.sigmoid() }
}
