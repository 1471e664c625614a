import MorphTensor

/// Zeroes each element with probability `p` in training and scales the rest by `1/(1−p)`
/// (PyTorch `nn.Dropout`); the identity in evaluation. Seeded, with a restorable generator.
public final class Dropout: Module {
    /// The drop probability.
    public let p: Float
    /// The generator drawing the masks; save `rng.state` to resume exactly.
    public var rng: SeededRNG
    public var isTraining = true

    /// A dropout layer with its own generator seeded by `seed`.
    public init(_ p: Float = 0.5, seed: UInt64 = 0) {
        self.p = p
        rng = SeededRNG(seed: seed)
    }

    public func forward(_ x: Tensor) throws -> Tensor {
        guard p >= 0, p <= 1 else { throw NNError.invalidArgument("Dropout: p must be in [0, 1], got \(p)") }
        return x.dropout(p: p, training: isTraining, rng: &rng)
    }
}
