import Foundation

/// Broadcasting layout of a binary op over two same-rank shapes.
struct Broadcast {
    let outShape: [Int]
    let aStrides: [Int]
    let bStrides: [Int]

    init(_ op: String, _ a: [Int], _ b: [Int]) throws {
        guard a.count == b.count else { throw TensorError.shapeMismatch(op: op, a, b) }
        var out: [Int] = []
        for (x, y) in zip(a, b) {
            if x == y || y == 1 { out.append(x) } else if x == 1 { out.append(y) } else {
                throw TensorError.shapeMismatch(op: op, a, b)
            }
        }
        outShape = out
        let sa = Tensor.contiguousStrides(a), sb = Tensor.contiguousStrides(b)
        aStrides = zip(a, sa).map { $0.0 == 1 ? 0 : $0.1 }
        bStrides = zip(b, sb).map { $0.0 == 1 ? 0 : $0.1 }
    }

    /// Calls `body(outOffset, aOffset, bOffset, innerCount, aInnerStride, bInnerStride)` for each innermost row.
    func forEachRow(_ body: (Int, Int, Int, Int, Int, Int) -> Void) {
        let rank = outShape.count
        if rank == 0 { body(0, 0, 0, 1, 0, 0); return }
        let inner = outShape[rank - 1]
        let outer = outShape.dropLast().reduce(1, *)
        var index = [Int](repeating: 0, count: max(rank - 1, 0))
        var aOff = 0, bOff = 0
        for row in 0..<outer {
            body(row * inner, aOff, bOff, inner, aStrides[rank - 1], bStrides[rank - 1])
            // advance the multi-index over the outer dims
            var d = rank - 2
            while d >= 0 {
                index[d] += 1
                aOff += aStrides[d]; bOff += bStrides[d]
                if index[d] < outShape[d] { break }
                aOff -= aStrides[d] * outShape[d]; bOff -= bStrides[d] * outShape[d]
                index[d] = 0
                d -= 1
            }
        }
    }
}

extension Tensor {
    /// Sums `self` (a gradient of broadcast shape) down to `target` shape.
    public func sumTo(_ target: [Int]) throws -> Tensor {
        if shape == target { return self }
        guard target.count == shape.count else { throw TensorError.shapeMismatch(op: "sumTo", shape, target) }
        var dims: [Int] = []
        for (i, (s, t)) in zip(shape, target).enumerated() where s != t {
            guard t == 1 else { throw TensorError.shapeMismatch(op: "sumTo", shape, target) }
            dims.append(i)
        }
        return try withoutGrad { try sum(dims: dims, keepDims: true) }
    }

    /// A binary elementwise op with broadcasting and no recording. `lanes`, when given, is the same op on 16 lanes:
    /// same-shape operands then run 16 at a time in parallel chunks (no call per element).
    static func binaryKernel(_ op: String, _ a: Tensor, _ b: Tensor,
                             lanes: ((SIMD16<Float>, SIMD16<Float>) -> SIMD16<Float>)? = nil,
                             _ f: (Float, Float) -> Float) throws -> Tensor {
        if a.shape == b.shape {
            let out = Tensor(zeros: a.shape, zeroed: false)
            let p = a.data, q = b.data, o = out.data
            guard let lanes else {
                for i in 0..<a.count { o[i] = f(p[i], q[i]) }
                return out
            }
            Parallel.chunks(a.count, minChunk: 1 << 16) { range in
                var i = range.lowerBound
                while i + 16 <= range.upperBound {
                    Lanes.store(lanes(Lanes.load16(p + i), Lanes.load16(q + i)), o + i)
                    i += 16
                }
                for j in i..<range.upperBound { o[j] = f(p[j], q[j]) }
            }
            return out
        }
        let bc = try Broadcast(op, a.shape, b.shape)
        let out = Tensor(zeros: bc.outShape, zeroed: false)
        let p = a.data, q = b.data, o = out.data
        bc.forEachRow { oo, ao, bo, n, sa, sb in
            if sa == 1 && sb == 1 {
                for i in 0..<n { o[oo + i] = f(p[ao + i], q[bo + i]) }
            } else if sa == 1 && sb == 0 {
                let y = q[bo]
                for i in 0..<n { o[oo + i] = f(p[ao + i], y) }
            } else if sa == 0 && sb == 1 {
                let x = p[ao]
                for i in 0..<n { o[oo + i] = f(x, q[bo + i]) }
            } else {
                for i in 0..<n { o[oo + i] = f(p[ao + i * sa], q[bo + i * sb]) }
            }
        }
        return out
    }

    /// Elementwise sum with broadcasting.
    public static func + (a: Tensor, b: Tensor) throws -> Tensor {
        let out = try binaryKernel("add", a, b, lanes: { $0 + $1 }, +)
        return record(out, "add", inputs: [a, b]) { g in
            [try g.sumTo(a.shape), try g.sumTo(b.shape)]
        }
    }

    /// Elementwise difference with broadcasting.
    public static func - (a: Tensor, b: Tensor) throws -> Tensor {
        let out = try binaryKernel("sub", a, b, lanes: { $0 - $1 }, -)
        return record(out, "sub", inputs: [a, b]) { g in
            [try g.sumTo(a.shape), try g.mapValues { -$0 }.sumTo(b.shape)]
        }
    }

    /// Elementwise product with broadcasting.
    public static func * (a: Tensor, b: Tensor) throws -> Tensor {
        let out = try binaryKernel("mul", a, b, lanes: { $0 * $1 }, *)
        return record(out, "mul", inputs: [a, b]) { g in
            [a.requiresGrad ? try binaryKernel("mul", g, b, lanes: { $0 * $1 }, *).sumTo(a.shape) : nil,
             b.requiresGrad ? try binaryKernel("mul", g, a, lanes: { $0 * $1 }, *).sumTo(b.shape) : nil]
        }
    }

    /// Elementwise quotient with broadcasting.
    public static func / (a: Tensor, b: Tensor) throws -> Tensor {
        let out = try binaryKernel("div", a, b, /)
        // Keep the output's values, not the tensor itself, so the closure does not retain its own output.
        let quotient = Tensor(shape: out.shape, storage: out.storage)
        return record(out, "div", inputs: [a, b]) { g in
            let ga = a.requiresGrad ? try binaryKernel("div", g, b, /).sumTo(a.shape) : nil
            var gb: Tensor? = nil
            if b.requiresGrad {
                // d(a/b)/db = -a / b^2 = -out / b
                let t = try binaryKernel("div", quotient, b, /)
                gb = try binaryKernel("mul", g, t) { -$0 * $1 }.sumTo(b.shape)
            }
            return [ga, gb]
        }
    }

    /// Adds a scalar.
    public static func + (a: Tensor, s: Float) -> Tensor {
        let out = a.mapValues { $0 + s }
        return record(out, "addScalar", inputs: [a]) { g in [g] }
    }

    /// Subtracts a scalar.
    public static func - (a: Tensor, s: Float) -> Tensor { a + (-s) }

    /// Multiplies by a scalar.
    public static func * (a: Tensor, s: Float) -> Tensor {
        let out = a.mapValues { $0 * s }
        return record(out, "mulScalar", inputs: [a]) { g in [g.mapValues { $0 * s }] }
    }

    /// Multiplies a scalar by a tensor.
    public static func * (s: Float, a: Tensor) -> Tensor { a * s }

    /// Divides by a scalar.
    public static func / (a: Tensor, s: Float) -> Tensor { a * (1 / s) }

    /// Negation.
    public static prefix func - (a: Tensor) -> Tensor { a * -1 }

    /// Applies `f` to every element, without recording (a raw kernel).
    public func mapValues(_ f: (Float) -> Float) -> Tensor {
        let out = Tensor(zeros: shape, zeroed: false)
        let p = data, o = out.data
        for i in 0..<count { o[i] = f(p[i]) }
        return out
    }

    /// Applies `f(self[i], other[i])` to same-shaped tensors, without recording.
    public func zipValues(_ other: Tensor, _ f: (Float, Float) -> Float) -> Tensor {
        precondition(other.count == count)
        let out = Tensor(zeros: shape, zeroed: false)
        let p = data, q = other.data, o = out.data
        for i in 0..<count { o[i] = f(p[i], q[i]) }
        return out
    }

    /// A unary op recorded with its derivative as a function of input and output.
    public func unary(_ name: String, _ f: (Float) -> Float,
                      derivative: @escaping (_ x: Float, _ y: Float) -> Float) -> Tensor {
        let out = mapValues(f)
        let result = out.storage  // not `out`: a closure retaining its own output would never be freed
        return Tensor.record(out, name, inputs: [self]) { g in
            let r = Tensor(zeros: g.shape, zeroed: false)
            let x = self.data, y = result.pointer, gp = g.data, o = r.data
            for i in 0..<g.count { o[i] = gp[i] * derivative(x[i], y[i]) }
            return [r]
        }
    }

    /// e^x.
    public func exp() -> Tensor { unary("exp", { Foundation.exp($0) }, derivative: { _, y in y }) }
    /// Natural log.
    public func log() -> Tensor { unary("log", { Foundation.log($0) }, derivative: { x, _ in 1 / x }) }
    /// Square root.
    public func sqrt() -> Tensor { unary("sqrt", { $0.squareRoot() }, derivative: { _, y in 0.5 / y }) }
    /// x².
    public func square() -> Tensor { unary("square", { $0 * $0 }, derivative: { x, _ in 2 * x }) }
    /// |x|, with derivative sign(x) (0 at 0, as PyTorch).
    public func abs() -> Tensor {
        unary("abs", { Swift.abs($0) }, derivative: { x, _ in x > 0 ? 1 : (x < 0 ? -1 : 0) })
    }
    /// x raised to a constant power.
    public func pow(_ p: Float) -> Tensor {
        unary("pow", { Foundation.pow($0, p) }, derivative: { x, _ in p * Foundation.pow(x, p - 1) })
    }
    /// Clamps into [lo, hi]; the gradient passes where the input is inside.
    public func clamp(_ lo: Float, _ hi: Float) -> Tensor {
        unary("clamp", { Swift.min(Swift.max($0, lo), hi) }, derivative: { x, _ in (x >= lo && x <= hi) ? 1 : 0 })
    }
}
