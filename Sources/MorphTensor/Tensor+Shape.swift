import Foundation

extension Tensor {
    /// The same values with a new shape. One dimension may be -1 (inferred).
    /// Shares no storage with `self`'s gradient path; the values are shared.
    public func reshaped(_ newShape: [Int]) throws -> Tensor {
        var target = newShape
        if let inferred = target.firstIndex(of: -1) {
            let known = target.enumerated().filter { $0.offset != inferred }.map(\.element).reduce(1, *)
            guard known > 0, count % known == 0 else {
                throw TensorError.invalidArgument(op: "reshape", "cannot reshape \(shape) to \(newShape)")
            }
            target[inferred] = count / known
        }
        guard target.allSatisfy({ $0 >= 0 }), target.reduce(1, *) == count else {
            throw TensorError.invalidArgument(op: "reshape", "cannot reshape \(shape) to \(newShape)")
        }
        let out = Tensor(shape: target, storage: storage)
        let original = shape
        return Tensor.record(out, "reshape", inputs: [self]) { g in [Tensor(shape: original, storage: g.storage)] }
    }

    /// Reorders dimensions: `permuted([0, 2, 3, 1])` turns NCHW into NHWC.
    public func permuted(_ order: [Int]) throws -> Tensor {
        guard order.count == rank, Set(order) == Set(0..<rank) else {
            throw TensorError.invalidArgument(op: "permute", "\(order) is not a permutation of \(rank) dimensions")
        }
        let out = Tensor.permuteKernel(self, order)
        var inverse = [Int](repeating: 0, count: rank)
        for (i, o) in order.enumerated() { inverse[o] = i }
        return Tensor.record(out, "permute", inputs: [self]) { g in [Tensor.permuteKernel(g, inverse)] }
    }

    static func permuteKernel(_ x: Tensor, _ order: [Int]) -> Tensor {
        let newShape = order.map { x.shape[$0] }
        let out = Tensor(zeros: newShape, zeroed: false)
        let srcStrides = x.strides
        let strides = order.map { srcStrides[$0] }
        let rank = newShape.count
        if rank == 0 { out.data[0] = x.data[0]; return out }
        var index = [Int](repeating: 0, count: rank)
        let p = x.data, o = out.data
        let inner = newShape[rank - 1], innerStride = strides[rank - 1]
        var srcOff = 0
        let outer = out.count / Swift.max(inner, 1)
        for row in 0..<outer {
            let base = row * inner
            for i in 0..<inner { o[base + i] = p[srcOff + i * innerStride] }
            var d = rank - 2
            while d >= 0 {
                index[d] += 1
                srcOff += strides[d]
                if index[d] < newShape[d] { break }
                srcOff -= strides[d] * newShape[d]
                index[d] = 0
                d -= 1
            }
        }
        return out
    }

    /// A contiguous copy of `start..<end` along dimension `dim`.
    public func slice(dim: Int, _ range: Range<Int>) throws -> Tensor {
        let d = try normalizedDim(dim, "slice")
        guard range.lowerBound >= 0, range.upperBound <= shape[d] else {
            throw TensorError.invalidArgument(op: "slice", "range \(range) out of bounds for size \(shape[d]) in dim \(d)")
        }
        let outer = shape[..<d].reduce(1, *)
        let inner = shape[(d + 1)...].reduce(1, *)
        var newShape = shape
        newShape[d] = range.count
        let out = Tensor(zeros: newShape, zeroed: false)
        let rows = range.count * inner, full = shape[d] * inner
        for o in 0..<outer {
            (out.data + o * rows).update(from: data + o * full + range.lowerBound * inner, count: rows)
        }
        let original = shape
        return Tensor.record(out, "slice", inputs: [self]) { g in
            let r = Tensor(zeros: original)
            for o in 0..<outer {
                (r.data + o * full + range.lowerBound * inner).update(from: g.data + o * rows, count: rows)
            }
            return [r]
        }
    }

    /// Concatenates tensors along `dim` (1, channels, by default).
    /// - Throws: `TensorError.shapeMismatch` when the other dimensions differ.
    public static func concat(_ tensors: [Tensor], dim: Int = 1) throws -> Tensor {
        guard let first = tensors.first else { throw TensorError.invalidArgument(op: "concat", "no tensors") }
        let d = try first.normalizedDim(dim, "concat")
        for t in tensors {
            var a = t.shape, b = first.shape
            guard a.count == b.count else { throw TensorError.shapeMismatch(op: "concat", first.shape, t.shape) }
            a[d] = 0; b[d] = 0
            guard a == b else { throw TensorError.shapeMismatch(op: "concat", first.shape, t.shape) }
        }
        var newShape = first.shape
        newShape[d] = tensors.map { $0.shape[d] }.reduce(0, +)
        let outer = first.shape[..<d].reduce(1, *)
        let inner = first.shape[(d + 1)...].reduce(1, *)
        let out = Tensor(zeros: newShape, zeroed: false)
        let outRow = newShape[d] * inner
        var offset = 0
        var offsets: [Int] = []
        for t in tensors {
            offsets.append(offset)
            let rows = t.shape[d] * inner
            for o in 0..<outer {
                (out.data + o * outRow + offset).update(from: t.data + o * rows, count: rows)
            }
            offset += rows
        }
        return record(out, "concat", inputs: tensors) { g in
            zip(tensors, offsets).map { t, off in
                guard t.requiresGrad else { return nil }
                let rows = t.shape[d] * inner
                let r = Tensor(zeros: t.shape, zeroed: false)
                for o in 0..<outer { (r.data + o * rows).update(from: g.data + o * outRow + off, count: rows) }
                return r
            }
        }
    }
}
