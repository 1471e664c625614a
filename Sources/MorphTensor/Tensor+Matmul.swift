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
