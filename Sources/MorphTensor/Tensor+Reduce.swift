import Foundation

extension Tensor {
    /// Sum of all elements as a scalar tensor.
    public func sum() -> Tensor {
        let out = Tensor(scalar: Float(Tensor.sum(data, count)))
        return Tensor.record(out, "sum", inputs: [self]) { g in [Tensor.full(self.shape, g.item)] }
    }

    /// Mean of all elements as a scalar tensor.
    public func mean() -> Tensor {
        sum() * (1 / Float(Swift.max(count, 1)))
    }

    /// Sums over `dims`. With `keepDims` the reduced dimensions stay as size 1.
    /// - Throws: `TensorError.invalidArgument` for a dimension out of range.
    public func sum(dims: [Int], keepDims: Bool = false) throws -> Tensor {
        let dimSet = Set(try dims.map { try normalizedDim($0, "sum") })
        var kept = shape
        for d in dimSet { kept[d] = 1 }
        let out = Tensor(zeros: kept)
        // Walk the input row by row; each input element adds into its output slot.
        let outStrides = Tensor.contiguousStrides(kept).enumerated().map { dimSet.contains($0.offset) ? 0 : $0.element }
        let rank = shape.count
        if rank > 0 {
            let inner = shape[rank - 1]
            let innerStride = outStrides[rank - 1]
            let outer = count / Swift.max(inner, 1)
            var index = [Int](repeating: 0, count: rank)
            let p = data, o = out.data
            var oOff = 0
            for row in 0..<outer {
                let base = row * inner
                if innerStride == 0 {
                    var acc: Float = 0
                    for i in 0..<inner { acc += p[base + i] }
                    o[oOff] += acc
                } else {
                    for i in 0..<inner { o[oOff + i] += p[base + i] }
                }
                var d = rank - 2
                while d >= 0 {
                    index[d] += 1
                    oOff += outStrides[d]
                    if index[d] < shape[d] { break }
                    oOff -= outStrides[d] * shape[d]
                    index[d] = 0
                    d -= 1
                }
            }
        } else {
            out.data[0] = data[0]
        }
        let result = keepDims ? out : Tensor(shape: shape.enumerated().filter { !dimSet.contains($0.offset) }.map { $0.element },
                                              storage: out.storage)
        return Tensor.record(result, "sumDims", inputs: [self]) { g in
            let gk = Tensor(shape: kept, storage: g.storage)
            return [try withoutGrad { try Tensor.binaryKernel("expand", Tensor(zeros: self.shape, zeroed: true), gk, +) }]
        }
    }

    /// Mean over `dims`.
    public func mean(dims: [Int], keepDims: Bool = false) throws -> Tensor {
        let n = try dims.map { shape[try normalizedDim($0, "mean")] }.reduce(1, *)
        return try sum(dims: dims, keepDims: keepDims) * (1 / Float(Swift.max(n, 1)))
    }

    /// Largest element (no gradient).
    public func maxValue() -> Float { buffer.max() ?? 0 }
    /// Smallest element (no gradient).
    public func minValue() -> Float { buffer.min() ?? 0 }

    /// Resolves a possibly negative dimension index.
    func normalizedDim(_ d: Int, _ op: String) throws -> Int {
        let r = d < 0 ? d + shape.count : d
        guard r >= 0 && r < shape.count else {
            throw TensorError.invalidArgument(op: op, "dimension \(d) out of range for shape \(shape)")
        }
        return r
    }
}
