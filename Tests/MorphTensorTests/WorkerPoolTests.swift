import XCTest
import Foundation
@testable import MorphTensor

/// Morph's worker pool: every part runs exactly once, on more than one thread, nested loops run serially,
/// and a region started while another holds the pool runs on its own thread.
final class WorkerPoolTests: XCTestCase {
    func testEveryPartRunsOnceAndTheWorkersTakePart() {
        let pool = WorkerPool(size: 3) {}
        defer { pool.shutdown() }
        let lock = NSLock()
        var runs = [Int](repeating: 0, count: 7), threads = Set<ObjectIdentifier>()
        for _ in 0..<20 {
            XCTAssertTrue(pool.tryRun(parts: 7) { p in
                usleep(2000)  // long enough for a sleeping worker to wake and take a part
                lock.lock()
                runs[p] += 1
                threads.insert(ObjectIdentifier(Thread.current))
                lock.unlock()
            })
        }
        XCTAssertEqual(runs, [Int](repeating: 20, count: 7))
        XCTAssertGreaterThan(threads.count, 1, "only the calling thread ran parts")
        XCTAssertLessThanOrEqual(threads.count, 3)
    }

    func testARegionStartedWhileThePoolIsBusyIsRefused() {
        let pool = WorkerPool(size: 2) {}
        defer { pool.shutdown() }
        let started = DispatchSemaphore(value: 0), release = DispatchSemaphore(value: 0)
        let finished = DispatchSemaphore(value: 0)
        Thread {
            _ = pool.tryRun(parts: 1) { _ in
                started.signal()
                release.wait()
            }
            finished.signal()
        }.start()
        started.wait()
        XCTAssertFalse(pool.tryRun(parts: 2) { _ in XCTFail("ran inside a busy pool") })
        release.signal()
        finished.wait()
        XCTAssertTrue(pool.tryRun(parts: 2) { _ in })
    }

    func testParallelLoopsInsideAPartRunSerially() {
        let lock = NSLock()
        var inner = 0, nestedOnWorkers = true
        Parallel.run(parts: 4) { _ in
            Parallel.forEach(5) { _ in
                lock.lock()
                inner += 1
                nestedOnWorkers = nestedOnWorkers && Parallel.insideWorker
                lock.unlock()
            }
        }
        XCTAssertEqual(inner, 20)
        XCTAssertTrue(nestedOnWorkers)
        XCTAssertFalse(Parallel.insideWorker, "the caller must leave the region unmarked")
    }
}
