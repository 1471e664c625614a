import COpenBLAS

/// Thin typed wrappers over `cblas_sgemm` (row-major).
public enum BLAS {
    /// C[m×n] = alpha · op(A) · op(B) + beta · C, row-major, with leading dimensions.
    @inline(__always)
    public static func sgemm(transA: Bool = false, transB: Bool = false, m: Int, n: Int, k: Int,
                             alpha: Float = 1, a: UnsafePointer<Float>, lda: Int,
                             b: UnsafePointer<Float>, ldb: Int,
                             beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int) {
        cblas_sgemm(CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
                    Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }

    /// Sets OpenBLAS' own thread count.
    public static func setThreads(_ n: Int) { openblas_set_num_threads(Int32(n)) }

    /// OpenBLAS' current thread count.
    public static var threads: Int { Int(openblas_get_num_threads()) }
}

extension Tensor {
    /// Matrix product of rank-2 tensors: [m, k] × [k, n] → [m, n].
    public func matmul(_ other: Tensor) throws -> Tensor {
        try expectRank(2, "matmul")
        try other.expectRank(2, "matmul")
        let m = shape[0], k = shape[1], n = other.shape[1]
        guard other.shape[0] == k else { throw TensorError.shapeMismatch(op: "matmul", shape, other.shape) }
        let out = Tensor(zeros: [m, n], zeroed: false)
        BLAS.sgemm(m: m, n: n, k: k, a: data, lda: k, b: other.data, ldb: n, c: out.data, ldc: n)
        return Tensor.record(out, "matmul", inputs: [self, other]) { g in
            var ga: Tensor? = nil, gb: Tensor? = nil
            if self.requiresGrad {
                let r = Tensor(zeros: [m, k], zeroed: false)
                BLAS.sgemm(transB: true, m: m, n: k, k: n, a: g.data, lda: n, b: other.data, ldb: n, c: r.data, ldc: k)
                ga = r
            }
            if other.requiresGrad {
                let r = Tensor(zeros: [k, n], zeroed: false)
                BLAS.sgemm(transA: true, m: k, n: n, k: m, a: self.data, lda: k, b: g.data, ldb: n, c: r.data, ldc: n)
                gb = r
            }
            return [ga, gb]
        }
    }
}
