/// How `padded` fills the border.
public enum PaddingMode: String, Sendable, CaseIterable {
    /// Zeros outside the input.
    case zeros
    /// The mirror image without repeating the edge (PyTorch `ReflectionPad2d`); each pad must be below the size.
    case reflect
    /// The edge value repeated (PyTorch `ReplicationPad2d`).
    case replicate
    /// The mirror image without repeating the edge, going on reflecting past the far edge (numpy's `reflect`): pads
    /// may be any length; a side of one pixel is repeated.
    case reflectRepeating
}

extension Tensor {
    /// Pads the two spatial dimensions of an NCHW tensor.
    ///
    /// Output shape is `[N, C, H + top + bottom, W + left + right]`.
    /// - Throws: `TensorError.wrongRank` for a non-NCHW input; `TensorError.invalidArgument` for negative pads,
    ///   reflect pads not smaller than the padded size, or replicate padding of an empty plane.
    public func padded(left: Int, right: Int, top: Int, bottom: Int, mode: PaddingMode) throws -> Tensor {
        let (n, c, h, w) = try planeDims("padded")
        guard left >= 0, right >= 0, top >= 0, bottom >= 0 else {
            throw TensorError.invalidArgument(op: "padded", "negative padding (\(left), \(right), \(top), \(bottom)) for shape \(shape)")
        }
        switch mode {
        case .zeros: break
        case .reflect:
            guard left < w, right < w, top < h, bottom < h else {
                throw TensorError.invalidArgument(op: "padded",
                    "reflect padding (left \(left), right \(right), top \(top), bottom \(bottom)) must be smaller than the input size \(h)×\(w) of shape \(shape)")
            }
        case .replicate, .reflectRepeating:
            guard h > 0, w > 0 || (left == 0 && right == 0) else {
                throw TensorError.invalidArgument(op: "padded", "\(mode.rawValue) padding of an empty plane, shape \(shape)")
            }
        }
        let oh = h + top + bottom, ow = w + left + right
        let rows = Tensor.padIndexMap(size: h, before: top, after: bottom, mode: mode)
        let cols = Tensor.padIndexMap(size: w, before: left, after: right, mode: mode)
        let out = Tensor(zeros: [n, c, oh, ow], zeroed: false)
        let src = data, dst = out.data
        let inPlane = h * w, outPlane = oh * ow
        Parallel.forEach(n * c) { p in
            let s = src + p * inPlane, d = dst + p * outPlane
            for oy in 0..<oh {
                let row = d + oy * ow
                let iy = rows[oy]
                if iy < 0 {
                    row.update(repeating: 0, count: ow)
                    continue
                }
                let srow = s + iy * w
                for ox in 0..<left { let ix = cols[ox]; row[ox] = ix < 0 ? 0 : srow[ix] }
                (row + left).update(from: srow, count: w)
                for ox in (left + w)..<ow { let ix = cols[ox]; row[ox] = ix < 0 ? 0 : srow[ix] }
            }
        }
        let inShape = shape
        return Tensor.record(out, "padded", inputs: [self]) { g in
            let r = Tensor(zeros: inShape, zeroed: true)
            let gs = g.data, rd = r.data
            Parallel.forEach(n * c) { p in
                let gp = gs + p * outPlane, rp = rd + p * inPlane
                for oy in 0..<oh {
                    let iy = rows[oy]
                    if iy < 0 { continue }
                    let grow = gp + oy * ow, rrow = rp + iy * w
                    for ox in 0..<ow {
                        let ix = cols[ox]
                        if ix >= 0 { rrow[ix] += grow[ox] }
                    }
                }
            }
            return [r]
        }
    }

    /// For each padded position along one axis, the source index (or -1 for a zero).
    static func padIndexMap(size: Int, before: Int, after: Int, mode: PaddingMode) -> [Int] {
        (0..<(size + before + after)).map { o in
            let i = o - before
            if i >= 0 && i < size { return i }
            switch mode {
            case .zeros: return -1
            case .replicate: return i < 0 ? 0 : size - 1
            case .reflect, .reflectRepeating:
                guard size > 1 else { return 0 }
                let period = 2 * (size - 1), r = (i % period + period) % period
                return r < size ? r : period - r
            }
        }
    }
}
