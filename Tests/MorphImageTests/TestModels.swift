import Foundation
import MorphTensor

/// Cheap deterministic "models" for tiler tests, written as plain pointer loops.
enum TestModels {
    /// 3×3 box blur per channel with zero padding (receptive field 3).
    static func boxBlur(_ x: Tensor) -> Tensor {
        let c = x.shape[1], h = x.shape[2], w = x.shape[3]
        let out = Tensor(zeros: x.shape)
        for ch in 0..<c {
            let src = x.data + ch * h * w, dst = out.data + ch * h * w
            for y in 0..<h {
                for xx in 0..<w {
                    var s: Float = 0
                    for dy in -1...1 where y + dy >= 0 && y + dy < h {
                        for dx in -1...1 where xx + dx >= 0 && xx + dx < w { s += src[(y + dy) * w + xx + dx] }
                    }
                    dst[y * w + xx] = s / 9
                }
            }
        }
        return out
    }

    /// Nearest-neighbour upscale by an integer factor.
    static func nearest(_ x: Tensor, scale: Int) -> Tensor {
        let c = x.shape[1], h = x.shape[2], w = x.shape[3]
        let ow = w * scale
        let out = Tensor(zeros: [1, c, h * scale, ow], zeroed: false)
        for ch in 0..<c {
            let src = x.data + ch * h * w, dst = out.data + ch * h * scale * ow
            for y in 0..<h {
                let row = dst + y * scale * ow
                let s = src + y * w
                for xx in 0..<w {
                    let v = s[xx]
                    for k in 0..<scale { row[xx * scale + k] = v }
                }
                for k in 1..<max(scale, 1) { (row + k * ow).update(from: row, count: ow) }
            }
        }
        return out
    }

    /// A smooth-ish deterministic [1, c, h, w] tensor in [-1, 1].
    static func input(channels: Int = 3, height: Int, width: Int, seed: UInt64 = 7) -> Tensor {
        var rng = SeededRNG(seed: seed)
        return Tensor.uniform([1, channels, height, width], low: -1, high: 1, rng: &rng)
    }
}

/// Largest absolute elementwise difference of two equally shaped tensors.
func maxAbsDifference(_ a: Tensor, _ b: Tensor) -> Float {
    precondition(a.shape == b.shape, "shapes \(a.shape) vs \(b.shape)")
    var m: Float = 0
    for i in 0..<a.count { m = max(m, abs(a.data[i] - b.data[i])) }
    return m
}
