import MorphTensor

/// Updates parameters from their gradients (PyTorch `torch.optim.Optimizer`, one parameter group).
///
/// The state splits into tensors (moment buffers, keyed `"<parameter index>.<name>"`) and scalars
/// (`"lr"`, `"<index>.step"`), so a trainer can save both and resume bit for bit.
public protocol Optimizer: AnyObject {
    /// The learning rate; schedules set it between epochs.
    var lr: Double { get set }
    /// The parameters updated, in the order given at creation.
    var parameters: [Tensor] { get }
    /// Applies one update to every parameter that has a gradient.
    func step() throws
    /// The per-parameter buffers, keyed `"<index>.<name>"`, live (not copies).
    func stateTensors() -> [(String, Tensor)]
    /// The learning rate and step counts.
    var stateScalars: [String: Double] { get }
    /// Restores a state saved from `stateTensors()` and `stateScalars`.
    /// - Throws: `NNError.badState` for unknown keys, bad indices or wrong shapes.
    func load(state tensors: [String: Tensor], scalars: [String: Double]) throws
}

extension Optimizer {
    /// Clears every parameter's gradient.
    public func zeroGrad() { for p in parameters { p.zeroGrad() } }

    /// Parses a state key `"<index>.<name>"`, checking the index and that the name is one of `names`.
    func parseKey(_ key: String, names: Set<String>, owner: String) throws -> (Int, String) {
        let parts = key.split(separator: ".", maxSplits: 1).map(String.init)
        guard parts.count == 2, let index = Int(parts[0]), names.contains(parts[1]) else {
            throw NNError.badState(owner: owner, "unknown key '\(key)'")
        }
        guard index >= 0, index < parameters.count else {
            throw NNError.badState(owner: owner, "key '\(key)' names parameter \(index), but there are \(parameters.count)")
        }
        return (index, parts[1])
    }

    /// Checks that a saved buffer has its parameter's shape and returns a private copy.
    func checkedBuffer(_ key: String, _ t: Tensor, index: Int, owner: String) throws -> Tensor {
        guard t.shape == parameters[index].shape else {
            throw NNError.badState(owner: owner, "'\(key)' has shape \(t.shape), parameter \(index) has \(parameters[index].shape)")
        }
        return t.detached()
    }

    /// Reads the saved learning rate, if any.
    func loadLearningRate(_ scalars: [String: Double], owner: String) throws {
        guard let lr = scalars["lr"] else { return }
        guard lr.isFinite, lr >= 0 else { throw NNError.badState(owner: owner, "learning rate \(lr) is not a finite non-negative number") }
        self.lr = lr
    }
}

/// Parameters with at least this many elements are updated on several threads.
let optimizerParallelThreshold = 1 << 16
