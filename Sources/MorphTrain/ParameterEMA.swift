import MorphNN
import MorphTensor

/// An exponential moving average of a network's weights (BasicSR's `net_g_ema`), saved as `params_ema`.
///
/// After each optimiser step, `update(from:)` sets ema ← decay · ema + (1 − decay) · w for every parameter and
/// copies every buffer. The averages are separate tensors in state-dict order, with the network's key names.
public final class ParameterEMA {
    /// The averaging factor (0.999 in BasicSR).
    public let decay: Float
    /// Averaged parameters and copied buffers, keyed as the network's state dict.
    public private(set) var stateDict: [(String, Tensor)]
    private let parameterKeys: Set<String>

    /// Starts the average at the network's current weights.
    public init(model: Module, decay: Float = 0.999) {
        self.decay = decay
        stateDict = model.stateDict().map { ($0.0, $0.1.detached()) }
        parameterKeys = Set(model.namedParameters().map(\.0))
    }

    /// Restores an average saved earlier (a resumed run); keys and shapes must match the network's.
    /// - Throws: `NNError` listing missing, unexpected or mismatched keys.
    public init(model: Module, decay: Float = 0.999, restoring saved: [String: Tensor]) throws {
        self.decay = decay
        parameterKeys = Set(model.namedParameters().map(\.0))
        stateDict = model.stateDict().map { ($0.0, $0.1.detached()) }
        let probe = EMAState(entries: stateDict)
        _ = try probe.load(stateDict: saved)
    }

    /// Folds the network's current weights into the average.
    public func update(from model: Module) {
        let live = Dictionary(model.stateDict(), uniquingKeysWith: { a, _ in a })
        let keep = decay, take = 1 - decay
        for (key, average) in stateDict {
            guard let current = live[key], current.count == average.count else { continue }
            let a = average.data, c = current.data
            if parameterKeys.contains(key) {
                for i in 0..<average.count { a[i] = keep * a[i] + take * c[i] }
            } else {
                a.update(from: c, count: average.count)
            }
        }
    }

    /// Copies the averages into `model` (e.g. to evaluate or export the EMA network).
    /// - Throws: `NNError` for mismatched keys or shapes.
    public func copy(into model: Module) throws {
        _ = try model.load(stateDict: stateDict)
    }
}

/// A module whose state dict is a fixed list of tensors, so `Module.load` checks and fills them by name.
private final class EMAState: Module {
    let entries: [(String, Tensor)]
    var isTraining = false
    init(entries: [(String, Tensor)]) { self.entries = entries }
    var namedOwnParameters: [(String, Tensor)] { entries }
    func forward(_ x: Tensor) throws -> Tensor { x }
}
