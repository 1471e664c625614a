import Foundation

/// The transforms of Winograd F(4×4, 3×3) (interpolation points 0, ±1, ±2, ∞): 6×6 input tiles a stride of 4 apart,
/// 36 transform positions, 4×4 output tiles. Per output pixel and channel pair it multiplies 36/16 = 2.25 times,
/// where F(2×2, 3×3) multiplies 4 times and im2col 9.
///
/// Bᵀ = [4 0 −5 0 1 0; 0 −4 −4 1 1 0; 0 4 −4 −1 1 0; 0 −2 −1 2 1 0; 0 2 −1 −2 1 0; 0 4 0 −5 0 1],
/// Aᵀ = [1 1 1 1 1 0; 0 1 −1 2 −2 0; 0 1 1 4 4 0; 0 1 −1 8 −8 1], and G is `Winograd.kernelTransform(.f4x3)`.
/// Every pass works on eight tiles at once: a 32-wide load of a row segment holds four columns of eight tiles,
/// which its even and odd halves split apart.
extension Winograd {
    /// Bᵀ x for the six values x0…x5 of one tile row or column.
    @inline(__always)
    static func inputRule4x4<V: SIMD>(_ x0: V, _ x1: V, _ x2: V, _ x3: V, _ x4: V, _ x5: V) -> (V, V, V, V, V, V)
    where V.Scalar == Float {
        let four: V.Scalar = 4, five: V.Scalar = 5, two: V.Scalar = 2
        let d13 = x1 - x3, s24 = x4 - x2
        return (four * x0 - five * x2 + x4,
                x3 + x4 - four * (x1 + x2),
                x4 - x3 + four * (x1 - x2),
                s24 - two * d13,
                s24 + two * d13,
                four * x1 - five * x3 + x5)
    }

    /// V_ξ[c, t] = (Bᵀ d B)_ξ for the 6×6 input tile d of channel c in `range` and tile `first + t`; V is
    /// [36][channels][count], position ξ = 6·row + column.
    static func transformInput4x4(_ image: UnsafePointer<Float>, channels: Int, range: Range<Int>, layout lay: TileLayout,
                                  first: Int, count: Int, into v: UnsafeMutablePointer<Float>) {
        // Rows d0…d5 of the run, then the row pass e0…e5 = Bᵀ d over whole row segments.
        lay.forEachInputRun(image, channels: range, first: first, count: count, tileRows: 6, scratchRows: 12) {
            rows, span, c, n, offset in
            let len = 4 * n + 2
            var i = 0
            while i < len {
                @inline(__always) func d(_ r: Int) -> SIMD16<Float> { Lanes.load16(rows + r * span + i) }
                let e = inputRule4x4(d(0), d(1), d(2), d(3), d(4), d(5))
                Lanes.store(e.0, rows + 6 * span + i); Lanes.store(e.1, rows + 7 * span + i); Lanes.store(e.2, rows + 8 * span + i)
                Lanes.store(e.3, rows + 9 * span + i); Lanes.store(e.4, rows + 10 * span + i); Lanes.store(e.5, rows + 11 * span + i)
                i += 16
            }
            let dst = v + c * count + offset, position = channels * count
            for row in 0..<6 {
                let e = rows + (6 + row) * span, out = dst + 6 * row * position
                var j = 0
                while j < n {
                    let lo = Lanes.load32(e + 4 * j), hi = Lanes.load32(e + 4 * j + 4)
                    let even = lo.evenHalf, odd = lo.oddHalf
                    let x = inputRule4x4(even.evenHalf, odd.evenHalf, even.oddHalf, odd.oddHalf, hi.evenHalf.evenHalf,
                                         hi.oddHalf.evenHalf)
                    let left = n - j
                    Lanes.storePartial(x.0, out + j, left)
                    Lanes.storePartial(x.1, out + position + j, left)
                    Lanes.storePartial(x.2, out + 2 * position + j, left)
                    Lanes.storePartial(x.3, out + 3 * position + j, left)
                    Lanes.storePartial(x.4, out + 4 * position + j, left)
                    Lanes.storePartial(x.5, out + 5 * position + j, left)
                    j += 8
                }
            }
        }
    }

    /// Aᵀ t for the six values t0…t5 of one row or column of a tile's products.
    @inline(__always)
    static func outputRule4x4(_ t0: SIMD8<Float>, _ t1: SIMD8<Float>, _ t2: SIMD8<Float>, _ t3: SIMD8<Float>,
                              _ t4: SIMD8<Float>, _ t5: SIMD8<Float>)
        -> (SIMD8<Float>, SIMD8<Float>, SIMD8<Float>, SIMD8<Float>) {
        let sum12 = t1 + t2, dif12 = t1 - t2, sum34 = t3 + t4, dif34 = t3 - t4
        return (t0 + sum12 + sum34, dif12 + 2 * dif34, sum12 + 4 * sum34, dif12 + 8 * dif34 + t5)
    }

    /// out[k] = act(Aᵀ M_k A + bias[k]) for every tile of the block; M is [36][K][count]. The 4×4 results of eight
    /// tiles are interleaved into four output row segments, clipped at the bottom and right edges.
    static func transformOutput4x4(_ m: UnsafePointer<Float>, channels k: Int, layout lay: TileLayout, first: Int,
                                   count: Int, bias: UnsafePointer<Float>?, activation: FusedActivation,
                                   into out: UnsafeMutablePointer<Float>) {
        let span = 4 * min(count, lay.tilesW) + 32
        let position = k * count
        withUnsafeTemporaryAllocation(of: Float.self, capacity: 4 * span) { buf in
            guard let lines = buf.baseAddress else { return }
            for ch in 0..<k {
                let b = bias.map { $0[ch] } ?? 0, slope = activation.slope(channel: ch)
                let plane = out + ch * lay.outH * lay.outW
                lay.runs(first: first, count: count) { ti, tj0, tj1, offset in
                    let n = tj1 - tj0, src = m + ch * count + offset
                    var j = 0
                    while j < n {
                        outputTiles4x4(src + j, position: position, bias: b, slope: slope, into: lines + 4 * j, span: span)
                        j += 8
                    }
                    let oy = 4 * ti, ox = 4 * tj0, w = min(4 * n, lay.outW - ox)
                    for r in 0..<min(4, lay.outH - oy) {
                        (plane + (oy + r) * lay.outW + ox).update(from: lines + r * span, count: w)
                    }
                }
            }
        }
    }

    /// Aᵀ M A + bias, then the activation of negative-side `slope`, for eight tiles whose position 0 is at `m` (positions
    /// `position` floats apart), written interleaved into four rows `span` floats apart: row r holds the tiles' r-th
    /// output rows, four values per tile. A function of its own, so that its 36 loads stay inlined.
    @inline(never)
    static func outputTiles4x4(_ m: UnsafePointer<Float>, position: Int, bias b: Float, slope: Float?,
                               into lines: UnsafeMutablePointer<Float>, span: Int) {
        @inline(__always) func p(_ xi: Int) -> SIMD8<Float> { Lanes.load8(m + xi * position) }
        // Down each column b first (row r of Aᵀ applied to column b), then across each row.
        let c0 = outputRule4x4(p(0), p(6), p(12), p(18), p(24), p(30))
        let c1 = outputRule4x4(p(1), p(7), p(13), p(19), p(25), p(31))
        let c2 = outputRule4x4(p(2), p(8), p(14), p(20), p(26), p(32))
        let c3 = outputRule4x4(p(3), p(9), p(15), p(21), p(27), p(33))
        let c4 = outputRule4x4(p(4), p(10), p(16), p(22), p(28), p(34))
        let c5 = outputRule4x4(p(5), p(11), p(17), p(23), p(29), p(35))
        @inline(__always) func emit(_ r: Int, _ t0: SIMD8<Float>, _ t1: SIMD8<Float>, _ t2: SIMD8<Float>,
                                    _ t3: SIMD8<Float>, _ t4: SIMD8<Float>, _ t5: SIMD8<Float>) {
            var (y0, y1, y2, y3) = outputRule4x4(t0, t1, t2, t3, t4, t5)
            (y0, y1, y2, y3) = (y0 + b, y1 + b, y2 + b, y3 + b)
            if let slope {
                y0 = FusedActivation.apply(y0, slope: slope); y1 = FusedActivation.apply(y1, slope: slope)
                y2 = FusedActivation.apply(y2, slope: slope); y3 = FusedActivation.apply(y3, slope: slope)
            }
            let line = lines + r * span
            for l in 0..<8 {
                line[4 * l] = y0[l]; line[4 * l + 1] = y1[l]; line[4 * l + 2] = y2[l]; line[4 * l + 3] = y3[l]
            }
        }
        emit(0, c0.0, c1.0, c2.0, c3.0, c4.0, c5.0)
        emit(1, c0.1, c1.1, c2.1, c3.1, c4.1, c5.1)
        emit(2, c0.2, c1.2, c2.2, c3.2, c4.2, c5.2)
        emit(3, c0.3, c1.3, c2.3, c3.3, c4.3, c5.3)
    }
}
