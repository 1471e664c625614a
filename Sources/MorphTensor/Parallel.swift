import Dispatch
import COpenBLAS

/// Splits index ranges across the machine's cores.
public enum Parallel {
    /// Number of worker threads used by Morph's own kernels.
    public static let workers: Int = max(1, ProcessInfoCores.active)

    /// Runs `body(i)` for `i` in `0..<count`, spreading the calls over the cores.
    @inlinable
    public static func forEach(_ count: Int, _ body: (Int) -> Void) {
        if count <= 1 || workers == 1 {
            for i in 0..<count { body(i) }
        } else {
            DispatchQueue.concurrentPerform(iterations: count, execute: body)
        }
    }

    /// Runs `body(range)` over `0..<count` in about `workers` contiguous chunks.
    @inlinable
    public static func chunks(_ count: Int, minChunk: Int = 1, _ body: (Range<Int>) -> Void) {
        let parts = min(workers, max(1, count / max(minChunk, 1)))
        if parts <= 1 { body(0..<count); return }
        let size = (count + parts - 1) / parts
        DispatchQueue.concurrentPerform(iterations: parts) { p in
            let lo = p * size, hi = min(count, lo + size)
            if lo < hi { body(lo..<hi) }
        }
    }
}

/// The number of cores this process may use.
public enum ProcessInfoCores {
    public static var active: Int {
        if let env = getenv("MORPH_THREADS"), let n = Int(String(cString: env)), n > 0 { return n }
        return sysconf(Int32(_SC_NPROCESSORS_ONLN)).clamped(1, 256)
    }
}

extension Int {
    @inlinable func clamped(_ lo: Int, _ hi: Int) -> Int { Swift.min(Swift.max(self, lo), hi) }
}

#if canImport(Glibc)
import Glibc
#endif
