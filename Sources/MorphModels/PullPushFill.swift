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

/// The weight pyramid of one mask, shared by every channel of its image. Levels live in one buffer each,
/// finest first; the loops run on raw pointers.
private final class Pyramid {
    /// Sizes per level, finest first.
    private(set) var sizes: [(h: Int, w: Int)] = []
    /// Known weights per level (`sizes[k].h · sizes[k].w` values each).
    private var weights: [UnsafeMutablePointer<Double>] = []
    /// Scratch: one colour buffer per level and one upsampling buffer.
    private var colours: [UnsafeMutablePointer<Double>] = []
    private let scratch: UnsafeMutablePointer<Double>

    init(mask: UnsafePointer<Float>, height: Int, width: Int) {
        let first = UnsafeMutablePointer<Double>.allocate(capacity: height * width)
        var missing = false
        for i in 0..<(height * width) {
            first[i] = mask[i] > 0.5 ? 0 : 1
            missing = missing || first[i] == 0
        }
        sizes = [(height, width)]
        weights = [first]
        while missing, let last = sizes.last, max(last.h, last.w) > 1 {
            let coarse = (h: (last.h + 1) / 2, w: (last.w + 1) / 2)
            let next = UnsafeMutablePointer<Double>.allocate(capacity: coarse.h * coarse.w)
            let fine = weights[weights.count - 1]
            missing = false
            for y in 0..<coarse.h {
                for x in 0..<coarse.w {
                    let (sum, count) = Pyramid.childSum(fine, last, y, x)
                    next[y * coarse.w + x] = sum / Double(count)
                    missing = missing || sum == 0
                }
            }
            sizes.append(coarse)
            weights.append(next)
        }
        colours = sizes.map { UnsafeMutablePointer<Double>.allocate(capacity: $0.h * $0.w) }
        scratch = UnsafeMutablePointer<Double>.allocate(capacity: height * width)
    }

    deinit {
        for p in weights + colours { p.deallocate() }
        scratch.deallocate()
    }

    /// Σ values and the count of the (up to four) children in `fine` of coarse pixel (y, x).
    @inline(__always)
    static func childSum(_ values: UnsafePointer<Double>, _ fine: (h: Int, w: Int), _ y: Int, _ x: Int) -> (Double, Int) {
        var sum = 0.0, count = 0
        for fy in (2 * y)..<min(2 * y + 2, fine.h) {
            for fx in (2 * x)..<min(2 * x + 2, fine.w) {
                sum += values[fy * fine.w + fx]
                count += 1
            }
        }
        return (sum, count)
    }

    /// Fills one channel `source` (size of level 0) into `target`.
    func fill(_ source: UnsafePointer<Float>, into target: UnsafeMutablePointer<Float>) {
        let (h0, w0) = sizes[0]
        for i in 0..<(h0 * w0) { colours[0][i] = weights[0][i] > 0 ? Double(source[i]) : 0 }
        // Pull: weighted means down the pyramid, C = Σ C_k·W_k / Σ W_k.
        for k in 1..<sizes.count {
            let fine = sizes[k - 1], (h, w) = sizes[k]
            let fineColour = colours[k - 1], fineWeight = weights[k - 1]
            for i in 0..<(fine.h * fine.w) { scratch[i] = fineColour[i] * fineWeight[i] }
            for y in 0..<h {
                for x in 0..<w {
                    let (sum, count) = Pyramid.childSum(scratch, fine, y, x)
                    let support = weights[k][y * w + x] * Double(count)   // Σ W_k over the children
                    colours[k][y * w + x] = support > 0 ? sum / support : 0
                }
            }
        }
        // Push: F_k = W_k·C_k + (1 − W_k)·up(F_{k+1}), in place in the colour buffers.
        for k in stride(from: sizes.count - 2, through: 0, by: -1) {
            Pyramid.upsample(colours[k + 1], from: sizes[k + 1], to: sizes[k], into: scratch)
            let weight = weights[k], colour = colours[k]
            for i in 0..<(sizes[k].h * sizes[k].w) { colour[i] = weight[i] * colour[i] + (1 - weight[i]) * scratch[i] }
        }
        for i in 0..<(h0 * w0) { target[i] = Float(colours[0][i]) }
    }

    /// Bilinear ×2 upsampling (half-pixel centres, edges clamped) of `values` to the size `to`, into `out`.
    static func upsample(_ values: UnsafePointer<Double>, from: (h: Int, w: Int), to: (h: Int, w: Int),
                         into out: UnsafeMutablePointer<Double>) {
        @inline(__always) func taps(_ i: Int, _ limit: Int) -> (Int, Int, Double) {
            let s = min(max((Double(i) + 0.5) / 2 - 0.5, 0), Double(limit - 1))
            let i0 = Int(s.rounded(.down))
            return (i0, min(i0 + 1, limit - 1), s - Double(i0))
        }
        for y in 0..<to.h {
            let (y0, y1, fy) = taps(y, from.h)
            let top = values + y0 * from.w, bottom = values + y1 * from.w
            for x in 0..<to.w {
                let (x0, x1, fx) = taps(x, from.w)
                let upper = top[x0] * (1 - fx) + top[x1] * fx
                let lower = bottom[x0] * (1 - fx) + bottom[x1] * fx
                out[y * to.w + x] = upper * (1 - fy) + lower * fy
            }
        }
    }
}
