import Foundation

/// A dense Float32 tensor, usually NCHW, that owns contiguous row-major storage.
///
/// Tensors take part in reverse-mode autodiff: an op whose input
/// `requiresGrad` records a `GradNode` on its result while grad mode is on
/// (see `withoutGrad`). Calling `backward()` on a scalar result fills `grad`
/// of every leaf tensor that requires it, accumulating across calls.
public final class Tensor {
    /// Sizes of each dimension, outermost first.
    public let shape: [Int]
    /// The element buffer, `shape.reduce(1, *)` floats.
    public let storage: TensorStorage
    /// Whether gradients flow to (and accumulate in) this tensor.
    public var requiresGrad: Bool
    /// The accumulated gradient, same shape as the tensor.
    public var grad: Tensor?
    /// How this tensor was computed, when it was recorded on the tape.
    public internal(set) var gradFn: GradNode?

    /// Wraps an existing storage. `storage.count` must equal the shape's element count.
    public init(shape: [Int], storage: TensorStorage, requiresGrad: Bool = false) {
        precondition(shape.reduce(1, *) == storage.count, "storage size does not match shape \(shape)")
        self.shape = shape
        self.storage = storage
        self.requiresGrad = requiresGrad
    }

    /// A tensor of zeros, or of uninitialised memory when `zeroed` is false.
    public convenience init(zeros shape: [Int], zeroed: Bool = true) {
        self.init(shape: shape, storage: TensorStorage(count: shape.reduce(1, *), zeroed: zeroed))
    }

    /// A tensor holding `values` in row-major order.
    /// - Throws: `TensorError.countMismatch` when the count differs from the shape's.
    public convenience init(shape: [Int], values: [Float]) throws {
        guard shape.allSatisfy({ $0 >= 0 }) else {
            throw TensorError.invalidArgument(op: "Tensor", "negative size in shape \(shape)")
        }
        guard shape.reduce(1, *) == values.count else {
            throw TensorError.countMismatch(shape: shape, count: values.count)
        }
        self.init(zeros: shape, zeroed: false)
        values.withUnsafeBufferPointer { src in
            if let base = src.baseAddress { storage.pointer.update(from: base, count: values.count) }
        }
    }

    /// A scalar (rank-0) tensor.
    public convenience init(scalar: Float) {
        self.init(zeros: [], zeroed: false)
        storage.pointer[0] = scalar
    }

    // MARK: Creation

    /// All zeros.
    public static func zeros(_ shape: [Int]) -> Tensor { Tensor(zeros: shape) }

    /// All ones.
    public static func ones(_ shape: [Int]) -> Tensor { full(shape, 1) }

    /// Every element set to `value`.
    public static func full(_ shape: [Int], _ value: Float) -> Tensor {
        let t = Tensor(zeros: shape, zeroed: false)
        t.storage.pointer.initialize(repeating: value, count: t.count)
        return t
    }

    /// Uniform samples in [low, high).
    public static func uniform(_ shape: [Int], low: Float = 0, high: Float = 1, rng: inout SeededRNG) -> Tensor {
        let t = Tensor(zeros: shape, zeroed: false)
        let p = t.storage.pointer
        for i in 0..<t.count { p[i] = low + (high - low) * rng.nextUniform() }
        return t
    }

    /// Normal samples with the given mean and standard deviation.
    public static func normal(_ shape: [Int], mean: Float = 0, std: Float = 1, rng: inout SeededRNG) -> Tensor {
        let t = Tensor(zeros: shape, zeroed: false)
        let p = t.storage.pointer
        for i in 0..<t.count { p[i] = mean + std * rng.nextNormal() }
        return t
    }

    // MARK: Inspection

    /// Number of elements.
    @inlinable public var count: Int { storage.count }
    /// Number of dimensions.
    @inlinable public var rank: Int { shape.count }
    /// The first element's address.
    @inlinable public var data: UnsafeMutablePointer<Float> { storage.pointer }
    /// The elements as a buffer.
    @inlinable public var buffer: UnsafeMutableBufferPointer<Float> { storage.buffer }

    /// A copy of the elements as an array (for tests and small data only).
    public var values: [Float] { Array(storage.buffer) }

    /// The single element of a one-element tensor.
    public var item: Float {
        precondition(count == 1, "item needs a one-element tensor, shape is \(shape)")
        return storage.pointer[0]
    }

    /// Row-major strides of the shape.
    public var strides: [Int] { Tensor.contiguousStrides(shape) }

    /// Row-major strides for `shape`.
    public static func contiguousStrides(_ shape: [Int]) -> [Int] {
        var s = [Int](repeating: 1, count: shape.count)
        var acc = 1
        for i in stride(from: shape.count - 1, through: 0, by: -1) {
            s[i] = acc
            acc *= shape[i]
        }
        return s
    }

    /// A new tensor with the same values and no autodiff history.
    public func detached() -> Tensor {
        let t = Tensor(zeros: shape, zeroed: false)
        t.storage.pointer.update(from: storage.pointer, count: count)
        return t
    }

    /// Copies `other`'s values into this tensor in place (shapes must hold the same count).
    public func assign(_ other: Tensor) throws {
        guard other.count == count else { throw TensorError.shapeMismatch(op: "assign", shape, other.shape) }
        storage.pointer.update(from: other.storage.pointer, count: count)
    }

    /// Sets every element to `value`, in place.
    public func fill(_ value: Float) {
        storage.pointer.update(repeating: value, count: count)
    }

    /// Checks that the tensor has `rank` dimensions.
    public func expectRank(_ rank: Int, _ op: String) throws {
        guard shape.count == rank else { throw TensorError.wrongRank(op: op, expected: rank, got: shape) }
    }
}

extension Tensor: CustomStringConvertible {
    public var description: String {
        let preview = values.prefix(8).map { String(format: "%.4g", $0) }.joined(separator: ", ")
        return "Tensor(\(shape), [\(preview)\(count > 8 ? ", …" : "")])"
    }
}
