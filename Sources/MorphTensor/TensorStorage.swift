import Foundation

/// Owns one 64-byte aligned, contiguous buffer of `Float`s.
///
/// A `Tensor` holds exactly one storage; kernels reach it through
/// `pointer` and never copy it element by element. Large buffers come from, and go back to,
/// `BufferPool`, so a model run again on same-sized input touches no fresh pages.
public final class TensorStorage {
    /// The first element. Valid for `count` elements for the life of the storage.
    public let pointer: UnsafeMutablePointer<Float>
    /// Number of `Float`s in the buffer.
    public let count: Int
    /// Floats actually reserved (the pool's size class), at least `count`; 0 for a view.
    let capacity: Int
    /// For a view, the storage whose memory it shares (kept alive by the view).
    let owner: TensorStorage?

    /// Allocates `count` floats, zero-filled when `zeroed` is true.
    public init(count: Int, zeroed: Bool = true) {
        precondition(count >= 0, "negative storage size")
        self.count = count
        (pointer, capacity) = BufferPool.shared.take(count)
        owner = nil
        if zeroed { pointer.initialize(repeating: 0, count: count) }
    }

    /// A view of `count` floats of `owner` from `offset` on: writes through it change `owner`.
    public init(viewOf owner: TensorStorage, offset: Int, count: Int) {
        precondition(offset >= 0 && count >= 0 && offset + count <= owner.count, "view outside its storage")
        self.owner = owner
        self.count = count
        capacity = 0
        pointer = owner.pointer + offset
    }

    deinit { if owner == nil { BufferPool.shared.give(pointer, capacity: capacity) } }

    /// The buffer as a mutable buffer pointer.
    @inlinable public var buffer: UnsafeMutableBufferPointer<Float> {
        UnsafeMutableBufferPointer(start: pointer, count: count)
    }
}

/// Freed tensor and scratch buffers of at least 64 KiB, kept by size class for the next allocation of that class.
///
/// Size classes are four per power of two (at most 25% slack). The pool holds at most `limitBytes` of free buffers
/// (`MORPH_POOL_MB`, default a quarter of physical memory up to 4 GiB; 0 turns pooling off); a buffer that does not
/// fit goes back to the system. Fresh allocations of poolable size are counted, so tests can show that a second
/// inference or training step allocates nothing new.
public final class BufferPool {
    /// The process-wide pool used by `TensorStorage`.
    public static let shared = BufferPool(limitBytes: BufferPool.defaultLimitBytes)

    /// Buffers below this many floats are left to malloc (its own caches serve them well).
    static let minimumPooledFloats = 16 << 10

    /// Most bytes of free buffers kept.
    public let limitBytes: Int
    private var free: [Int: [UnsafeMutablePointer<Float>]] = [:]
    private var pooledBytes = 0
    private var fresh = 0
    private let lock = NSLock()

    init(limitBytes: Int) { self.limitBytes = max(0, limitBytes) }

    /// Fresh allocations of poolable size so far (buffers the pool could not serve).
    public var freshAllocations: Int { lock.lock(); defer { lock.unlock() }; return fresh }

    /// Bytes of free buffers the pool holds now.
    public var heldBytes: Int { lock.lock(); defer { lock.unlock() }; return pooledBytes }

    /// The size class that serves `count` floats: `count` itself below the pooling size, else the next of four
    /// steps per power of two.
    static func sizeClass(_ count: Int) -> Int {
        guard count >= minimumPooledFloats else { return max(count, 1) }
        let exponent = Int.bitWidth - (count - 1).leadingZeroBitCount
        let step = 1 << (exponent - 3)
        return (count + step - 1) / step * step
    }

    /// A 64-byte aligned buffer of at least `count` floats, and its capacity.
    func take(_ count: Int) -> (UnsafeMutablePointer<Float>, Int) {
        let capacity = BufferPool.sizeClass(count)
        if capacity >= BufferPool.minimumPooledFloats {
            lock.lock()
            if let p = free[capacity]?.popLast() {
                pooledBytes -= capacity * MemoryLayout<Float>.stride
                lock.unlock()
                return (p, capacity)
            }
            fresh += 1
            lock.unlock()
        }
        var raw: UnsafeMutableRawPointer?
        let bytes = capacity * MemoryLayout<Float>.stride
        if posix_memalign(&raw, 64, bytes) != 0 || raw == nil {
            fatalError("out of memory allocating \(bytes) bytes")
        }
        return (raw!.bindMemory(to: Float.self, capacity: capacity), capacity)
    }

    /// Takes back a buffer from `take`: kept for reuse while the pool has room, else freed.
    func give(_ pointer: UnsafeMutablePointer<Float>, capacity: Int) {
        let bytes = capacity * MemoryLayout<Float>.stride
        if capacity >= BufferPool.minimumPooledFloats {
            lock.lock()
            if pooledBytes + bytes <= limitBytes {
                free[capacity, default: []].append(pointer)
                pooledBytes += bytes
                lock.unlock()
                return
            }
            lock.unlock()
        }
        Foundation.free(pointer)
    }

    /// Frees every pooled buffer (memory goes back to the system; later allocations are fresh again).
    public func drain() {
        lock.lock()
        let all = free.values.flatMap { $0 }
        free = [:]
        pooledBytes = 0
        lock.unlock()
        for p in all { Foundation.free(p) }
    }

    static var defaultLimitBytes: Int {
        if let env = getenv("MORPH_POOL_MB"), let mb = Int(String(cString: env)), mb >= 0 { return mb << 20 }
        let physical = Int(clamping: ProcessInfo.processInfo.physicalMemory)
        return min(physical / 4, 4 << 30)
    }
}
