import MorphTensor

/// PyTorch's default initialisation of conv and linear layers.
enum DefaultInit {
    /// `kaiming_uniform_(a = sqrt(5))` for a weight with the given fan-in: uniform in ±1/sqrt(fan_in).
    static func weight(_ shape: [Int], fanIn: Int, rng: inout SeededRNG) -> Tensor {
        let bound = fanIn > 0 ? 1 / Float(fanIn).squareRoot() : 0
        let t = Tensor.uniform(shape, low: -bound, high: bound, rng: &rng)
        t.requiresGrad = true
        return t
    }

    /// The bias: uniform in ±1/sqrt(fan_in).
    static func bias(_ count: Int, fanIn: Int, rng: inout SeededRNG) -> Tensor {
        weight([count], fanIn: fanIn, rng: &rng)
    }
}
