import Foundation
import MorphTensor

/// Which holes inpainting training cuts into images.
public enum MaskKind: String, CaseIterable, Sendable {
    /// Random brush strokes (DeepFill v2's free-form masks).
    case freeForm = "free_form"
    /// One axis-aligned rectangle.
    case box
    /// Free-form or box, half the time each.
    case mixed
}

/// Draws random binary hole masks `[1, 1, H, W]` (1 = hole), seeded.
///
/// Free-form masks follow Yu et al., "Free-Form Image Inpainting with Gated Convolution" (ICCV 2019), Alg. 1:
/// 1–`maxStrokes` strokes, each a polyline of 4–12 vertices that turns by random angles, drawn with a round brush
/// whose width is 4–12 % of the shorter side and segment lengths up to 25 % of it. Boxes take 10–50 % of each side.
public struct MaskGenerator {
    /// The mask family.
    public var kind: MaskKind
    /// Most strokes in one free-form mask.
    public var maxStrokes: Int

    /// A generator of `kind` masks.
    public init(kind: MaskKind = .mixed, maxStrokes: Int = 4) {
        self.kind = kind
        self.maxStrokes = max(1, maxStrokes)
    }

    /// A new mask; never empty and never the whole image.
    public func make(height: Int, width: Int, rng: inout SeededRNG) -> Tensor {
        let mask = Tensor.zeros([1, 1, height, width])
        let useBox: Bool
        switch kind {
        case .box: useBox = true
        case .freeForm: useBox = false
        case .mixed: useBox = rng.nextInt(below: 2) == 0
        }
        if useBox { box(mask, height, width, &rng) } else { strokes(mask, height, width, &rng) }
        // Guarantee a hole and some context, whatever the draw gave.
        let count = mask.values.reduce(0, +)
        if count == 0 { mask.data[(height / 2) * width + width / 2] = 1 }
        if Int(count) == height * width { mask.data[0] = 0 }
        return mask
    }

    private func uniform(_ lo: Double, _ hi: Double, _ rng: inout SeededRNG) -> Double {
        lo + (hi - lo) * Double(rng.next() >> 11) / Double(1 << 53)
    }

    private func box(_ mask: Tensor, _ h: Int, _ w: Int, _ rng: inout SeededRNG) {
        let bh = max(1, Int(Double(h) * uniform(0.1, 0.5, &rng))), bw = max(1, Int(Double(w) * uniform(0.1, 0.5, &rng)))
        let top = rng.nextInt(below: h - bh + 1), left = rng.nextInt(below: w - bw + 1)
        for y in top..<(top + bh) { for x in left..<(left + bw) { mask.data[y * w + x] = 1 } }
    }

    private func strokes(_ mask: Tensor, _ h: Int, _ w: Int, _ rng: inout SeededRNG) {
        let side = Double(min(h, w))
        for _ in 0..<(1 + rng.nextInt(below: maxStrokes)) {
            var x = uniform(0, Double(w), &rng), y = uniform(0, Double(h), &rng)
            let brush = max(1, side * uniform(0.04, 0.12, &rng))
            var angle = uniform(0, 2 * Double.pi, &rng)
            for vertex in 0..<(4 + rng.nextInt(below: 9)) {
                angle += (vertex % 2 == 0 ? 1 : -1) * uniform(0, 0.8 * Double.pi, &rng)
                let length = uniform(0.05, 0.25, &rng) * side
                let nx = min(max(x + length * cos(angle), 0), Double(w - 1))
                let ny = min(max(y + length * sin(angle), 0), Double(h - 1))
                paintSegment(mask, h, w, (x, y), (nx, ny), radius: brush / 2)
                x = nx
                y = ny
            }
        }
    }

    /// Sets every pixel whose centre is within `radius` of the segment a–b.
    private func paintSegment(_ mask: Tensor, _ h: Int, _ w: Int, _ a: (Double, Double), _ b: (Double, Double),
                              radius: Double) {
        let x0 = max(0, Int((min(a.0, b.0) - radius).rounded(.down))), x1 = min(w - 1, Int((max(a.0, b.0) + radius).rounded(.up)))
        let y0 = max(0, Int((min(a.1, b.1) - radius).rounded(.down))), y1 = min(h - 1, Int((max(a.1, b.1) + radius).rounded(.up)))
        guard x0 <= x1, y0 <= y1 else { return }
        let dx = b.0 - a.0, dy = b.1 - a.1, len2 = dx * dx + dy * dy
        let r2 = radius * radius
        for py in y0...y1 {
            for px in x0...x1 {
                let cx = Double(px) + 0.5, cy = Double(py) + 0.5
                let t = len2 > 0 ? min(max(((cx - a.0) * dx + (cy - a.1) * dy) / len2, 0), 1) : 0
                let ex = a.0 + t * dx - cx, ey = a.1 + t * dy - cy
                if ex * ex + ey * ey <= r2 { mask.data[py * w + px] = 1 }
            }
        }
    }
}
