import Foundation

/// The Winograd algorithm of one correlation: F(2×2, 3×3) reads 4×4 input tiles (16 transform positions per tile),
/// F(2×2, 2×2) reads 3×3 tiles (9 positions; it runs the 2×2 convs that stride-2 4×4 convs split into, see
/// `WinogradStride2`). Both write 2×2 output tiles.
enum WinogradTile: Equatable {
    case f2x3, f2x2

    /// Transform positions per tile: multiplies per 2×2 outputs and input/output channel pair.
    var positions: Int { self == .f2x3 ? 16 : 9 }
}

extension Winograd {
    /// The input transform of `tile`'s algorithm (see `transformInput` and `transformInput2x2`).
    @inline(__always)
    static func transformInput(_ image: UnsafePointer<Float>, channels: Int, range: Range<Int>, layout: TileLayout,
                               first: Int, count: Int, tile: WinogradTile, into v: UnsafeMutablePointer<Float>) {
        if tile == .f2x3 {
            transformInput(image, channels: channels, range: range, layout: layout, first: first, count: count, into: v)
        } else {
            transformInput2x2(image, channels: channels, range: range, layout: layout, first: first, count: count, into: v)
        }
    }

    /// F(2×2, 2×2): V_ξ[c, t] = (Bᵀ d B)_ξ for the 3×3 input tile d (rows 2ti − pad …, columns 2tj − pad …) of
    /// channel c in `range` and tile `first + t`; V is [9][channels][count].
    ///
    /// Bᵀ = [1 −1 0; 0 1 0; 0 −1 1] (interpolation points 0, 1, ∞: only additions, exact up to one rounding).
    static func transformInput2x2(_ image: UnsafePointer<Float>, channels: Int, range: Range<Int>, layout lay: TileLayout,
                                  first: Int, count: Int, into v: UnsafeMutablePointer<Float>) {
        let span = 2 * min(count, lay.tilesW) + 48
        withUnsafeTemporaryAllocation(of: Float.self, capacity: 6 * span) { buf in
            guard let rows = buf.baseAddress else { return }
            rows.initialize(repeating: 0, count: 6 * span)
            for c in range {
                let plane = image + c * lay.height * lay.width
                lay.runs(first: first, count: count) { ti, tj0, tj1, offset in
                    let n = tj1 - tj0, len = 2 * n + 1, x0 = 2 * tj0 - lay.pad
                    for r in 0..<3 {
                        TileLayout.copyRow(plane, rows: lay.height, columns: lay.width, row: 2 * ti - lay.pad + r, column: x0,
                                           count: len, into: rows + r * span)
                    }
                    let d0 = rows, d1 = rows + span, d2 = rows + 2 * span
                    let e0 = rows + 3 * span, e2 = rows + 5 * span
                    var i = 0
                    while i < len {
                        let b = load16(d1 + i)
                        store(load16(d0 + i) - b, e0 + i)
                        store(load16(d2 + i) - b, e2 + i)
                        i += 16
                    }
                    let dst = v + c * count + offset, position = channels * count
                    for row in 0..<3 {
                        let e = row == 0 ? e0 : (row == 1 ? d1 : e2), out = dst + 3 * row * position
                        var j = 0
                        while j < n {
                            let lo = load16(e + 2 * j), c0 = lo.evenHalf, c1 = lo.oddHalf
                            let c2 = load16(e + 2 * j + 2).evenHalf
                            let left = n - j
                            storePartial(c0 - c1, out + j, left)
                            storePartial(c1, out + position + j, left)
                            storePartial(c2 - c1, out + 2 * position + j, left)
                            j += 8
                        }
                    }
                }
            }
        }
    }
}
