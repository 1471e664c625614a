import Foundation
import Synchronization

/// Morph's own threads: `size − 1` persistent workers plus the calling thread run the parts of one parallel region.
///
/// GCD's `concurrentPerform` may run a region on fewer threads than asked when its pool is busy or slow to grow,
/// and a 2-way region then silently runs serially. These workers always exist, so a region of `parts` parts gets
/// min(parts, size) threads. Between regions a worker spins for a few microseconds (regions come in quick
/// succession inside one conv), then sleeps on a condition variable.
///
/// One region runs at a time. A thread that starts a region while another one runs does its parts itself
/// (batch jobs on several threads then share the cores instead of queueing).
final class WorkerPool: @unchecked Sendable {
    /// Threads a region can use, the caller included.
    let size: Int

    private let generation = Atomic<Int>(0)
    private var mutex = pthread_mutex_t()
    private var wake = pthread_cond_t()
    private var done = pthread_cond_t()
    private let busy = NSLock()
    // Guarded by `mutex`.
    private var body: ((Int) -> Void)?
    private var parts = 0, nextPart = 0, finished = 0
    private var stopping = false

    /// Spin iterations before a worker sleeps (tens of microseconds).
    private static let spins = 20_000

    /// Starts `size − 1` worker threads, each marked as inside a part for its whole life.
    init(size: Int, markPart: @escaping @Sendable () -> Void) {
        self.size = max(1, size)
        pthread_mutex_init(&mutex, nil)
        pthread_cond_init(&wake, nil)
        pthread_cond_init(&done, nil)
        for _ in 1..<self.size {
            let thread = Thread { [self] in
                markPart()
                self.workerLoop()
            }
            thread.stackSize = 8 << 20
            thread.start()
        }
    }

    /// Runs `body(p)` for every `p` in `0..<parts` on up to `size` threads and returns when all are done.
    /// Returns false, having run nothing, when another region holds the pool.
    func tryRun(parts count: Int, _ work: (Int) -> Void) -> Bool {
        guard busy.try() else { return false }
        defer { busy.unlock() }
        withoutActuallyEscaping(work) { escaping in
            pthread_mutex_lock(&mutex)
            body = escaping
            parts = count
            nextPart = 0
            finished = 0
            generation.add(1, ordering: .releasing)
            pthread_cond_broadcast(&wake)
            pthread_mutex_unlock(&mutex)
            runParts()
            pthread_mutex_lock(&mutex)
            while finished < parts { pthread_cond_wait(&done, &mutex) }
            body = nil
            pthread_mutex_unlock(&mutex)
        }
        return true
    }

    /// Ends the worker threads once they are idle (the pool must not be used afterwards).
    func shutdown() {
        busy.lock()
        pthread_mutex_lock(&mutex)
        stopping = true
        generation.add(1, ordering: .releasing)
        pthread_cond_broadcast(&wake)
        pthread_mutex_unlock(&mutex)
    }

    /// Takes parts of the current region until none is left.
    private func runParts() {
        while true {
            pthread_mutex_lock(&mutex)
            let p = nextPart
            nextPart += 1
            // Only a thread with a part holds the closure, and it lets go before counting the part as finished
            // (the caller's `withoutActuallyEscaping` checks that nothing kept it).
            var work = p < parts ? body : nil
            pthread_mutex_unlock(&mutex)
            guard let run = work else { return }
            run(p)
            work = nil
            _ = consume run
            pthread_mutex_lock(&mutex)
            finished += 1
            if finished == parts { pthread_cond_signal(&done) }
            pthread_mutex_unlock(&mutex)
        }
    }

    private func workerLoop() {
        var seen = 0
        while true {
            var spun = 0
            while generation.load(ordering: .acquiring) == seen && spun < WorkerPool.spins { spun += 1 }
            pthread_mutex_lock(&mutex)
            while generation.load(ordering: .acquiring) == seen { pthread_cond_wait(&wake, &mutex) }
            seen = generation.load(ordering: .acquiring)
            let stop = stopping
            pthread_mutex_unlock(&mutex)
            if stop { return }
            runParts()
        }
    }
}
