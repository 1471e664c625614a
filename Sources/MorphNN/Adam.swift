import Foundation
import MorphTensor

/// Adam (PyTorch `torch.optim.Adam`, amsgrad off): bias-corrected first and second moments,
/// with L2 weight decay added to the gradient (not decoupled as in AdamW).
public final class Adam: Optimizer {
    public var lr: Double
    /// Moment decay rates (β1, β2).
    public let betas: (Double, Double)
    /// Added to the denominator for stability.
    public let eps: Double
    /// L2 penalty coefficient added to the gradient.
    public let weightDecay: Double
    public let parameters: [Tensor]
    /// First moments, created on a parameter's first step.
    private var expAvg: [Tensor?]
    /// Second moments, created on a parameter's first step.
    private var expAvgSq: [Tensor?]
    /// Steps taken per parameter.
    private var steps: [Int]

    /// An Adam optimizer over `parameters`; the reference trains GANs with lr 2e-4 and betas (0.5, 0.999).
    public init(parameters: [Tensor], lr: Double = 1e-3, betas: (Double, Double) = (0.9, 0.999),
                eps: Double = 1e-8, weightDecay: Double = 0) {
        self.parameters = parameters
        self.lr = lr
        self.betas = betas
        self.eps = eps
        self.weightDecay = weightDecay
        expAvg = Array(repeating: nil, count: parameters.count)
        expAvgSq = expAvg
        steps = Array(repeating: 0, count: parameters.count)
    }

    public func step() throws {
        for (i, p) in parameters.enumerated() {
            guard let g = p.grad else { continue }
            guard g.count == p.count else {
                throw NNError.badInput(layer: "Adam", "gradient of parameter \(i) has shape \(g.shape), parameter \(p.shape)")
            }
            let m = expAvg[i] ?? Tensor.zeros(p.shape)
            let v = expAvgSq[i] ?? Tensor.zeros(p.shape)
            expAvg[i] = m
            expAvgSq[i] = v
            steps[i] += 1
            update(p, g, m, v, step: steps[i])
        }
    }

    /// One Adam update of one parameter, in the order and precision of PyTorch's single-tensor path.
    private func update(_ param: Tensor, _ grad: Tensor, _ expAvg: Tensor, _ expAvgSq: Tensor, step: Int) {
        let t = Double(step)
        let bias1 = 1 - Foundation.pow(betas.0, t)
        let bias2Sqrt = (1 - Foundation.pow(betas.1, t)).squareRoot()
        let stepSize = Float(-(lr / bias1))
        let wd = Float(weightDecay), decay = weightDecay != 0
        let w1 = Float(1 - betas.0), b2 = Float(betas.1), w2 = Float(1 - betas.1)
        let lowWeight = abs(w1) < 0.5
        let c2 = Float(bias2Sqrt), e = Float(eps)
        let p = param.data, gp = grad.data, mp = expAvg.data, vp = expAvgSq.data
        let body = { (range: Range<Int>) in
            for j in range {
                var g = gp[j]
                if decay { g = g + wd * p[j] }
                // torch.lerp(m, g, w1)
                let m = lowWeight ? mp[j] + w1 * (g - mp[j]) : g - (g - mp[j]) * (1 - w1)
                mp[j] = m
                let v = vp[j] * b2 + w2 * (g * g)
                vp[j] = v
                let denom = v.squareRoot() / c2 + e
                p[j] = p[j] + stepSize * (m / denom)
            }
        }
        if param.count >= optimizerParallelThreshold {
            Parallel.chunks(param.count, minChunk: 1 << 14, body)
        } else {
            body(0..<param.count)
        }
    }

    public func stateTensors() -> [(String, Tensor)] {
        var out: [(String, Tensor)] = []
        for i in parameters.indices {
            if let m = expAvg[i] { out.append(("\(i).exp_avg", m)) }
            if let v = expAvgSq[i] { out.append(("\(i).exp_avg_sq", v)) }
        }
        return out
    }

    public var stateScalars: [String: Double] {
        var out: [String: Double] = ["lr": lr]
        for (i, s) in steps.enumerated() where s > 0 { out["\(i).step"] = Double(s) }
        return out
    }

    public func load(state tensors: [String: Tensor], scalars: [String: Double]) throws {
        var newAvg = [Tensor?](repeating: nil, count: parameters.count), newSq = newAvg
        var newSteps = [Int](repeating: 0, count: parameters.count)
        for (key, t) in tensors {
            let (i, name) = try parseKey(key, names: ["exp_avg", "exp_avg_sq"], owner: "Adam")
            let copy = try checkedBuffer(key, t, index: i, owner: "Adam")
            if name == "exp_avg" { newAvg[i] = copy } else { newSq[i] = copy }
        }
        for (key, value) in scalars where key != "lr" {
            let (i, _) = try parseKey(key, names: ["step"], owner: "Adam")
            guard value >= 1, value == value.rounded(), value < 1e15 else {
                throw NNError.badState(owner: "Adam", "'\(key)' = \(value) is not a positive step count")
            }
            newSteps[i] = Int(value)
        }
        for i in parameters.indices where (newSteps[i] > 0) != (newAvg[i] != nil) || (newAvg[i] != nil) != (newSq[i] != nil) {
            throw NNError.badState(owner: "Adam", "parameter \(i) needs all of step, exp_avg and exp_avg_sq or none")
        }
        try loadLearningRate(scalars, owner: "Adam")
        expAvg = newAvg
        expAvgSq = newSq
        steps = newSteps
    }
}
