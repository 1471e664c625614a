import Foundation

/// Hard limits on what one pickle may make the `Unpickler` build. They hold whatever the file's
/// size; the `LoadBudget` adds a limit tied to it. Real checkpoints stay far below every one.
public struct PickleLimits {
    /// The most values on the machine's stack at once.
    public var maxStack: Int
    /// The most memo entries.
    public var maxMemo: Int
    /// The most values (scalars and containers) created in one load.
    public var maxObjects: Int
    /// The most string and bytes payload created in one load.
    public var maxBytes: Int
    /// The deepest container nesting accepted.
    public var maxDepth: Int

    /// Limits for checkpoints: 1M stack entries, 4M memo entries, 64M objects, 1 GiB of strings, 1000 levels.
    public static let checkpoint = PickleLimits(maxStack: 1 << 20, maxMemo: 1 << 22, maxObjects: 1 << 26,
                                                maxBytes: 1 << 30, maxDepth: 1000)

    /// Custom limits.
    public init(maxStack: Int, maxMemo: Int, maxObjects: Int, maxBytes: Int, maxDepth: Int) {
        self.maxStack = maxStack
        self.maxMemo = maxMemo
        self.maxObjects = maxObjects
        self.maxBytes = maxBytes
        self.maxDepth = maxDepth
    }
}

/// Counts what an `Unpickler` creates against its `PickleLimits` and the load's `LoadBudget`.
struct PickleMeter {
    /// Bytes charged per value: an enum box and, for containers, the object behind it.
    static let valueCost = 48
    static let containerCost = 96

    let limits: PickleLimits
    let budget: LoadBudget?
    private(set) var objects = 0
    private(set) var bytes = 0

    init(limits: PickleLimits, budget: LoadBudget?) {
        self.limits = limits
        self.budget = budget
    }

    /// Counts one new value carrying `payload` bytes of string or bytes data.
    mutating func created(container: Bool = false, payload: Int = 0, fail: (String) -> CheckpointError) throws {
        objects += 1
        guard objects <= limits.maxObjects else { throw fail("more than \(limits.maxObjects) objects") }
        bytes += payload
        guard bytes <= limits.maxBytes else { throw fail("more than \(limits.maxBytes) bytes of strings") }
        try budget?.charge((container ? PickleMeter.containerCost : PickleMeter.valueCost) + payload,
                           for: "the pickle's objects")
    }

    /// Counts `n` elements added to a container (their slots in its array).
    mutating func grew(by n: Int) throws {
        try budget?.charge(8 * n, for: "the pickle's objects")
    }

    /// Checks the stack and memo sizes.
    func check(stack: Int, memo: Int, fail: (String) -> CheckpointError) throws {
        guard stack <= limits.maxStack else { throw fail("stack deeper than \(limits.maxStack) entries") }
        guard memo <= limits.maxMemo else { throw fail("more than \(limits.maxMemo) memo entries") }
    }
}
