import Foundation
import COpenBLAS

/// Typed wrappers over `cblas_sgemm` (row-major), run on Morph's workers (see `Parallel`).
///
/// OpenBLAS is set to one thread before the first call and never switched. A large product called outside a
/// parallel part is cut into a grid of blocks of C (rows × columns, never the inner dimension, so every element
/// is summed in the same order as one call would), one single-threaded sgemm per worker.
public enum BLAS {
    /// C[m×n] = alpha · op(A) · op(B) + beta · C, row-major, with leading dimensions.
    @inline(__always)
    public static func sgemm(transA: Bool = false, transB: Bool = false, m: Int, n: Int, k: Int,
                             alpha: Float = 1, a: UnsafePointer<Float>, lda: Int,
                             b: UnsafePointer<Float>, ldb: Int,
                             beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int) {
        startSingleThreaded()
        let workers = Parallel.workers
        if workers > 1 && m * n * k >= parallelThreshold && !Parallel.insideWorker {
            let (pm, pn) = grid(m: m, n: n, k: k, workers: workers)
            if pm * pn > 1 {
                let bm = (m + pm - 1) / pm, bn = (n + pn - 1) / pn
                Parallel.run(parts: pm * pn) { part in
                    let i0 = (part / pn) * bm, j0 = (part % pn) * bn
                    let rows = min(bm, m - i0), cols = min(bn, n - j0)
                    guard rows > 0, cols > 0 else { return }
                    single(transA: transA, transB: transB, m: rows, n: cols, k: k, alpha: alpha,
                           a: transA ? a + i0 : a + i0 * lda, lda: lda, b: transB ? b + j0 * ldb : b + j0, ldb: ldb,
                           beta: beta, c: c + i0 * ldc + j0, ldc: ldc)
                }
                return
            }
        }
        single(transA: transA, transB: transB, m: m, n: n, k: k, alpha: alpha, a: a, lda: lda, b: b, ldb: ldb,
               beta: beta, c: c, ldc: ldc)
    }

    /// One OpenBLAS call on the calling thread.
    @inline(__always)
    static func single(transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Float, a: UnsafePointer<Float>, lda: Int,
                       b: UnsafePointer<Float>, ldb: Int, beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int) {
        cblas_sgemm(CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
                    Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }

    /// Products smaller than this many multiply-adds stay on one thread.
    static let parallelThreshold = 1 << 21

    /// The split of C into `pm` row blocks × `pn` column blocks for `workers` threads: as many blocks as workers
    /// allow (blocks of at least 16 rows/columns), then the least packing (each block packs its A rows and B columns).
    static func grid(m: Int, n: Int, k: Int, workers: Int) -> (Int, Int) {
        var best = (1, 1), bestCost = Double.infinity
        for pm in 1...workers {
            let pn = workers / pm
            let bm = (m + pm - 1) / pm, bn = (n + pn - 1) / pn
            if (pm > 1 && bm < 16) || (pn > 1 && bn < 16) { continue }
            // Time of the slowest block: its multiply-adds plus a packing term for its panels of A and B.
            let cost = Double(bm) * Double(bn) * Double(k) + 8 * Double(bm + bn) * Double(k)
            if cost < bestCost { bestCost = cost; best = (pm, pn) }
        }
        return best
    }

    /// Sets OpenBLAS to one thread, once per process (see `Parallel`).
    public static func startSingleThreaded() { _ = singleThreaded }

    private static let singleThreaded: Void = {
        openblas_set_num_threads(1)
        CoreCheck.warnOnce()
    }()

    /// OpenBLAS' own thread count (1 once Morph has started it).
    public static var threads: Int { Int(openblas_get_num_threads()) }

    /// The kernel set OpenBLAS chose for this CPU, e.g. "Haswell", "SkylakeX", "Prescott".
    public static var coreName: String { openblas_get_corename().map { String(cString: $0) } ?? "unknown" }

    /// OpenBLAS' build configuration, e.g. "OpenBLAS 0.3.21 DYNAMIC_ARCH NO_AFFINITY Haswell MAX_THREADS=64".
    public static var config: String { openblas_get_config().map { String(cString: $0) } ?? "unknown" }
}
