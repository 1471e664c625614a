import Foundation

extension Winograd {
    /// The weight gradient of a 3×3 stride-1 correlation by Winograd F(2×2, 3×3):
    /// dW[r, c] = Gᵀ [Σ_tiles (A g Aᵀ) ⊙ (Bᵀ d B)] G, where d is a 4×4 tile of channel c of `image` and g the
    /// 2×2 tile of channel r of `gradient` that the forward op wrote from it.
    ///
    /// Summed over tiles, each of the 16 transform positions ξ is one product
    /// dU_ξ[R×C] += Gr_ξ[R×T] · V_ξ[C×T]ᵀ over a group of T tiles; the products of a group, cut into blocks of
    /// `gradientBlock`, are independent jobs, each writing only its own block of one dU_ξ. One sgemm then maps every dU back to the 3×3 taps.
    /// It multiplies 16 times per 4 output pixels where im2col multiplies 36 times, and it needs no column buffer.
    ///
    /// - Parameters: `image` [N, C, H, W] (read with zero padding `pad`); `gradient` [N, R, outH, outW];
    ///   `into` receives dW as [R, C, 3, 3] (overwritten). `maxGroupTiles` caps a tile group (tests cross groups).
    static func weightGradient(image: UnsafePointer<Float>, batch: Int, channels c: Int, height h: Int, width w: Int,
                               pad: Int, gradient: UnsafePointer<Float>, rows r: Int, outH: Int, outW: Int,
                               into dw: UnsafeMutablePointer<Float>, maxGroupTiles: Int = .max) {
        let tilesW = (outW + 1) / 2, tilesH = (outH + 1) / 2, total = tilesW * tilesH
        let group = max(1, min(total, maxGroupTiles, max(64, WinogradPlan.inputBudget / (positions * max(1, c + r)))))
        let layout = TileLayout(tilesW: tilesW, height: h, width: w, pad: pad, outH: outH, outW: outW)
        let v = TensorStorage(count: positions * c * group + 16, zeroed: false)
        let gr = TensorStorage(count: positions * r * group + 16, zeroed: false)
        let du = TensorStorage(count: positions * r * c, zeroed: true)
        defer { withExtendedLifetime((v, gr, du)) {} }
        let inputs = v.pointer, grads = gr.pointer, sums = du.pointer
        var started = false
        for n in 0..<batch {
            let x = image + n * c * h * w, g = gradient + n * r * outH * outW
            var first = 0
            while first < total {
                let count = min(group, total - first)
                Parallel.chunks(c + r) { range in
                    let lo = range.lowerBound, hi = range.upperBound
                    if lo < c {
                        transformInput(x, channels: c, range: lo..<min(hi, c), layout: layout, first: first, count: count,
                                       into: inputs)
                    }
                    if hi > c {
                        transformGradient(g, channels: r, range: max(lo, c) - c..<hi - c, layout: layout, first: first,
                                          count: count, into: grads)
                    }
                }
                let rowBlocks = (r + gradientBlock.rows - 1) / gradientBlock.rows
                let columnBlocks = (c + gradientBlock.columns - 1) / gradientBlock.columns
                Parallel.jobs(positions * rowBlocks * columnBlocks) { _, job in
                    let xi = job % positions, block = job / positions
                    let r0 = (block / columnBlocks) * gradientBlock.rows, c0 = (block % columnBlocks) * gradientBlock.columns
                    let rows = min(gradientBlock.rows, r - r0), columns = min(gradientBlock.columns, c - c0)
                    var t0 = 0
                    while t0 < count {
                        let tiles = min(gradientBlock.tiles, count - t0)
                        BLAS.sgemm(transB: true, m: rows, n: columns, k: tiles, a: grads + (xi * r + r0) * count + t0,
                                   lda: count, b: inputs + (xi * c + c0) * count + t0, ldb: count,
                                   beta: started || t0 > 0 ? 1 : 0, c: sums + xi * r * c + r0 * c + c0, ldc: c)
                        t0 += tiles
                    }
                }
                started = true
                first += count
            }
        }
        // dW viewed as [R·C × 9] = dUᵀ [R·C × 16] · (G ⊗ G) [16 × 9].
        let kron = kernelTransformMatrix(flip: false)
        kron.withUnsafeBufferPointer { t in
            guard let t = t.baseAddress else { return }
            BLAS.sgemm(transA: true, m: r * c, n: 9, k: positions, a: sums, lda: r * c, b: t, ldb: 9, c: dw, ldc: 9)
        }
    }

    /// One weight-gradient job's share of dU_ξ: 16 gradient channels × 32 input channels, summed over at most
    /// 1,024 tiles per sgemm. OpenBLAS multiplies such A·Bᵀ products without packing (it needs m·n ≤ 1,200 for
    /// that), and single-threaded they ran 15–50 % faster than one 64 × 64 product over all tiles of a group
    /// (R=C=256 broke even); the blocks also give 16 cores work where 16 positions alone would not.
    static let gradientBlock = (rows: 16, columns: 32, tiles: 1024)

    /// Gr_ξ[ch, t] = (A g Aᵀ)_ξ for the 2×2 tile g of channel `ch` in `range` at tile `first + t`; Gr is [16][R][count].
    ///
    /// A = [1 0; 1 1; 1 −1; 0 −1] (the adjoint of the output transform). Tiles that reach past the bottom or right edge
    /// read zeros there. Eight tiles at a time: the even and odd columns of a 16-wide load are a tile row's two pixels.
    static func transformGradient(_ gradient: UnsafePointer<Float>, channels: Int, range: Range<Int>, layout lay: TileLayout,
                                  first: Int, count: Int, into out: UnsafeMutablePointer<Float>) {
        let span = 2 * min(count, lay.tilesW) + 32
        let position = channels * count
        withUnsafeTemporaryAllocation(of: Float.self, capacity: 2 * span) { buf in
            guard let top = buf.baseAddress else { return }
            top.initialize(repeating: 0, count: 2 * span)
            let bottom = top + span
            for ch in range {
                let plane = gradient + ch * lay.outH * lay.outW
                lay.runs(first: first, count: count) { ti, tj0, tj1, offset in
                    let n = tj1 - tj0, len = 2 * n
                    TileLayout.copyRow(plane, rows: lay.outH, columns: lay.outW, row: 2 * ti, column: 2 * tj0, count: len,
                                       into: top)
                    TileLayout.copyRow(plane, rows: lay.outH, columns: lay.outW, row: 2 * ti + 1, column: 2 * tj0,
                                       count: len, into: bottom)
                    let dst = out + ch * count + offset
                    var j = 0
                    while j < n {
                        let t = load16(top + 2 * j), b = load16(bottom + 2 * j)
                        let y00 = t.evenHalf, y01 = t.oddHalf, y10 = b.evenHalf, y11 = b.oddHalf
                        let left = n - j
                        // Rows of A g: g0, g0 + g1, g0 − g1, −g1; then the same across each row's two columns.
                        @inline(__always) func emit(_ a: Int, _ p: SIMD8<Float>, _ q: SIMD8<Float>) {
                            let base = dst + 4 * a * position + j
                            storePartial(p, base, left)
                            storePartial(p + q, base + position, left)
                            storePartial(p - q, base + 2 * position, left)
                            storePartial(-q, base + 3 * position, left)
                        }
                        emit(0, y00, y01)
                        emit(1, y00 + y10, y01 + y11)
                        emit(2, y00 - y10, y01 - y11)
                        emit(3, -y10, -y11)
                        j += 8
                    }
                }
            }
        }
    }
}
