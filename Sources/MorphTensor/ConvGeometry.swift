import Foundation

/// The geometry of one 2-D convolution, seen from its input "image" side
/// (channels × height × width) and its output "column" side (outH × outW).
///
/// conv2d reads the image through im2col; its input gradient and
/// convTranspose2d write the image through col2im. Both work on a band of
/// output rows at a time so the column buffer stays bounded.
struct ConvGeometry {
    let channels: Int, height: Int, width: Int
    let kernelH: Int, kernelW: Int
    let stride: Int, padding: Int, dilation: Int
    let outH: Int, outW: Int

    /// Rows of the column matrix: channels · kh · kw.
    var columnRows: Int { channels * kernelH * kernelW }

    /// Whether the columns are the image itself (1×1, stride 1, no padding).
    var isPointwise: Bool { kernelH == 1 && kernelW == 1 && stride == 1 && padding == 0 }

    /// Output rows per band so that a band's columns fit in `budget` floats (at least one row).
    func bandRows(budget: Int = 4 << 20) -> Int {
        max(1, min(outH, budget / max(1, columnRows * outW)))
    }

    /// Fills `cols` ([columnRows, rows·outW]) from `image` for output rows `row0 ..< row0+rows`.
    func im2col(_ image: UnsafePointer<Float>, rows row0: Int, count rows: Int, into cols: UnsafeMutablePointer<Float>) {
        let n = rows * outW
        let kk = kernelH * kernelW
        Parallel.chunks(channels) { range in
            for c in range {
                let plane = image + c * height * width
                for i in 0..<kernelH {
                    for j in 0..<kernelW {
                        let dst0 = cols + ((c * kk) + i * kernelW + j) * n
                        let dx = j * dilation - padding
                        // Output columns whose input column lies inside the image.
                        let lo = dx >= 0 ? 0 : min(outW, (-dx + stride - 1) / stride)
                        let hi = max(lo, min(outW, (width - dx + stride - 1) / stride))
                        for r in 0..<rows {
                            let dst = dst0 + r * outW
                            let ih = (row0 + r) * stride - padding + i * dilation
                            if ih < 0 || ih >= height {
                                dst.update(repeating: 0, count: outW)
                                continue
                            }
                            let src = plane + ih * width + dx
                            if lo > 0 { dst.update(repeating: 0, count: lo) }
                            if stride == 1 {
                                (dst + lo).update(from: src + lo, count: hi - lo)
                            } else if stride == 2 {
                                ConvGeometry.gatherEven(src, dst, lo, hi, rowEnd: width - dx)
                            } else {
                                for ow in lo..<hi { dst[ow] = src[ow * stride] }
                            }
                            if hi < outW { (dst + hi).update(repeating: 0, count: outW - hi) }
                        }
                    }
                }
            }
        }
    }

    /// Adds `cols` ([columnRows, rows·outW]) back into `image` for output rows `row0 ..< row0+rows`.
    func col2im(_ cols: UnsafePointer<Float>, rows row0: Int, count rows: Int, into image: UnsafeMutablePointer<Float>) {
        let n = rows * outW
        let kk = kernelH * kernelW
        Parallel.chunks(channels) { range in
            for c in range {
                let plane = image + c * height * width
                for i in 0..<kernelH {
                    for j in 0..<kernelW {
                        let src0 = cols + ((c * kk) + i * kernelW + j) * n
                        let dx = j * dilation - padding
                        let lo = dx >= 0 ? 0 : min(outW, (-dx + stride - 1) / stride)
                        let hi = max(lo, min(outW, (width - dx + stride - 1) / stride))
                        for r in 0..<rows {
                            let ih = (row0 + r) * stride - padding + i * dilation
                            if ih < 0 || ih >= height { continue }
                            let src = src0 + r * outW
                            let dst = plane + ih * width + dx
                            if stride == 1 {
                                for ow in lo..<hi { dst[ow] += src[ow] }
                            } else if stride == 2 {
                                ConvGeometry.scatterAddEven(src, dst, lo, hi, rowEnd: width - dx)
                            } else {
                                for ow in lo..<hi { dst[ow * stride] += src[ow] }
                            }
                        }
                    }
                }
            }
        }
    }

    /// dst[ow] = src[2·ow] for ow in lo ..< hi (stride-2 im2col): eight outputs from the even lanes of each 16-wide
    /// load while the load stays inside the row (`rowEnd` floats from `src`), then one at a time.
    @inline(__always)
    static func gatherEven(_ src: UnsafePointer<Float>, _ dst: UnsafeMutablePointer<Float>, _ lo: Int, _ hi: Int,
                           rowEnd: Int) {
        var ow = lo
        while ow + 8 <= hi && 2 * ow + 16 <= rowEnd {
            UnsafeMutableRawPointer(dst + ow).storeBytes(of: Lanes.load16(src + 2 * ow).evenHalf, as: SIMD8<Float>.self)
            ow += 8
        }
        while ow < hi { dst[ow] = src[2 * ow]; ow += 1 }
    }

    /// dst[2·ow] += src[ow] for ow in lo ..< hi (stride-2 col2im), eight at a time into the even lanes of a 16-wide
    /// load and store that stays inside the row (`rowEnd` floats from `dst`); the odd lanes are stored unchanged.
    @inline(__always)
    static func scatterAddEven(_ src: UnsafePointer<Float>, _ dst: UnsafeMutablePointer<Float>, _ lo: Int, _ hi: Int,
                               rowEnd: Int) {
        var ow = lo
        while ow + 8 <= hi && 2 * ow + 16 <= rowEnd {
            var v = Lanes.load16(dst + 2 * ow)
            v.evenHalf += Lanes.load8(src + ow)
            Lanes.store(v, dst + 2 * ow)
            ow += 8
        }
        while ow < hi { dst[2 * ow] += src[ow]; ow += 1 }
    }
}
