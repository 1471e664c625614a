import Foundation
import MorphTensor

/// Loads the batches of one epoch on a background thread while the model computes, keeping at most
/// `depth` decoded batches waiting (a bounded queue). Batches come out in order; a loading error is
/// delivered in place of its batch. `cancel()` (or deinit) stops the thread after its current batch.
public final class PrefetchLoader {
    private let channel: Channel

    /// Starts loading batches `start..<plan.batchCount` of `plan` from `dataset`.
    public init(plan: EpochPlan, dataset: PairDataset, start: Int = 0, depth: Int = 4) {
        let channel = Channel(depth: max(1, depth), next: start, end: plan.batchCount)
        self.channel = channel
        // The thread holds the channel, not the loader, so dropping the loader cancels it.
        let thread = Thread {
            var batch = start
            while batch < plan.batchCount {
                let result = Result { try withoutGrad { try plan.load(batch: batch, from: dataset) } }
                guard channel.push(result) else { return }
                batch += 1
            }
        }
        thread.name = "morph.loader"
        thread.start()
    }

    deinit { channel.cancel() }

    /// Waits for and returns the next batch, or nil after the last.
    /// - Throws: the error that loading this batch raised.
    public func nextBatch() throws -> ImagePair? { try channel.pop()?.get() }

    /// Stops the background thread after its current batch.
    public func cancel() { channel.cancel() }

    /// Batches decoded and waiting (at most the depth).
    public var queued: Int { channel.count }

    /// The bounded queue between the loading thread and the trainer.
    private final class Channel: @unchecked Sendable {
        private let lock = NSCondition()
        private var queue: [Result<ImagePair, Error>] = []
        private var cancelled = false
        private let depth: Int
        private var next: Int
        private let end: Int

        init(depth: Int, next: Int, end: Int) {
            self.depth = depth
            self.next = next
            self.end = end
        }

        var count: Int {
            lock.lock()
            defer { lock.unlock() }
            return queue.count
        }

        /// Appends a batch once there is room; false when cancelled.
        func push(_ item: Result<ImagePair, Error>) -> Bool {
            lock.lock()
            defer { lock.unlock() }
            while queue.count >= depth && !cancelled { lock.wait() }
            guard !cancelled else { return false }
            queue.append(item)
            lock.broadcast()
            return true
        }

        /// The next batch in order; nil after the last or when cancelled.
        func pop() -> Result<ImagePair, Error>? {
            lock.lock()
            defer { lock.unlock() }
            guard next < end else { return nil }
            while queue.isEmpty && !cancelled { lock.wait() }
            guard !queue.isEmpty else { return nil }
            next += 1
            lock.broadcast()
            return queue.removeFirst()
        }

        func cancel() {
            lock.lock()
            cancelled = true
            lock.broadcast()
            lock.unlock()
        }
    }
}
