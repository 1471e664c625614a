import Dispatch
import Foundation
import COpenBLAS

/// Morph's one way to use the cores.
///
/// - **One level of parallelism.** Every parallel loop in Morph goes through `Parallel`, which cuts the work into
///   at most `workers` parts and runs them on Morph's own `WorkerPool` (workers − 1 persistent threads plus the
///   caller; GCD's pool could run a region on fewer threads than asked). A loop started from inside a
///   part runs serially on that part's thread, so threads never nest: kernels partition at their outermost
///   level (image, tile block, output-channel block) and everything inside a part is single-threaded.
/// - **OpenBLAS is single-threaded, always.** Its thread count is set to 1 once, before the first sgemm, and is
///   never switched per call (OpenBLAS' idle threads spin, and switching is process-wide). A large sgemm called
///   outside a part is itself cut into blocks of C by `BLAS.sgemm`, one single-threaded sgemm per worker.
/// - **How many workers.** `MORPH_THREADS` if set, else `OPENBLAS_NUM_THREADS` (every BLAS call runs on Morph's
///   workers, so that many threads do the math), else the CPUs this process may run on (its affinity mask, so
///   `taskset` counts). `morph bench --threads N` calls `setWorkers(N)`.
public enum Parallel {
    /// Number of worker threads used by Morph's kernels (and so by OpenBLAS' work).
    public private(set) static var workers: Int = ProcessInfoCores.active

    /// Sets the number of workers for every later kernel (at least 1). Not meant to be called while kernels run.
    public static func setWorkers(_ n: Int) {
        BLAS.startSingleThreaded()
        workers = max(1, min(n, 1024))
        poolLock.lock()
        defer { poolLock.unlock() }
        if let current = sharedPool, current.size != workers {
            current.shutdown()
            sharedPool = nil
        }
    }

    private static let poolLock = NSLock()
    nonisolated(unsafe) private static var sharedPool: WorkerPool?

    /// The pool of `workers` threads, started on first use.
    private static var pool: WorkerPool {
        poolLock.lock()
        defer { poolLock.unlock() }
        if let current = sharedPool { return current }
        let created = WorkerPool(size: workers) { pthread_setspecific(partKey, UnsafeRawPointer(bitPattern: 1)) }
        sharedPool = created
        return created
    }

    /// Whether the calling thread is running a part of a parallel loop (inner loops then run serially).
    public static var insideWorker: Bool { pthread_getspecific(partKey) != nil }

    private static let partKey: pthread_key_t = {
        var key = pthread_key_t()
        pthread_key_create(&key, nil)
        return key
    }()

    /// Runs `body(p)` for `p` in `0..<parts` on up to `parts` threads, marking each thread as inside a part.
    public static func run(parts: Int, _ body: (Int) -> Void) {
        if parts <= 1 || workers == 1 || insideWorker {
            for p in 0..<parts { body(p) }
            return
        }
        let previous = pthread_getspecific(partKey)
        pthread_setspecific(partKey, UnsafeRawPointer(bitPattern: 1))
        defer { pthread_setspecific(partKey, previous) }
        if !pool.tryRun(parts: parts, body) {
            // Another thread's region holds the pool: this thread does its own parts.
            for p in 0..<parts { body(p) }
        }
    }

    /// Runs `body(i)` for `i` in `0..<count`, in at most `workers` contiguous runs of indices.
    public static func forEach(_ count: Int, _ body: (Int) -> Void) {
        chunks(count) { range in
            for i in range { body(i) }
        }
    }

    /// How many threads `jobs(count)` uses: its `part` argument is below this.
    public static func parts(forJobs count: Int) -> Int { insideWorker ? 1 : max(1, min(workers, count)) }

    /// Runs `body(part, job)` for every job in `0..<count` on `parts(forJobs: count)` threads, each taking the next
    /// job as it comes free (so a core slowed by other processes takes fewer jobs); `part` names the thread's slot
    /// (for per-thread scratch).
    public static func jobs(_ count: Int, _ body: (_ part: Int, _ job: Int) -> Void) {
        let parts = parts(forJobs: count)
        if parts <= 1 { for j in 0..<count { body(0, j) }; return }
        let lock = NSLock()
        var next = 0
        run(parts: parts) { part in
            while true {
                lock.lock()
                let job = next
                next += 1
                lock.unlock()
                if job >= count { return }
                body(part, job)
            }
        }
    }

    /// Runs `body(range)` over `0..<count` in contiguous chunks of at least `minChunk`: up to `chunksPerWorker`
    /// per worker, which the workers take as they come free, so that a core slowed by other processes (or a
    /// virtual CPU its host runs less often) takes fewer chunks instead of holding up the rest.
    public static func chunks(_ count: Int, minChunk: Int = 1, _ body: (Range<Int>) -> Void) {
        let parts = insideWorker || workers == 1 ? 1 : min(workers * chunksPerWorker, max(1, count / max(minChunk, 1)))
        if parts <= 1 { if count > 0 { body(0..<count) }; return }
        let size = (count + parts - 1) / parts
        run(parts: (count + size - 1) / size) { p in
            body(p * size..<min(count, p * size + size))
        }
    }

    /// Chunks per worker in `chunks` (one region; parts beyond the worker count are taken dynamically).
    static let chunksPerWorker = 4
}

/// The number of cores this process may use.
public enum ProcessInfoCores {
    /// `MORPH_THREADS`, else `OPENBLAS_NUM_THREADS`, else the CPUs in this process' affinity mask.
    public static var active: Int {
        for name in ["MORPH_THREADS", "OPENBLAS_NUM_THREADS"] {
            if let env = getenv(name), let n = Int(String(cString: env)), n > 0 { return n.clamped(1, 1024) }
        }
        return available
    }

    /// The CPUs this process may run on (its affinity mask, as /proc/self/status shows it; all online CPUs when
    /// that cannot be read).
    public static var available: Int {
        if let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
           let line = status.split(separator: "\n").first(where: { $0.hasPrefix("Cpus_allowed:") }) {
            let count = line.dropFirst("Cpus_allowed:".count).reduce(0) { sum, ch in
                sum + (ch.hexDigitValue?.nonzeroBitCount ?? 0)
            }
            if count > 0 { return count.clamped(1, 1024) }
        }
        return sysconf(Int32(_SC_NPROCESSORS_ONLN)).clamped(1, 1024)
    }
}

extension Int {
    @inlinable func clamped(_ lo: Int, _ hi: Int) -> Int { Swift.min(Swift.max(self, lo), hi) }
}
