import Foundation

extension Winograd {
    /// The weight gradient of a 3×3 stride-1 correlation by Winograd F(2×2, 3×3):
    /// dW[r, c] = Gᵀ [Σ_tiles (A g Aᵀ) ⊙ (Bᵀ d B)] G, where d is a 4×4 tile of channel c of `image` and g the
    /// 2×2 tile of channel r of `gradient` that the forward op wrote from it.
    ///
    /// Summed over tiles, each of the 16 transform positions ξ is one product dU_ξ[R×C] += Gr_ξ[R×T] · V_ξ[C×T]ᵀ.
    /// A job takes one block of T tiles of one image: it transforms that block's input and gradient into scratch
    /// that stays in its core's cache and adds its 16 products to its thread's own dU; the threads' dU are summed
    /// at the end, and one sgemm maps dU back to the 3×3 taps. It multiplies 16 times per 4 output pixels where
    /// im2col multiplies 36 times, and no transformed image goes out to memory.
    ///
    /// Thread p takes jobs p, p + P, p + 2P, … and the sums are added in thread order, so a given thread count
    /// always gives the same bits.
    ///
    /// - Parameters: `image` [N, C, H, W] (read with zero padding `pad`); `gradient` [N, R, outH, outW];
    ///   `into` receives dW as [R, C, 3, 3] (overwritten). `maxJobTiles` caps the tiles of one job (tests cross
    ///   job boundaries with it).
    static func weightGradient(image: UnsafePointer<Float>, batch: Int, channels c: Int, height h: Int, width w: Int,
                               pad: Int, gradient: UnsafePointer<Float>, rows r: Int, outH: Int, outW: Int,
                               into dw: UnsafeMutablePointer<Float>, maxJobTiles: Int = .max) {
        let layout = TileLayout(tile: .f2x3, height: h, width: w, pad: pad, outH: outH, outW: outW), total = layout.total
        let positions = WinogradTile.f2x3.positions
        var block = 256
        while block > 32 && positions * (c + r) * block > gradientScratch { block /= 2 }
        // Enough jobs for every worker twice over, down to blocks of 32 tiles.
        let perWorker = (batch * total + 2 * Parallel.workers - 1) / (2 * Parallel.workers)
        block = max(1, min(block, max(32, perWorker), total, maxJobTiles))
        let blocks = (total + block - 1) / block, jobs = batch * blocks
        let sumFloats = positions * r * c
        let slots = max(1, min(Parallel.parts(forJobs: jobs), gradientSums / max(1, sumFloats)))
        let scratchFloats = positions * (c + r) * block + 32
        let du = TensorStorage(count: slots * sumFloats, zeroed: true)
        let scratch = TensorStorage(count: slots * scratchFloats, zeroed: false)
        defer { withExtendedLifetime((du, scratch)) {} }
        Parallel.run(parts: slots) { slot in
            let v = scratch.pointer + slot * scratchFloats, sums = du.pointer + slot * sumFloats
            for job in stride(from: slot, to: jobs, by: slots) {
                let n = job / blocks, first = (job % blocks) * block, count = min(block, total - first)
                let gr = v + positions * c * count + 16
                transformInput(image + n * c * h * w, channels: c, range: 0..<c, layout: layout, first: first,
                               count: count, into: v)
                transformGradient(gradient + n * r * outH * outW, channels: r, range: 0..<r, layout: layout,
                                  first: first, count: count, into: gr)
                for xi in 0..<positions {
                    BLAS.sgemm(transB: true, m: r, n: c, k: count, a: gr + xi * r * count, lda: count,
                               b: v + xi * c * count, ldb: count, beta: 1, c: sums + xi * r * c, ldc: c)
                }
            }
        }
        let sums = du.pointer
        if slots > 1 {
            Parallel.chunks(sumFloats, minChunk: 4096) { range in
                for slot in 1..<slots {
                    let other = sums + slot * sumFloats
                    for i in range { sums[i] += other[i] }
                }
            }
        }
        // dW viewed as [R·C × 9] = dUᵀ [R·C × 16] · (G ⊗ G) [16 × 9].
        let kron = kernelTransformMatrix(flip: false)
        kron.withUnsafeBufferPointer { t in
            guard let t = t.baseAddress else { return }
            BLAS.sgemm(transA: true, m: r * c, n: 9, k: positions, a: sums, lda: r * c, b: t, ldb: 9, c: dw, ldc: 9)
        }
    }

    /// Floats of one job's transformed input and gradient, 16 · (C + R) · T: tile blocks are halved from 256 (down
    /// to 32) until they fit, so that they stay in cache from the transforms to the sgemms. Against transforming a
    /// whole group first, this took sr_train_step from 0.131 to 0.119 s on 1 thread and conv3x3_c256_64x64_backward
    /// from 0.073 to 0.067 s.
    static let gradientScratch = 256 << 10
    /// Most floats of per-thread sums (16 · R · C each) at once; past it, fewer threads take the jobs.
    static let gradientSums = 32 << 20

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
                        let t = Lanes.load16(top + 2 * j), b = Lanes.load16(bottom + 2 * j)
                        let y00 = t.evenHalf, y01 = t.oddHalf, y10 = b.evenHalf, y11 = b.oddHalf
                        let left = n - j
                        // Rows of A g: g0, g0 + g1, g0 − g1, −g1; then the same across each row's two columns.
                        @inline(__always) func emit(_ a: Int, _ p: SIMD8<Float>, _ q: SIMD8<Float>) {
                            let base = dst + 4 * a * position + j
                            Lanes.storePartial(p, base, left)
                            Lanes.storePartial(p + q, base + position, left)
                            Lanes.storePartial(p - q, base + 2 * position, left)
                            Lanes.storePartial(-q, base + 3 * position, left)
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
