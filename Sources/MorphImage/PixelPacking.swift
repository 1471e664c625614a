import Foundation

/// The value range a tensor holds: [-1, 1] for translation models, [0, 1] for super-resolution.
public enum TensorRange {
    case minusOneToOne, zeroToOne

    /// Multiplier and offset taking a sample in [0, maxValue] to the range.
    func forward(maxValue: Float) -> (scale: Float, offset: Float) {
        switch self {
        case .zeroToOne: return (1 / maxValue, 0)
        case .minusOneToOne: return (2 / maxValue, -1)
        }
    }

    /// Multiplier and offset taking a range value back to [0, maxValue] (before rounding).
    func backward(maxValue: Float) -> (scale: Float, offset: Float) {
        switch self {
        case .zeroToOne: return (maxValue, 0)
        case .minusOneToOne: return (maxValue / 2, maxValue / 2)
        }
    }
}

/// Converts between interleaved 8/16-bit pixel rows and planar Float planes with plain pointer loops.
enum PixelPacking {
    /// Interleaved rows → RGB planes (gray replicated to 3) in `range`, plus alpha in [0, 1] when the layout has it.
    /// - Parameters:
    ///   - src: the first row; rows are `rowStride` bytes apart.
    ///   - rgb: plane 0 start; planes are `planeStride` floats apart, rows `width` floats apart.
    ///   - alpha: destination for the alpha plane (rows `width` apart), ignored when nil or the layout has none.
    static func planarize(src: UnsafeRawPointer, rowStride: Int, width: Int, rows: Int, bands: Int, bitDepth: Int,
                          range: TensorRange, rgb: UnsafeMutablePointer<Float>, planeStride: Int,
                          alpha: UnsafeMutablePointer<Float>?) {
        if bitDepth == 16 {
            planarize(UInt16.self, src, rowStride, width, rows, bands, range, rgb, planeStride, alpha)
        } else {
            planarize(UInt8.self, src, rowStride, width, rows, bands, range, rgb, planeStride, alpha)
        }
    }

    private static func planarize<S: FixedWidthInteger & UnsignedInteger>(
        _: S.Type, _ src: UnsafeRawPointer, _ rowStride: Int, _ width: Int, _ rows: Int, _ bands: Int,
        _ range: TensorRange, _ rgb: UnsafeMutablePointer<Float>, _ planeStride: Int, _ alpha: UnsafeMutablePointer<Float>?
    ) {
        let maxValue = Float(S.max)
        let (scale, offset) = range.forward(maxValue: maxValue)
        let alphaScale = 1 / maxValue
        let colour = bands <= 2 ? 1 : 3
        let hasAlpha = bands == 2 || bands == 4
        for y in 0..<rows {
            let row = (src + y * rowStride).assumingMemoryBound(to: S.self)
            let r = rgb + y * width, g = r + planeStride, b = g + planeStride
            if colour == 1 {
                for x in 0..<width {
                    let v = Float(row[x * bands]) * scale + offset
                    r[x] = v; g[x] = v; b[x] = v
                }
            } else {
                for x in 0..<width {
                    let p = row + x * bands
                    r[x] = Float(p[0]) * scale + offset
                    g[x] = Float(p[1]) * scale + offset
                    b[x] = Float(p[2]) * scale + offset
                }
            }
            if hasAlpha, let alpha {
                let a = alpha + y * width
                for x in 0..<width { a[x] = Float(row[x * bands + bands - 1]) * alphaScale }
            }
        }
    }

    /// RGB planes in `range` (+ optional alpha plane in [0, 1]) → interleaved rows of `bands` samples.
    /// Gray layouts (1 or 2 bands) take Rec. 601 luma of the three planes; a missing alpha plane means opaque.
    static func interleave(rgb: UnsafePointer<Float>, planeStride: Int, alpha: UnsafePointer<Float>?, width: Int,
                           rows: Int, bands: Int, bitDepth: Int, range: TensorRange, dst: UnsafeMutableRawPointer) {
        if bitDepth == 16 {
            interleave(UInt16.self, rgb, planeStride, alpha, width, rows, bands, range, dst)
        } else {
            interleave(UInt8.self, rgb, planeStride, alpha, width, rows, bands, range, dst)
        }
    }

    private static func interleave<S: FixedWidthInteger & UnsignedInteger>(
        _: S.Type, _ rgb: UnsafePointer<Float>, _ planeStride: Int, _ alpha: UnsafePointer<Float>?, _ width: Int,
        _ rows: Int, _ bands: Int, _ range: TensorRange, _ dst: UnsafeMutableRawPointer
    ) {
        let maxValue = Float(S.max)
        let (scale, offset) = range.backward(maxValue: maxValue)
        let out = dst.assumingMemoryBound(to: S.self)
        let hasAlpha = bands == 2 || bands == 4
        @inline(__always) func quantize(_ v: Float) -> S {
            let q = (v * scale + offset).rounded()
            return S(q < 0 ? 0 : (q > maxValue ? maxValue : q))
        }
        @inline(__always) func quantizeAlpha(_ v: Float) -> S {
            let q = (v * maxValue).rounded()
            return S(q < 0 ? 0 : (q > maxValue ? maxValue : q))
        }
        for y in 0..<rows {
            let r = rgb + y * width, g = r + planeStride, b = g + planeStride
            let row = out + y * width * bands
            if bands <= 2 {
                for x in 0..<width { row[x * bands] = quantize(Luma.rec601(r[x], g[x], b[x])) }
            } else {
                for x in 0..<width {
                    let p = row + x * bands
                    p[0] = quantize(r[x]); p[1] = quantize(g[x]); p[2] = quantize(b[x])
                }
            }
            if hasAlpha {
                if let alpha {
                    let a = alpha + y * width
                    for x in 0..<width { row[x * bands + bands - 1] = quantizeAlpha(a[x]) }
                } else {
                    for x in 0..<width { row[x * bands + bands - 1] = S.max }
                }
            }
        }
    }
}
