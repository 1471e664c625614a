extension Tensor {
    /// Nearest-neighbour upsampling of an NCHW tensor by an integer factor: [N, C, H·s, W·s].
    /// - Throws: `TensorError.wrongRank`, `TensorError.invalidArgument` for a scale below 1.
    public func upsampleNearest(scale: Int) throws -> Tensor {
        let (n, c, h, w) = try planeDims("upsampleNearest")
        guard scale >= 1 else { throw TensorError.invalidArgument(op: "upsampleNearest", "scale \(scale) must be at least 1") }
        let oh = h * scale, ow = w * scale
        let out = Tensor(zeros: [n, c, oh, ow], zeroed: false)
        let src = data, dst = out.data
        let inPlane = h * w, outPlane = oh * ow
        Parallel.forEach(n * c) { p in
            let s = src + p * inPlane, d = dst + p * outPlane
            for y in 0..<h {
                let row = d + y * scale * ow, srow = s + y * w
                for x in 0..<w {
                    let v = srow[x], o = row + x * scale
                    for k in 0..<scale { o[k] = v }
                }
                for k in 1..<scale { (row + k * ow).update(from: row, count: ow) }
            }
        }
        let inShape = shape
        return Tensor.record(out, "upsampleNearest", inputs: [self]) { g in
            let r = Tensor(zeros: inShape, zeroed: true)
            let gs = g.data, rd = r.data
            Parallel.forEach(n * c) { p in
                let gp = gs + p * outPlane, rp = rd + p * inPlane
                for oy in 0..<oh {
                    let grow = gp + oy * ow, rrow = rp + (oy / scale) * w
                    for ox in 0..<ow { rrow[ox / scale] += grow[ox] }
                }
            }
            return [r]
        }
    }

    /// Bilinear upsampling by an integer factor with `align_corners=false` (as `nn.Upsample(mode: "bilinear")`).
    /// - Throws: `TensorError.wrongRank`, `TensorError.invalidArgument` for a scale below 1.
    public func upsampleBilinear(scale: Int) throws -> Tensor {
        let (_, _, h, w) = try planeDims("upsampleBilinear")
        guard scale >= 1 else { throw TensorError.invalidArgument(op: "upsampleBilinear", "scale \(scale) must be at least 1") }
        return try bilinear(outH: h * scale, outW: w * scale, scaleH: 1 / Float(scale), scaleW: 1 / Float(scale))
    }

    /// Bilinear resize to `size` (height, width) with `align_corners=false` (as `F.interpolate(size:)`).
    /// - Throws: `TensorError.wrongRank`, `TensorError.invalidArgument` for a non-positive size or an empty input.
    public func upsampleBilinear(size: (h: Int, w: Int)) throws -> Tensor {
        let (_, _, h, w) = try planeDims("upsampleBilinear")
        guard size.h > 0, size.w > 0, h > 0, w > 0 else {
            throw TensorError.invalidArgument(op: "upsampleBilinear", "cannot resize shape \(shape) to \(size.h)×\(size.w)")
        }
        return try bilinear(outH: size.h, outW: size.w, scaleH: Float(h) / Float(size.h), scaleW: Float(w) / Float(size.w))
    }

    /// Source taps of one axis: lower index, upper index and the upper weight, per output position.
    struct LinearTaps {
        var lo: [Int], hi: [Int], frac: [Float]

        /// PyTorch's align_corners=false mapping: src = max((dst + 0.5) · scale − 0.5, 0).
        init(inSize: Int, outSize: Int, scale: Float) {
            lo = []; hi = []; frac = []
            for o in 0..<outSize {
                let src = Swift.max((Float(o) + 0.5) * scale - 0.5, 0)
                let i0 = Swift.min(Int(src), inSize - 1)
                lo.append(i0)
                hi.append(Swift.min(i0 + 1, inSize - 1))
                frac.append(src - Float(i0))
            }
        }
    }

    /// Bilinear resampling kernel and its backward.
    func bilinear(outH oh: Int, outW ow: Int, scaleH: Float, scaleW: Float) throws -> Tensor {
        let (n, c, h, w) = try planeDims("upsampleBilinear")
        let ty = LinearTaps(inSize: h, outSize: oh, scale: scaleH)
        let tx = LinearTaps(inSize: w, outSize: ow, scale: scaleW)
        let out = Tensor(zeros: [n, c, oh, ow], zeroed: false)
        let src = data, dst = out.data
        let inPlane = h * w, outPlane = oh * ow
        Parallel.forEach(n * c) { p in
            let s = src + p * inPlane, d = dst + p * outPlane
            for oy in 0..<oh {
                let r0 = s + ty.lo[oy] * w, r1 = s + ty.hi[oy] * w
                let fy = ty.frac[oy], gy = 1 - fy
                let row = d + oy * ow
                for ox in 0..<ow {
                    let x0 = tx.lo[ox], x1 = tx.hi[ox], fx = tx.frac[ox], gx = 1 - fx
                    row[ox] = gy * (gx * r0[x0] + fx * r0[x1]) + fy * (gx * r1[x0] + fx * r1[x1])
                }
            }
        }
        let inShape = shape
        return Tensor.record(out, "upsampleBilinear", inputs: [self]) { g in
            let r = Tensor(zeros: inShape, zeroed: true)
            let gs = g.data, rd = r.data
            Parallel.forEach(n * c) { p in
                let gp = gs + p * outPlane, rp = rd + p * inPlane
                for oy in 0..<oh {
                    let r0 = rp + ty.lo[oy] * w, r1 = rp + ty.hi[oy] * w
                    let fy = ty.frac[oy], gy = 1 - fy
                    let grow = gp + oy * ow
                    for ox in 0..<ow {
                        let x0 = tx.lo[ox], x1 = tx.hi[ox], fx = tx.frac[ox], gx = 1 - fx
                        let v = grow[ox]
                        r0[x0] += gy * gx * v; r0[x1] += gy * fx * v
                        r1[x0] += fy * gx * v; r1[x1] += fy * fx * v
                    }
                }
            }
            return [r]
        }
    }

    /// Sub-pixel rearrangement [N, C·r², H, W] → [N, C, H·r, W·r] (`nn.PixelShuffle`).
    /// - Throws: `TensorError.wrongRank`, `TensorError.invalidArgument` when r < 1 or C is not a multiple of r².
    public func pixelShuffle(_ r: Int) throws -> Tensor {
        let (n, c, h, w) = try planeDims("pixelShuffle")
        guard r >= 1, c % (r * r) == 0 else {
            throw TensorError.invalidArgument(op: "pixelShuffle", "channels of shape \(shape) are not divisible by \(r)² (r = \(r))")
        }
        let out = Tensor.shuffleKernel(self, n: n, c: c / (r * r), h: h, w: w, r: r, toSpace: true)
        return Tensor.record(out, "pixelShuffle", inputs: [self]) { g in
            [Tensor.shuffleKernel(g, n: n, c: c / (r * r), h: h, w: w, r: r, toSpace: false)]
        }
    }

    /// Inverse of `pixelShuffle`: [N, C, H·r, W·r] → [N, C·r², H, W] (`nn.PixelUnshuffle`).
    /// - Throws: `TensorError.wrongRank`, `TensorError.invalidArgument` when r < 1 or H, W are not multiples of r.
    public func pixelUnshuffle(_ r: Int) throws -> Tensor {
        let (n, c, h, w) = try planeDims("pixelUnshuffle")
        guard r >= 1, h % r == 0, w % r == 0 else {
            throw TensorError.invalidArgument(op: "pixelUnshuffle", "height and width of shape \(shape) are not divisible by \(r)")
        }
        let out = Tensor.shuffleKernel(self, n: n, c: c, h: h / r, w: w / r, r: r, toSpace: false)
        return Tensor.record(out, "pixelUnshuffle", inputs: [self]) { g in
            [Tensor.shuffleKernel(g, n: n, c: c, h: h / r, w: w / r, r: r, toSpace: true)]
        }
    }

    /// Moves values between [N, C·r², H, W] (depth) and [N, C, H·r, W·r] (space):
    /// space[n, c, y·r + i, x·r + j] = depth[n, c·r² + i·r + j, y, x]. `toSpace` picks the direction.
    static func shuffleKernel(_ t: Tensor, n: Int, c: Int, h: Int, w: Int, r: Int, toSpace: Bool) -> Tensor {
        let out = Tensor(zeros: toSpace ? [n, c, h * r, w * r] : [n, c * r * r, h, w], zeroed: false)
        let src = t.data, dst = out.data
        let plane = h * w * r * r, sw = w * r
        Parallel.forEach(n * c) { p in
            let depth = (toSpace ? src : dst) + p * plane
            let space = (toSpace ? dst : src) + p * plane
            for i in 0..<r {
                for j in 0..<r {
                    let dp = depth + (i * r + j) * h * w
                    for y in 0..<h {
                        let drow = dp + y * w, srow = space + (y * r + i) * sw + j
                        if toSpace {
                            for x in 0..<w { srow[x * r] = drow[x] }
                        } else {
                            for x in 0..<w { drow[x] = srow[x * r] }
                        }
                    }
                }
            }
        }
        return out
    }
}
