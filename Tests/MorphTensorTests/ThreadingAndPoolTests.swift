import XCTest
@testable import MorphTensor
import TestSupport

/// The threading scheme (split sgemms, no nesting, worker counts), the buffer pool and the OpenBLAS core check.
final class ThreadingAndPoolTests: XCTestCase {
    override func tearDown() {
        Parallel.setWorkers(ProcessInfoCores.active)
        super.tearDown()
    }

    func testOpenBLASStaysSingleThreadedAndSplitSgemmMatchesOneCall() {
        var rng = SeededRNG(seed: 41)
        // (transA, transB, m, n, k): shapes that split by rows, by columns and both, with transposes.
        let shapes: [(Bool, Bool, Int, Int, Int)] = [(false, false, 300, 257, 70), (true, false, 33, 900, 81),
                                                     (false, true, 512, 40, 130), (true, true, 129, 131, 127)]
        for workers in [1, 2, 3, 16] {
            Parallel.setWorkers(workers)
            for (ta, tb, m, n, k) in shapes {
                let a = Tensor.normal([m * k], rng: &rng), b = Tensor.normal([k * n], rng: &rng)
                let split = Tensor(zeros: [m, n]), one = Tensor(zeros: [m, n])
                BLAS.sgemm(transA: ta, transB: tb, m: m, n: n, k: k, a: a.data, lda: ta ? m : k, b: b.data,
                           ldb: tb ? k : n, c: split.data, ldc: n)
                BLAS.single(transA: ta, transB: tb, m: m, n: n, k: k, alpha: 1, a: a.data, lda: ta ? m : k, b: b.data,
                            ldb: tb ? k : n, beta: 0, c: one.data, ldc: n)
                // Blocks of C never split the inner dimension; only OpenBLAS' edge kernels may round differently.
                assertClose(split, shape: [m, n], one.values, rtol: 1e-5, atol: 1e-5, "\(workers) workers \(ta) \(tb) \(m)×\(n)×\(k)")
            }
            XCTAssertEqual(BLAS.threads, 1, "OpenBLAS is never switched off one thread")
        }
        XCTAssertEqual(BLAS.grid(m: 256, n: 4096, k: 2304, workers: 16).0 * BLAS.grid(m: 256, n: 4096, k: 2304, workers: 16).1, 16)
        XCTAssertEqual(BLAS.grid(m: 8, n: 8, k: 100, workers: 4).0 * BLAS.grid(m: 8, n: 8, k: 100, workers: 4).1, 1,
                       "blocks below 16 rows and columns are not worth a thread")
    }

    func testInnerLoopsRunSeriallyInsideAPartAndUseAtMostTheWorkers() {
        Parallel.setWorkers(3)
        let lock = NSLock()
        var outerThreads = Set<UInt>(), nestedParts = 0, chunks = 0
        Parallel.forEach(12) { _ in
            XCTAssertTrue(Parallel.insideWorker)
            lock.lock(); outerThreads.insert(UInt(pthread_self())); lock.unlock()
            Parallel.chunks(100) { _ in lock.lock(); nestedParts += 1; lock.unlock() }
        }
        var covered = [Int](repeating: 0, count: 1000)
        Parallel.chunks(1000) { range in
            lock.lock(); chunks += 1; for i in range { covered[i] += 1 }; lock.unlock()
        }
        XCTAssertLessThanOrEqual(outerThreads.count, 3)
        XCTAssertEqual(nestedParts, 12, "a loop inside a part is one serial chunk")
        XCTAssertEqual(chunks, 3 * Parallel.chunksPerWorker, "several chunks per worker, taken as workers come free")
        XCTAssertEqual(covered, [Int](repeating: 1, count: 1000), "every index in exactly one chunk")
        chunks = 0
        Parallel.chunks(10, minChunk: 4) { _ in lock.lock(); chunks += 1; lock.unlock() }
        XCTAssertEqual(chunks, 2, "chunks stay at least minChunk long")
        XCTAssertFalse(Parallel.insideWorker)
        var seen = [Int](repeating: 0, count: 50)
        // Asked outside the loop: inside a part, parts(forJobs:) is 1 (a nested loop runs serially).
        let parts = Parallel.parts(forJobs: 50)
        XCTAssertEqual(parts, 3)
        let partLock = NSLock()
        var usedParts = Set<Int>()
        seen.withUnsafeMutableBufferPointer { buf in
            let p = buf.baseAddress!
            Parallel.jobs(50) { part, job in
                XCTAssertLessThan(part, parts)
                partLock.lock(); usedParts.insert(part); partLock.unlock()
                p[job] += 1
            }
        }
        XCTAssertEqual(seen, [Int](repeating: 1, count: 50), "every job runs exactly once")
        XCTAssertTrue(usedParts.isSubset(of: Set(0..<parts)))
    }

    func testPoolSizeClassesAndBound() {
        XCTAssertEqual(BufferPool.sizeClass(100), 100, "small buffers are not pooled")
        for count in [16 << 10, 20_000, 65_537, 1_000_000, 3 << 20] {
            let c = BufferPool.sizeClass(count)
            XCTAssertGreaterThanOrEqual(c, count)
            XCTAssertLessThanOrEqual(Double(c), Double(count) * 1.25 + 1, "at most 25% slack for \(count)")
        }
        let pool = BufferPool(limitBytes: 1 << 20)
        let (a, ca) = pool.take(100_000), (b, cb) = pool.take(100_000), (c, cc) = pool.take(200_000)
        XCTAssertEqual(pool.freshAllocations, 3)
        pool.give(a, capacity: ca)
        pool.give(b, capacity: cb)
        pool.give(c, capacity: cc)
        XCTAssertLessThanOrEqual(pool.heldBytes, 1 << 20, "the pool keeps no more than its limit")
        let (d, cd) = pool.take(99_000)
        XCTAssertEqual(pool.freshAllocations, 3, "a freed buffer of the same class is reused")
        pool.give(d, capacity: cd)
        pool.drain()
        XCTAssertEqual(pool.heldBytes, 0)
    }

    func testCoreCheckWarnsOnlyForFallbackCoresOnAVX2Machines() {
        let flags = CoreCheck.cpuVectorFlags(cpuinfo: "processor\t: 0\nflags\t\t: fpu sse2 avx avx2 fma avx512f\n")
        XCTAssertEqual(flags, ["avx512f", "avx2"])
        let warning = CoreCheck.warning(core: "Prescott", flags: flags)
        XCTAssertNotNil(warning)
        XCTAssertTrue(warning?.contains("OPENBLAS_CORETYPE=SkylakeX") ?? false, warning ?? "")
        XCTAssertTrue(CoreCheck.warning(core: "Nehalem", flags: ["avx2"])?.contains("OPENBLAS_CORETYPE=Haswell") ?? false)
        XCTAssertNil(CoreCheck.warning(core: "Haswell", flags: ["avx2"]))
        XCTAssertNil(CoreCheck.warning(core: "Prescott", flags: []), "no AVX2: the old core is the right one")
        XCTAssertFalse(BLAS.coreName.isEmpty)
        XCTAssertTrue(BLAS.config.contains("OpenBLAS"), BLAS.config)
    }
}
