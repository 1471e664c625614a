import Foundation

/// A learning-rate policy stepped once per epoch that sets its optimizer's `lr`
/// (the reference's `networks.get_scheduler`, built on `torch.optim.lr_scheduler`).
///
/// `state` holds everything needed to resume: restoring it on a fresh schedule over a fresh
/// optimizer continues the exact learning-rate sequence.
public protocol LRSchedule: AnyObject {
    /// The optimizer whose learning rate is set.
    var optimizer: Optimizer { get }
    /// Epochs stepped so far (PyTorch `last_epoch`).
    var lastEpoch: Int { get }
    /// Advances one epoch. `metric` is used only by the plateau policy (lower is better).
    func step(metric: Double?) throws
    /// The schedule's state, including the optimizer's current learning rate.
    var state: [String: Double] { get }
    /// Restores a saved `state` (also sets the optimizer's learning rate).
    /// - Throws: `NNError.badState` when a key is missing.
    func load(state: [String: Double]) throws
}

/// The reference's `--lr_policy` choices.
public enum LRPolicy: String, Sendable, CaseIterable {
    /// Constant for `n_epochs`, then linear decay to 0 over `n_epochs_decay`.
    case linear
    /// Multiply by 0.1 every `lr_decay_iters` epochs.
    case step
    /// Multiply by 0.2 after 5 epochs without a 1 % relative improvement of the metric.
    case plateau
    /// Cosine annealing to 0 over `n_epochs` epochs.
    case cosine
}

/// Options of the reference's scheduler (its command-line names in comments).
public struct LRScheduleOptions: Sendable, Equatable {
    /// Epochs at the initial learning rate (`--n_epochs`, default 100).
    public var nEpochs: Int = 100
    /// Epochs of linear decay (`--n_epochs_decay`, default 100).
    public var nEpochsDecay: Int = 100
    /// The first epoch's number (`--epoch_count`, default 1).
    public var epochCount: Int = 1
    /// Step policy period in epochs (`--lr_decay_iters`, default 50).
    public var lrDecayIters: Int = 50

    /// The reference's defaults, overridable by name.
    public init(nEpochs: Int = 100, nEpochsDecay: Int = 100, epochCount: Int = 1, lrDecayIters: Int = 50) {
        self.nEpochs = nEpochs
        self.nEpochsDecay = nEpochsDecay
        self.epochCount = epochCount
        self.lrDecayIters = lrDecayIters
    }
}

/// Builds the schedule for `policy` as the reference's `get_scheduler` does.
/// - Throws: `NNError.invalidArgument` for non-positive periods.
public func makeSchedule(_ policy: LRPolicy, optimizer: Optimizer, options: LRScheduleOptions = .init()) throws -> LRSchedule {
    switch policy {
    case .linear:
        let o = options
        guard o.nEpochsDecay >= 0 else { throw NNError.invalidArgument("linear schedule: n_epochs_decay must be >= 0") }
        return LambdaSchedule(optimizer: optimizer) { epoch in
            1 - Double(max(0, epoch + o.epochCount - o.nEpochs)) / Double(o.nEpochsDecay + 1)
        }
    case .step:
        return try StepSchedule(optimizer: optimizer, stepSize: options.lrDecayIters, gamma: 0.1)
    case .plateau:
        return PlateauSchedule(optimizer: optimizer, factor: 0.2, patience: 5, threshold: 0.01)
    case .cosine:
        return try CosineSchedule(optimizer: optimizer, tMax: options.nEpochs, etaMin: 0)
    }
}

extension LRSchedule {
    /// Advances one epoch without a metric.
    public func step() throws { try step(metric: nil) }

    /// Reads a required key of a saved state.
    func required(_ state: [String: Double], _ key: String, _ owner: String) throws -> Double {
        guard let v = state[key], v.isFinite else {
            throw NNError.badState(owner: owner, "missing or non-finite '\(key)'")
        }
        return v
    }

    /// Reads a required non-negative integer key of a saved state.
    func requiredCount(_ state: [String: Double], _ key: String, _ owner: String) throws -> Int {
        let v = try required(state, key, owner)
        guard v >= 0, v == v.rounded(), v < 1e15 else { throw NNError.badState(owner: owner, "'\(key)' = \(v) is not a count") }
        return Int(v)
    }
}

/// `lr = base_lr · factor(epoch)` (PyTorch `LambdaLR`); the reference's linear policy.
public final class LambdaSchedule: LRSchedule {
    public let optimizer: Optimizer
    public private(set) var lastEpoch = 0
    /// The learning rate at creation.
    public private(set) var baseLR: Double
    /// The factor for an epoch index (0 at creation).
    public let factor: (Int) -> Double

    /// A schedule over `optimizer`; sets the epoch-0 rate at once, as PyTorch does.
    public init(optimizer: Optimizer, factor: @escaping (Int) -> Double) {
        self.optimizer = optimizer
        self.factor = factor
        baseLR = optimizer.lr
        optimizer.lr = baseLR * factor(0)
    }

    public func step(metric: Double? = nil) throws {
        lastEpoch += 1
        optimizer.lr = baseLR * factor(lastEpoch)
    }

    public var state: [String: Double] { ["last_epoch": Double(lastEpoch), "base_lr": baseLR, "lr": optimizer.lr] }

    public func load(state: [String: Double]) throws {
        let epoch = try requiredCount(state, "last_epoch", "LambdaSchedule")
        let base = try required(state, "base_lr", "LambdaSchedule")
        let lr = try required(state, "lr", "LambdaSchedule")
        lastEpoch = epoch
        baseLR = base
        optimizer.lr = lr
    }
}

/// Multiplies the rate by `gamma` every `stepSize` epochs (PyTorch `StepLR`, its recursive form).
public final class StepSchedule: LRSchedule {
    public let optimizer: Optimizer
    public private(set) var lastEpoch = 0
    /// The period in epochs and the decay factor.
    public let stepSize: Int, gamma: Double

    /// A step schedule over `optimizer`.
    /// - Throws: `NNError.invalidArgument` for a non-positive step size.
    public init(optimizer: Optimizer, stepSize: Int, gamma: Double = 0.1) throws {
        guard stepSize > 0 else { throw NNError.invalidArgument("step schedule: step size must be positive, got \(stepSize)") }
        self.optimizer = optimizer
        self.stepSize = stepSize
        self.gamma = gamma
    }

    public func step(metric: Double? = nil) throws {
        lastEpoch += 1
        if lastEpoch % stepSize == 0 { optimizer.lr = optimizer.lr * gamma }
    }

    public var state: [String: Double] { ["last_epoch": Double(lastEpoch), "lr": optimizer.lr] }

    public func load(state: [String: Double]) throws {
        let epoch = try requiredCount(state, "last_epoch", "StepSchedule")
        let lr = try required(state, "lr", "StepSchedule")
        lastEpoch = epoch
        optimizer.lr = lr
    }
}

/// Cosine annealing from the initial rate to `etaMin` over `tMax` epochs, then back up, and so on
/// (PyTorch `CosineAnnealingLR`, computed with its recursive formula so values match bit for bit).
public final class CosineSchedule: LRSchedule {
    public let optimizer: Optimizer
    public private(set) var lastEpoch = 0
    /// The learning rate at creation.
    public private(set) var baseLR: Double
    /// Half-period in epochs and the minimum rate.
    public let tMax: Int, etaMin: Double

    /// A cosine schedule over `optimizer`.
    /// - Throws: `NNError.invalidArgument` for a non-positive period.
    public init(optimizer: Optimizer, tMax: Int, etaMin: Double = 0) throws {
        guard tMax > 0 else { throw NNError.invalidArgument("cosine schedule: T_max must be positive, got \(tMax)") }
        self.optimizer = optimizer
        self.tMax = tMax
        self.etaMin = etaMin
        baseLR = optimizer.lr
    }

    public func step(metric: Double? = nil) throws {
        lastEpoch += 1
        let e = Double(lastEpoch), t = Double(tMax), lr = optimizer.lr
        if (lastEpoch - 1 - tMax) % (2 * tMax) == 0 {
            optimizer.lr = lr + (baseLR - etaMin) * (1 - cos(Double.pi / t)) / 2
        } else {
            optimizer.lr = (1 + cos(Double.pi * e / t)) / (1 + cos(Double.pi * (e - 1) / t)) * (lr - etaMin) + etaMin
        }
    }

    public var state: [String: Double] { ["last_epoch": Double(lastEpoch), "base_lr": baseLR, "lr": optimizer.lr] }

    public func load(state: [String: Double]) throws {
        let epoch = try requiredCount(state, "last_epoch", "CosineSchedule")
        let base = try required(state, "base_lr", "CosineSchedule")
        let lr = try required(state, "lr", "CosineSchedule")
        lastEpoch = epoch
        baseLR = base
        optimizer.lr = lr
    }
}

/// Cuts the rate by `factor` when a metric (lower is better) has not improved by a relative
/// `threshold` for more than `patience` epochs (PyTorch `ReduceLROnPlateau`, mode min, rel threshold).
public final class PlateauSchedule: LRSchedule {
    public let optimizer: Optimizer
    public private(set) var lastEpoch = 0
    /// Reduction factor, patience in epochs, relative threshold, cooldown epochs, floor and minimum change.
    public let factor: Double, patience: Int, threshold: Double, cooldown: Int, minLR: Double, eps: Double
    /// The best metric so far (infinity before the first step).
    public private(set) var best = Double.infinity
    /// Epochs since the last improvement.
    public private(set) var numBadEpochs = 0
    /// Epochs of cooldown left.
    public private(set) var cooldownCounter = 0

    /// A plateau schedule over `optimizer`.
    public init(optimizer: Optimizer, factor: Double = 0.1, patience: Int = 10, threshold: Double = 1e-4,
                cooldown: Int = 0, minLR: Double = 0, eps: Double = 1e-8) {
        self.optimizer = optimizer
        self.factor = factor
        self.patience = patience
        self.threshold = threshold
        self.cooldown = cooldown
        self.minLR = minLR
        self.eps = eps
    }

    /// - Throws: `NNError.invalidArgument` without a metric.
    public func step(metric: Double?) throws {
        guard let metric else { throw NNError.invalidArgument("plateau schedule: step needs a metric") }
        lastEpoch += 1
        if metric < best * (1 - threshold) {
            best = metric
            numBadEpochs = 0
        } else {
            numBadEpochs += 1
        }
        if cooldownCounter > 0 {
            cooldownCounter -= 1
            numBadEpochs = 0
        }
        if numBadEpochs > patience {
            let old = optimizer.lr
            let new = max(old * factor, minLR)
            if old - new > eps { optimizer.lr = new }
            cooldownCounter = cooldown
            numBadEpochs = 0
        }
    }

    public var state: [String: Double] {
        ["last_epoch": Double(lastEpoch), "best": best, "num_bad_epochs": Double(numBadEpochs),
         "cooldown_counter": Double(cooldownCounter), "lr": optimizer.lr]
    }

    public func load(state: [String: Double]) throws {
        let epoch = try requiredCount(state, "last_epoch", "PlateauSchedule")
        guard let best = state["best"], !best.isNaN else { throw NNError.badState(owner: "PlateauSchedule", "missing 'best'") }
        let bad = try requiredCount(state, "num_bad_epochs", "PlateauSchedule")
        let cool = try requiredCount(state, "cooldown_counter", "PlateauSchedule")
        let lr = try required(state, "lr", "PlateauSchedule")
        lastEpoch = epoch
        self.best = best
        numBadEpochs = bad
        cooldownCounter = cool
        optimizer.lr = lr
    }
}
