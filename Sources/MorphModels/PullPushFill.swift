import MorphTensor

/// A parameter-free coarse fill of image holes by pull–push interpolation (Gortler et al., "The Lumigraph",
/// SIGGRAPH 1996): known pixels are averaged down a pyramid until every pixel of the coarsest level has support,
/// then the levels are blended back up, each hole taking the bilinearly upsampled colour of the level above.
///
/// The fill is smooth and local: a hole takes the colours of its own surroundings at the scale of the hole.
/// `GatedInpaintGenerator` starts from it and learns only the correction, so even a briefly trained network
/// paints plausible colours rather than the dataset's mean.
///
/// Exact definition (mirrored by `Tests/Fixtures/gen/inpaint.py`), per image and channel, with known weight
/// `W₀ = 1 − mask` and colour `C₀ = image`:
/// - pull: while some weight of the current level is 0 and the level is larger than 1×1, level k+1 has size
///   ⌈h/2⌉×⌈w/2⌉; its pixel covers the (up to four) pixels 2Y…2Y+1 × 2X…2X+1 that exist, with
///   `W = mean(W_k)` and `C = Σ C_k·W_k / Σ W_k` (0 where `Σ W_k = 0`);
/// - push: `F_top = C_top`, then `F_k = W_k·C_k + (1 − W_k)·up(F_{k+1})`, where `up` samples `F_{k+1}` bilinearly
///   at ((y + ½)/2 − ½, (x + ½)/2 − ½), clamped to its edges.
/// Known pixels therefore keep their value exactly. An image with no known pixel fills with 0.
public enum PullPushFill {
    /// The filled copy of `image` `[N, C, H, W]` for `mask` `[N, 1, H, W]` (values above ½ are holes).
    /// Computed in double precision; no gradient flows through it.
    /// - Throws: `TensorError.shapeMismatch` when the shapes do not match.
    public static func fill(image: Tensor, mask: Tensor) throws -> Tensor {
        guard image.rank == 4, mask.rank == 4, mask.shape[1] == 1, mask.shape[0] == image.shape[0],
              Array(mask.shape[2...]) == Array(image.shape[2...]) else {
            throw TensorError.shapeMismatch(op: "PullPushFill.fill", image.shape, mask.shape)
        }
        let (n, c, h, w) = (image.shape[0], image.shape[1], image.shape[2], image.shape[3])
        let out = Tensor(zeros: image.shape, zeroed: false)
        let plane = h * w
        for b in 0..<n {
            let pyramid = Pyramid(mask: mask.data + b * plane, height: h, width: w)
            for ch in 0..<c {
                let offset = (b * c + ch) * plane
                pyramid.fill(image.data + offset, into: out.data + offset)
            }
        }
        return out
    }
}

/// The weight pyramid of one mask, shared by every channel of its image.
private struct Pyramid {
    /// Sizes and known weights per level, finest first.
    var sizes: [(h: Int, w: Int)] = []
    var weights: [[Double]] = []

    init(mask: UnsafePointer<Float>, height: Int, width: Int) {
        var level = [Double](repeating: 0, count: height * width)
        for i in 0..<(height * width) { level[i] = mask[i] > 0.5 ? 0 : 1 }
        sizes = [(height, width)]
        weights = [level]
        while weights[weights.count - 1].contains(where: { $0 <= 0 }), let last = sizes.last, max(last.h, last.w) > 1 {
            let coarse = ((last.h + 1) / 2, (last.w + 1) / 2)
            var next = [Double](repeating: 0, count: coarse.0 * coarse.1)
            Pyramid.pool(weights[weights.count - 1], last, coarse) { y, x, sum, count in next[y * coarse.1 + x] = sum / Double(count) }
            sizes.append(coarse)
            weights.append(next)
        }
    }

    /// Calls `body(Y, X, Σ values, count)` for each pixel of the `coarse` level over its existing children in `fine`.
    static func pool(_ values: [Double], _ fine: (h: Int, w: Int), _ coarse: (h: Int, w: Int),
                     _ body: (Int, Int, Double, Int) -> Void) {
        for y in 0..<coarse.h {
            for x in 0..<coarse.w {
                var sum = 0.0, count = 0
                for fy in (2 * y)..<min(2 * y + 2, fine.h) {
                    for fx in (2 * x)..<min(2 * x + 2, fine.w) {
                        sum += values[fy * fine.w + fx]
                        count += 1
                    }
                }
                body(y, x, sum, count)
            }
        }
    }

    /// Fills one channel `source` (size of level 0) into `target`.
    func fill(_ source: UnsafePointer<Float>, into target: UnsafeMutablePointer<Float>) {
        let (h0, w0) = sizes[0]
        var colour = [Double](repeating: 0, count: h0 * w0)
        for i in 0..<(h0 * w0) where weights[0][i] > 0 { colour[i] = Double(source[i]) }
        var colours = [colour]
        // Pull: weighted means down the pyramid.
        for k in 1..<sizes.count {
            let fine = colours[k - 1], fineWeights = weights[k - 1]
            var weighted = [Double](repeating: 0, count: fine.count)
            for i in 0..<fine.count { weighted[i] = fine[i] * fineWeights[i] }
            var next = [Double](repeating: 0, count: sizes[k].h * sizes[k].w)
            let coarseWeights = weights[k], width = sizes[k].w
            Pyramid.pool(weighted, sizes[k - 1], sizes[k]) { y, x, sum, count in
                let weight = coarseWeights[y * width + x] * Double(count)   // Σ W_k over the children
                next[y * width + x] = weight > 0 ? sum / weight : 0
            }
            colours.append(next)
        }
        // Push: blend each level with the upsampled level above.
        var filled = colours[colours.count - 1]
        for k in stride(from: sizes.count - 2, through: 0, by: -1) {
            let up = Pyramid.upsample(filled, from: sizes[k + 1], to: sizes[k])
            var level = colours[k]
            for i in 0..<level.count { level[i] = weights[k][i] * level[i] + (1 - weights[k][i]) * up[i] }
            filled = level
        }
        for i in 0..<(h0 * w0) { target[i] = Float(filled[i]) }
    }

    /// Bilinear ×2 upsampling (half-pixel centres, edges clamped) of `values` to the size `to`.
    static func upsample(_ values: [Double], from: (h: Int, w: Int), to: (h: Int, w: Int)) -> [Double] {
        func taps(_ i: Int, _ limit: Int) -> (Int, Int, Double) {
            let s = min(max((Double(i) + 0.5) / 2 - 0.5, 0), Double(limit - 1))
            let i0 = Int(s.rounded(.down))
            return (i0, min(i0 + 1, limit - 1), s - Double(i0))
        }
        var out = [Double](repeating: 0, count: to.h * to.w)
        for y in 0..<to.h {
            let (y0, y1, fy) = taps(y, from.h)
            for x in 0..<to.w {
                let (x0, x1, fx) = taps(x, from.w)
                let top = values[y0 * from.w + x0] * (1 - fx) + values[y0 * from.w + x1] * fx
                let bottom = values[y1 * from.w + x0] * (1 - fx) + values[y1 * from.w + x1] * fx
                out[y * to.w + x] = top * (1 - fy) + bottom * fy
            }
        }
        return out
    }
}
