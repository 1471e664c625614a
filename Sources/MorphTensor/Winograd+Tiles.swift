import Foundation

extension Winograd {
    /// V_ξ[c, t] = (Bᵀ d B)_ξ for the 4×4 input tile d of channel c in `range` and tile `first + t`; V is [16][C][count].
    ///
    /// Bᵀ = [1 0 −1 0; 0 1 1 0; 0 −1 1 0; 0 1 0 −1]. The row pass runs over whole padded row segments, and
    /// the column pass over 8 tiles at once (even and odd lanes of two 16-wide loads).
    static func transformInput(_ image: UnsafePointer<Float>, channels: Int, range: Range<Int>, layout lay: TileLayout,
                               first: Int, count: Int, into v: UnsafeMutablePointer<Float>) {
        // Rows d0…d3 of the run, then the row pass e0…e3 = Bᵀ d.
        lay.forEachInputRun(image, channels: range, first: first, count: count, tileRows: 4, scratchRows: 8) {
            rows, span, c, n, offset in
            let len = 2 * n + 2
            let d0 = rows, d1 = rows + span, d2 = rows + 2 * span, d3 = rows + 3 * span
            let e0 = rows + 4 * span, e1 = rows + 5 * span, e2 = rows + 6 * span, e3 = rows + 7 * span
            var i = 0
            while i < len {
                let a = Lanes.load16(d0 + i), b = Lanes.load16(d1 + i), cc = Lanes.load16(d2 + i), d = Lanes.load16(d3 + i)
                Lanes.store(a - cc, e0 + i)
                Lanes.store(b + cc, e1 + i)
                Lanes.store(cc - b, e2 + i)
                Lanes.store(b - d, e3 + i)
                i += 16
            }
            let dst = v + c * count + offset, position = channels * count
            for row in 0..<4 {
                let e = rows + (4 + row) * span, out = dst + 4 * row * position
                var j = 0
                while j < n {
                    let lo = Lanes.load16(e + 2 * j), hi = Lanes.load16(e + 2 * j + 2)
                    let c0 = lo.evenHalf, c1 = lo.oddHalf, c2 = hi.evenHalf, c3 = hi.oddHalf
                    let left = n - j
                    Lanes.storePartial(c0 - c2, out + j, left)
                    Lanes.storePartial(c1 + c2, out + position + j, left)
                    Lanes.storePartial(c2 - c1, out + 2 * position + j, left)
                    Lanes.storePartial(c1 - c3, out + 3 * position + j, left)
                    j += 8
                }
            }
        }
    }

    /// out[k] = act(Aᵀ M_k A + bias[k]) for every tile of the block; M is [positions][K][count].
    ///
    /// F(2×2, 3×3): Aᵀ = [1 1 1 0; 0 1 −1 −1]; F(2×2, 2×2): Aᵀ = [1 1 0; 0 1 1]. Eight tiles at a time; the 2×2
    /// results are interleaved into two output row segments, clipped at the bottom and right edges.
    static func transformOutput(_ m: UnsafePointer<Float>, channels k: Int, layout lay: TileLayout, first: Int, count: Int,
                                bias: UnsafePointer<Float>?, activation: FusedActivation, tile: WinogradTile = .f2x3,
                                into out: UnsafeMutablePointer<Float>) {
        switch tile {
        case .f2x3:
            transformOutput(OutputF2x3.self, m, channels: k, layout: lay, first: first, count: count, bias: bias,
                            activation: activation, into: out)
        case .f4x3:
            transformOutput4x4(m, channels: k, layout: lay, first: first, count: count, bias: bias, activation: activation,
                               into: out)
        case .f2x2:
            transformOutput(OutputF2x2.self, m, channels: k, layout: lay, first: first, count: count, bias: bias,
                            activation: activation, into: out)
        }
    }

    /// `transformOutput` for one algorithm's Aᵀ (a separate specialization each, with no branch per tile).
    static func transformOutput<Rule: WinogradOutputRule>(_ rule: Rule.Type, _ m: UnsafePointer<Float>, channels k: Int,
                                                          layout lay: TileLayout, first: Int, count: Int,
                                                          bias: UnsafePointer<Float>?, activation: FusedActivation,
                                                          into out: UnsafeMutablePointer<Float>) {
        let span = 2 * min(count, lay.tilesW) + 32
        let position = k * count
        do {
            withUnsafeTemporaryAllocation(of: Float.self, capacity: 2 * span) { buf in
                guard let top = buf.baseAddress else { return }
                let bottom = top + span
                for ch in 0..<k {
                    let b = bias.map { $0[ch] } ?? 0, slope = activation.slope(channel: ch)
                    let plane = out + ch * lay.outH * lay.outW
                    lay.runs(first: first, count: count) { ti, tj0, tj1, offset in
                        let n = tj1 - tj0, src = m + ch * count + offset
                        var j = 0
                        while j < n {
                            @inline(__always) func p(_ xi: Int) -> SIMD8<Float> { Lanes.load8(src + xi * position + j) }
                            var (y00, y01, y10, y11) = Rule.outputs(p)
                            (y00, y01, y10, y11) = (y00 + b, y01 + b, y10 + b, y11 + b)
                            if let slope {
                                y00 = FusedActivation.apply(y00, slope: slope); y01 = FusedActivation.apply(y01, slope: slope)
                                y10 = FusedActivation.apply(y10, slope: slope); y11 = FusedActivation.apply(y11, slope: slope)
                            }
                            let t = top + 2 * j, u = bottom + 2 * j
                            for l in 0..<8 {
                                t[2 * l] = y00[l]; t[2 * l + 1] = y01[l]
                                u[2 * l] = y10[l]; u[2 * l + 1] = y11[l]
                            }
                            j += 8
                        }
                        let oy = 2 * ti, ox = 2 * tj0, w = min(2 * n, lay.outW - ox)
                        (plane + oy * lay.outW + ox).update(from: top, count: w)
                        if oy + 1 < lay.outH { (plane + (oy + 1) * lay.outW + ox).update(from: bottom, count: w) }
                    }
                }
            }
        }
    }
}

extension TileLayout {
    /// For each channel c in `range` of `image` (planes of height × width) and each run of tiles in
    /// `first ..< first + count`, copies the run's `tileRows` input rows (s·n + tileRows − s values each from column
    /// s·tj0 − pad, s the tile side, zeros outside the image) into `rows`, `span` floats apart, then calls the body: n tiles in the run,
    /// starting `offset` tiles after `first`. The input transforms of both Winograd algorithms read this way.
    /// The rows live in zeroed scratch of `scratchRows` rows of `span` floats (room for 16-wide loads past a row's
    /// end); rows from `tileRows` on are the caller's, and `body` gets (rows, span, c, n, offset).
    @inline(__always)
    func forEachInputRun(_ image: UnsafePointer<Float>, channels range: Range<Int>, first: Int, count: Int, tileRows: Int,
                         scratchRows: Int,
                         _ body: (UnsafeMutablePointer<Float>, Int, Int, Int, Int) -> Void) {
        let span = side * min(count, tilesW) + 48
        withUnsafeTemporaryAllocation(of: Float.self, capacity: scratchRows * span) { buffer in
            guard let rows = buffer.baseAddress else { return }
            rows.initialize(repeating: 0, count: scratchRows * span)
            for c in range {
                let plane = image + c * height * width
                runs(first: first, count: count) { ti, tj0, tj1, offset in
                    let n = tj1 - tj0
                    for r in 0..<tileRows {
                        TileLayout.copyRow(plane, rows: height, columns: width, row: side * ti - pad + r,
                                           column: side * tj0 - pad, count: side * n + tileRows - side, into: rows + r * span)
                    }
                    body(rows, span, c, n, offset)
                }
            }
        }
    }

    /// Copies `count` values of row `row` of a `rows` × `columns` plane, starting at column `column`, into `dst`,
    /// with zeros outside the plane (the image side: `height` × `width`; the output side: `outH` × `outW`).
    @inline(__always)
    static func copyRow(_ plane: UnsafePointer<Float>, rows: Int, columns: Int, row: Int, column: Int, count: Int,
                        into dst: UnsafeMutablePointer<Float>) {
        guard row >= 0, row < rows else { dst.update(repeating: 0, count: count); return }
        let lo = min(count, max(0, -column)), hi = max(lo, min(count, columns - column))
        if lo > 0 { dst.update(repeating: 0, count: lo) }
        if hi > lo { (dst + lo).update(from: plane + row * columns + column + lo, count: hi - lo) }
        if hi < count { (dst + hi).update(repeating: 0, count: count - hi) }
    }
}

/// Aᵀ M A of eight tiles at once for one Winograd algorithm: `p(ξ)` loads transform position ξ of the eight tiles,
/// and the result is their four outputs (top left, top right, bottom left, bottom right).
protocol WinogradOutputRule {
    static func outputs(_ p: (Int) -> SIMD8<Float>) -> (SIMD8<Float>, SIMD8<Float>, SIMD8<Float>, SIMD8<Float>)
}

/// F(2×2, 3×3): Aᵀ = [1 1 1 0; 0 1 −1 −1] over 4×4 positions.
enum OutputF2x3: WinogradOutputRule {
    @inline(__always)
    static func outputs(_ p: (Int) -> SIMD8<Float>) -> (SIMD8<Float>, SIMD8<Float>, SIMD8<Float>, SIMD8<Float>) {
        let s00 = p(0) + p(4) + p(8), s01 = p(1) + p(5) + p(9)
        let s02 = p(2) + p(6) + p(10), s03 = p(3) + p(7) + p(11)
        let s10 = p(4) - p(8) - p(12), s11 = p(5) - p(9) - p(13)
        let s12 = p(6) - p(10) - p(14), s13 = p(7) - p(11) - p(15)
        return (s00 + s01 + s02, s01 - s02 - s03, s10 + s11 + s12, s11 - s12 - s13)
    }
}

/// F(2×2, 2×2): Aᵀ = [1 1 0; 0 1 1] over 3×3 positions.
enum OutputF2x2: WinogradOutputRule {
    @inline(__always)
    static func outputs(_ p: (Int) -> SIMD8<Float>) -> (SIMD8<Float>, SIMD8<Float>, SIMD8<Float>, SIMD8<Float>) {
        let s00 = p(0) + p(3), s01 = p(1) + p(4), s02 = p(2) + p(5)
        let s10 = p(3) + p(6), s11 = p(4) + p(7), s12 = p(5) + p(8)
        return (s00 + s01, s01 + s02, s10 + s11, s11 + s12)
    }
}
