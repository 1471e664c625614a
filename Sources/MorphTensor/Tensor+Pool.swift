extension Tensor {
    /// 2-D average pooling over square windows (`nn.AvgPool2d` with count_include_pad=True, ceil_mode=False).
    ///
    /// Output size is ⌊(H + 2·padding − kernel) / stride⌋ + 1; zero padding counts in every window's average,
    /// so each window divides by kernel². `stride` defaults to `kernel`.
    /// - Throws: `TensorError.wrongRank`, `TensorError.invalidArgument` for a non-positive kernel or stride,
    ///   padding above kernel / 2, or a window larger than the padded input.
    public func avgPool2d(kernel: Int, stride: Int? = nil, padding: Int = 0) throws -> Tensor {
        let (n, c, h, w, s, oh, ow) = try poolGeometry("avgPool2d", kernel: kernel, stride: stride, padding: padding)
        let out = Tensor(zeros: [n, c, oh, ow], zeroed: false)
        let src = data, dst = out.data
        let inPlane = h * w, outPlane = oh * ow
        let norm = 1 / Float(kernel * kernel)
        Parallel.forEach(n * c) { p in
            let sp = src + p * inPlane, dp = dst + p * outPlane
            for oy in 0..<oh {
                let y0 = Swift.max(oy * s - padding, 0), y1 = Swift.min(oy * s - padding + kernel, h)
                for ox in 0..<ow {
                    let x0 = Swift.max(ox * s - padding, 0), x1 = Swift.min(ox * s - padding + kernel, w)
                    var acc: Float = 0
                    for y in y0..<Swift.max(y0, y1) {
                        let row = sp + y * w
                        for x in x0..<Swift.max(x0, x1) { acc += row[x] }
                    }
                    dp[oy * ow + ox] = acc * norm
                }
            }
        }
        let inShape = shape
        return Tensor.record(out, "avgPool2d", inputs: [self]) { g in
            let r = Tensor(zeros: inShape, zeroed: true)
            let gs = g.data, rd = r.data
            Parallel.forEach(n * c) { p in
                let gp = gs + p * outPlane, rp = rd + p * inPlane
                for oy in 0..<oh {
                    let y0 = Swift.max(oy * s - padding, 0), y1 = Swift.min(oy * s - padding + kernel, h)
                    for ox in 0..<ow {
                        let x0 = Swift.max(ox * s - padding, 0), x1 = Swift.min(ox * s - padding + kernel, w)
                        let v = gp[oy * ow + ox] * norm
                        for y in y0..<Swift.max(y0, y1) {
                            let row = rp + y * w
                            for x in x0..<Swift.max(x0, x1) { row[x] += v }
                        }
                    }
                }
            }
            return [r]
        }
    }
}

extension Tensor {
    /// Checks pooling arguments against a [N, C, H, W] input and returns its sizes, the stride and the output size.
    /// - Throws: `TensorError.wrongRank`, `TensorError.invalidArgument` for a non-positive kernel or stride,
    ///   padding above kernel / 2, or a window larger than the padded input.
    func poolGeometry(_ op: String, kernel: Int, stride: Int?, padding: Int) throws
        -> (n: Int, c: Int, h: Int, w: Int, stride: Int, outH: Int, outW: Int) {
        let (n, c, h, w) = try planeDims(op)
        let s = stride ?? kernel
        guard kernel >= 1, s >= 1, padding >= 0, padding <= kernel / 2 else {
            throw TensorError.invalidArgument(op: op,
                "kernel \(kernel), stride \(s), padding \(padding) invalid (padding must be at most half the kernel)")
        }
        guard h + 2 * padding >= kernel, w + 2 * padding >= kernel else {
            throw TensorError.invalidArgument(op: op, "kernel \(kernel) larger than padded input of shape \(shape)")
        }
        return (n, c, h, w, s, (h + 2 * padding - kernel) / s + 1, (w + 2 * padding - kernel) / s + 1)
    }
}

/// Argmax positions of a max-pooling forward pass (one per output element), kept for its backward pass.
final class PoolIndices {
    let pointer: UnsafeMutablePointer<Int32>
    init(count: Int) { pointer = .allocate(capacity: Swift.max(count, 1)) }
    deinit { pointer.deallocate() }
}

extension Tensor {
    /// 2-D max pooling over square windows (`nn.MaxPool2d`, dilation 1, ceil_mode=False).
    ///
    /// Output size is ⌊(H + 2·padding − kernel) / stride⌋ + 1; padding never wins (it is −∞). Ties go to the first
    /// position in row-major order, as in PyTorch, and the gradient flows to that position only. `stride`
    /// defaults to `kernel`.
    /// - Throws: `TensorError.wrongRank`, `TensorError.invalidArgument` for a non-positive kernel or stride,
    ///   padding above kernel / 2, or a window larger than the padded input.
    public func maxPool2d(kernel: Int, stride: Int? = nil, padding: Int = 0) throws -> Tensor {
        let (n, c, h, w, s, oh, ow) = try poolGeometry("maxPool2d", kernel: kernel, stride: stride, padding: padding)
        let out = Tensor(zeros: [n, c, oh, ow], zeroed: false)
        let indices = PoolIndices(count: out.count)
        let src = data, dst = out.data, idx = indices.pointer
        let inPlane = h * w, outPlane = oh * ow
        Parallel.forEach(n * c) { p in
            let sp = src + p * inPlane, dp = dst + p * outPlane, ip = idx + p * outPlane
            for oy in 0..<oh {
                let y0 = Swift.max(oy * s - padding, 0), y1 = Swift.min(oy * s - padding + kernel, h)
                for ox in 0..<ow {
                    let x0 = Swift.max(ox * s - padding, 0), x1 = Swift.min(ox * s - padding + kernel, w)
                    var best = -Float.infinity, at = y0 * w + x0
                    for y in y0..<y1 {
                        let row = sp + y * w
                        for x in x0..<x1 where row[x] > best || row[x].isNaN {
                            best = row[x]
                            at = y * w + x
                            if best.isNaN { break }
                        }
                    }
                    dp[oy * ow + ox] = best
                    ip[oy * ow + ox] = Int32(at)
                }
            }
        }
        let inShape = shape
        return Tensor.record(out, "maxPool2d", inputs: [self]) { g in
            let r = Tensor(zeros: inShape, zeroed: true)
            let gs = g.data, rd = r.data, ix = indices.pointer
            Parallel.forEach(n * c) { p in
                let gp = gs + p * outPlane, rp = rd + p * inPlane, ip = ix + p * outPlane
                for o in 0..<outPlane { rp[Int(ip[o])] += gp[o] }
            }
            return [r]
        }
    }
}
