import Foundation

/// The Winograd algorithm of one correlation: F(2×2, 3×3) reads 4×4 input tiles (16 transform positions per tile)
/// and F(4×4, 3×3) 6×6 tiles (36 positions) for 3×3 kernels; F(2×2, 2×2) reads 3×3 tiles (9 positions; it runs the
/// 2×2 convs that stride-2 4×4 convs split into, see `WinogradStride2`).
enum WinogradTile: Equatable {
    case f2x3, f4x3, f2x2

    /// Transform positions per tile: multiplies per tile and input/output channel pair.
    var positions: Int {
        switch self {
        case .f2x3: return 16
        case .f4x3: return 36
        case .f2x2: return 9
        }
    }

    /// Side of the square output tile (tiles step by this much over the image).
    var side: Int { self == .f4x3 ? 4 : 2 }

    /// Tiles along an output side of `length` pixels (the last one may reach past it).
    func tiles(along length: Int) -> Int { (length + side - 1) / side }

    /// Tiles covering an outH × outW output.
    func tiles(outH: Int, outW: Int) -> Int { tiles(along: outH) * tiles(along: outW) }
}

extension Winograd {
    /// The input transform of `tile`'s algorithm (see `transformInput` and `transformInput2x2`).
    @inline(__always)
    static func transformInput(_ image: UnsafePointer<Float>, channels: Int, range: Range<Int>, layout: TileLayout,
                               first: Int, count: Int, tile: WinogradTile, into v: UnsafeMutablePointer<Float>) {
        switch tile {
        case .f2x3:
            transformInput(image, channels: channels, range: range, layout: layout, first: first, count: count, into: v)
        case .f4x3:
            transformInput4x4(image, channels: channels, range: range, layout: layout, first: first, count: count, into: v)
        case .f2x2:
            transformInput2x2(image, channels: channels, range: range, layout: layout, first: first, count: count, into: v)
        }
    }

    /// F(2×2, 2×2): V_ξ[c, t] = (Bᵀ d B)_ξ for the 3×3 input tile d (rows 2ti − pad …, columns 2tj − pad …) of
    /// channel c in `range` and tile `first + t`; V is [9][channels][count].
    ///
    /// Bᵀ = [1 −1 0; 0 1 0; 0 −1 1] (interpolation points 0, 1, ∞: only additions, exact up to one rounding).
    static func transformInput2x2(_ image: UnsafePointer<Float>, channels: Int, range: Range<Int>, layout lay: TileLayout,
                                  first: Int, count: Int, into v: UnsafeMutablePointer<Float>) {
        // Rows d0, d1, d2 of the run, then the row pass e0 = d0 − d1 and e2 = d2 − d1 (the middle row is d1 itself).
        lay.forEachInputRun(image, channels: range, first: first, count: count, tileRows: 3, scratchRows: 5) {
            rows, span, c, n, offset in
            let len = 2 * n + 1
            let d0 = rows, d1 = rows + span, d2 = rows + 2 * span
            let e0 = rows + 3 * span, e2 = rows + 4 * span
            var i = 0
            while i < len {
                let b = Lanes.load16(d1 + i)
                Lanes.store(Lanes.load16(d0 + i) - b, e0 + i)
                Lanes.store(Lanes.load16(d2 + i) - b, e2 + i)
                i += 16
            }
            let dst = v + c * count + offset, position = channels * count
            for row in 0..<3 {
                let e = row == 0 ? e0 : (row == 1 ? d1 : e2), out = dst + 3 * row * position
                var j = 0
                while j < n {
                    let lo = Lanes.load16(e + 2 * j), c0 = lo.evenHalf, c1 = lo.oddHalf
                    let c2 = Lanes.load16(e + 2 * j + 2).evenHalf
                    let left = n - j
                    Lanes.storePartial(c0 - c1, out + j, left)
                    Lanes.storePartial(c1, out + position + j, left)
                    Lanes.storePartial(c2 - c1, out + 2 * position + j, left)
                    j += 8
                }
            }
        }
    }
}
