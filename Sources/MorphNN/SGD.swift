import MorphTensor

/// Stochastic gradient descent with optional momentum, dampening, Nesterov momentum and
/// L2 weight decay (PyTorch `torch.optim.SGD`).
public final class SGD: Optimizer {
    public var lr: Double
    /// Momentum factor (0 for plain SGD).
    public let momentum: Double
    /// L2 penalty coefficient added to the gradient.
    public let weightDecay: Double
    /// Whether to use Nesterov momentum.
    public let nesterov: Bool
    /// Dampening of the momentum's gradient term (not applied on the first step, as in PyTorch).
    public let dampening: Double
    public let parameters: [Tensor]
    /// Momentum buffers, created on a parameter's first step.
    private var buffers: [Tensor?]

    /// An SGD optimizer.
    /// - Throws: `NNError.invalidArgument` for Nesterov without momentum or with dampening.
    public init(parameters: [Tensor], lr: Double, momentum: Double = 0, weightDecay: Double = 0,
                nesterov: Bool = false, dampening: Double = 0) throws {
        guard !nesterov || (momentum > 0 && dampening == 0) else {
            throw NNError.invalidArgument("SGD: Nesterov momentum requires a momentum and zero dampening")
        }
        self.parameters = parameters
        self.lr = lr
        self.momentum = momentum
        self.weightDecay = weightDecay
        self.nesterov = nesterov
        self.dampening = dampening
        buffers = Array(repeating: nil, count: parameters.count)
    }

    public func step() throws {
        for (i, param) in parameters.enumerated() {
            guard let grad = param.grad else { continue }
            guard grad.count == param.count else {
                throw NNError.badInput(layer: "SGD", "gradient of parameter \(i) has shape \(grad.shape), parameter \(param.shape)")
            }
            let p = param.data, gp = grad.data
            let wd = Float(weightDecay), decay = weightDecay != 0
            let negLR = Float(-lr)
            if momentum == 0 {
                for j in 0..<param.count {
                    var g = gp[j]
                    if decay { g = g + wd * p[j] }
                    p[j] = p[j] + negLR * g
                }
                continue
            }
            let mom = Float(momentum), keep = Float(1 - dampening)
            let first = buffers[i] == nil
            let buffer = buffers[i] ?? Tensor.zeros(param.shape)
            buffers[i] = buffer
            let b = buffer.data
            for j in 0..<param.count {
                var g = gp[j]
                if decay { g = g + wd * p[j] }
                let bj = first ? g : b[j] * mom + keep * g
                b[j] = bj
                let d = nesterov ? g + mom * bj : bj
                p[j] = p[j] + negLR * d
            }
        }
    }

    public func stateTensors() -> [(String, Tensor)] {
        buffers.enumerated().compactMap { i, b in b.map { ("\(i).momentum_buffer", $0) } }
    }

    public var stateScalars: [String: Double] { ["lr": lr] }

    public func load(state tensors: [String: Tensor], scalars: [String: Double]) throws {
        var fresh = [Tensor?](repeating: nil, count: parameters.count)
        for (key, t) in tensors {
            let (i, _) = try parseKey(key, names: ["momentum_buffer"], owner: "SGD")
            fresh[i] = try checkedBuffer(key, t, index: i, owner: "SGD")
        }
        if let unknown = scalars.keys.first(where: { $0 != "lr" }) {
            throw NNError.badState(owner: "SGD", "unknown key '\(unknown)'")
        }
        try loadLearningRate(scalars, owner: "SGD")
        buffers = fresh
    }
}
