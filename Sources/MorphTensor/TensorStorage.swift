import Foundation

/// Owns one 64-byte aligned, contiguous buffer of `Float`s.
///
/// A `Tensor` holds exactly one storage; kernels reach it through
/// `pointer` and never copy it element by element.
public final class TensorStorage {
    /// The first element. Valid for `count` elements for the life of the storage.
    public let pointer: UnsafeMutablePointer<Float>
    /// Number of `Float`s in the buffer.
    public let count: Int

    /// Allocates `count` floats, zero-filled when `zeroed` is true.
    public init(count: Int, zeroed: Bool = true) {
        precondition(count >= 0, "negative storage size")
        self.count = count
        var raw: UnsafeMutableRawPointer?
        let bytes = max(count, 1) * MemoryLayout<Float>.stride
        if posix_memalign(&raw, 64, bytes) != 0 || raw == nil {
            fatalError("out of memory allocating \(bytes) bytes")
        }
        pointer = raw!.bindMemory(to: Float.self, capacity: max(count, 1))
        if zeroed { pointer.initialize(repeating: 0, count: count) }
    }

    deinit { free(pointer) }

    /// The buffer as a mutable buffer pointer.
    @inlinable public var buffer: UnsafeMutableBufferPointer<Float> {
        UnsafeMutableBufferPointer(start: pointer, count: count)
    }
}
