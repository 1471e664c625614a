import Foundation

/// Winograd F(2×2, 3×3) correlation for 3×3, stride-1, dilation-1 convolutions (Lavin & Gray 2016).
///
/// Each 4×4 input tile d (stride 2) and each kernel g give a 2×2 output tile
/// Y = Aᵀ[(G g Gᵀ) ⊙ (Bᵀ d B)]A. Summed over input channels, the element-wise
/// product at each of the 16 transform positions ξ is one matrix product
/// M_ξ[K×T] = U_ξ[K×C] · V_ξ[C×T] over a block of T tiles, done by `cblas_sgemm`.
/// It needs 16 multiplies per 4 outputs instead of 36 (2.25× fewer). F(4×4, 3×3)
/// would need 4× fewer but misses the 1e-4 relative parity in Float32, so it is not used. The weight gradient
/// stays on im2col: its Winograd form (Gᵀ[Σ_tiles (A g Aᵀ) ⊙ (Bᵀ d B)]G) also missed that parity on the
/// 32→48 fixture, where near-zero elements are sums over hundreds of pixels.
///
/// Scratch is bounded: tiles are processed in blocks of at most `blockTiles` tiles
/// (a block may span several tile rows or part of one), never the whole image at once.
enum Winograd {
    /// Transform positions per tile (4×4).
    static let positions = 16

    /// Whether a conv with this geometry (image side) is a 3×3 stride-1 dilation-1 correlation
    /// whose input gradient is again one (padding ≤ 2).
    static func supports(_ geo: ConvGeometry) -> Bool {
        geo.kernelH == 3 && geo.kernelW == 3 && geo.stride == 1 && geo.dilation == 1 && geo.padding <= 2
    }

    /// Whether Winograd should beat im2col: enough channels on both sides of the products.
    static func profitable(_ geo: ConvGeometry, inner: Int, outer: Int) -> Bool {
        supports(geo) && inner >= minimumChannels && outer >= minimumChannels
    }

    /// Below this many channels (either side) the transforms cost more than they save.
    static let minimumChannels = 8

    /// Tiles per block so that the V and M blocks hold at most `budget` floats together.
    static func blockTiles(inner: Int, outer: Int, totalTiles: Int, budget: Int = 4 << 20) -> Int {
        max(8, min(totalTiles, budget / (positions * max(1, inner + outer))))
    }

    /// dst[n, k] = Σ_c src[n, c] ⋆ kernel(k, c) with zero padding `pad` on every side
    /// (reads outside the image are zero), for outH × outW outputs.
    ///
    /// - `transposed` false: `weight` is [K, C, 3, 3] and kernel(k, c) = weight[k, c] (conv2d forward).
    /// - `transposed` true: `weight` is [C, K, 3, 3] and kernel(k, c) = weight[c, k] rotated by 180°
    ///   (the input gradient of conv2d, and convTranspose2d with stride 1).
    /// - `bias`: optional [K], added to every output pixel of channel k.
    /// - `maxBlockTiles`: a tighter cap on the block size (tests use it to cross block and row boundaries).
    ///
    /// Threading: blocks are independent jobs spread over the cores, each doing its own transforms and
    /// single-threaded sgemms, so OpenBLAS' threads and Morph's workers never compete for the cores.
    static func correlate(src: UnsafePointer<Float>, batch: Int, channels c: Int, height h: Int, width w: Int,
                          pad: Int, weight: UnsafePointer<Float>, outChannels k: Int, transposed: Bool,
                          bias: UnsafePointer<Float>? = nil,
                          dst: UnsafeMutablePointer<Float>, outH: Int, outW: Int, maxBlockTiles: Int = .max) {
        let tilesW = (outW + 1) / 2, tilesH = (outH + 1) / 2, total = tilesW * tilesH
        let workers = Parallel.workers
        // At least two blocks per worker when the image allows it, so a busy core does not hold up the other.
        let spread = total >= 2 * workers * minimumBlockTiles ? (total + 2 * workers - 1) / (2 * workers) : total
        let block = max(1, min(maxBlockTiles, spread, blockTiles(inner: c, outer: k, totalTiles: total)))
        let blocksPerImage = (total + block - 1) / block, jobs = batch * blocksPerImage
        let u = ScratchPool.shared.acquire(positions * k * c)
        defer { ScratchPool.shared.release(u) }
        transformKernels(weight, rows: transposed ? c : k, cols: transposed ? k : c, flip: transposed, into: u.pointer)
        let layout = TileLayout(tilesW: tilesW, height: h, width: w, pad: pad, outH: outH, outW: outW)
        let kernels = UnsafePointer(u.pointer)

        func run(job: Int, serial: Bool) {
            let n = job / blocksPerImage, t0 = (job % blocksPerImage) * block, count = min(block, total - t0)
            let v = ScratchPool.shared.acquire(positions * c * count + 16)
            let m = ScratchPool.shared.acquire(positions * k * count + 16)
            defer { ScratchPool.shared.release(v); ScratchPool.shared.release(m) }
            transformInput(src + n * c * h * w, channels: c, layout: layout, first: t0, count: count, into: v.pointer,
                           serial: serial)
            for xi in 0..<positions {
                BLAS.sgemm(transA: transposed, m: k, n: count, k: c, a: kernels + xi * k * c, lda: transposed ? k : c,
                           b: v.pointer + xi * c * count, ldb: count, c: m.pointer + xi * k * count, ldc: count)
            }
            transformOutput(m.pointer, channels: k, layout: layout, first: t0, count: count, bias: bias,
                            into: dst + n * k * outH * outW, serial: serial)
        }

        if workers > 1 && jobs > 1 {
            let blasThreads = BLAS.threads
            BLAS.setThreads(1)
            defer { BLAS.setThreads(blasThreads) }
            Parallel.forEach(jobs) { run(job: $0, serial: true) }
        } else {
            for job in 0..<jobs { run(job: job, serial: false) }
        }
    }

    /// Smallest block worth splitting the image for (sgemm efficiency falls off below it).
    static let minimumBlockTiles = 64

    // MARK: Transforms

    /// U_ξ[a, b] = (G g Gᵀ)_ξ for every kernel g = weight[a, b] (rotated by 180° when `flip`), U laid out [16][rows][cols].
    ///
    /// G = [1 0 0; ½ ½ ½; ½ −½ ½; 0 0 1]. All kernels at once as one sgemm: U[16 × rows·cols] = (G ⊗ G)[16 × 9] · Wᵀ,
    /// where W is the weight seen as [rows·cols × 9].
    static func transformKernels(_ weight: UnsafePointer<Float>, rows: Int, cols: Int, flip: Bool,
                                 into u: UnsafeMutablePointer<Float>) {
        let kron = kernelTransformMatrix(flip: flip)
        kron.withUnsafeBufferPointer { t in
            guard let t = t.baseAddress else { return }
            BLAS.sgemm(transB: true, m: positions, n: rows * cols, k: 9, a: t, lda: 9, b: weight, ldb: 9,
                       c: u, ldc: rows * cols)
        }
    }
}

extension Winograd {
    /// G ⊗ G as [16 × 9]: row ξ = 4i + j, column p·3 + q holds G[i][p]·G[j][q] (taps rotated by 180° when `flip`).
    static func kernelTransformMatrix(flip: Bool) -> [Float] {
        let g: [[Float]] = [[1, 0, 0], [0.5, 0.5, 0.5], [0.5, -0.5, 0.5], [0, 0, 1]]
        var kron = [Float](repeating: 0, count: positions * 9)
        for i in 0..<4 {
            for j in 0..<4 {
                for p in 0..<3 {
                    for q in 0..<3 {
                        let tap = flip ? (2 - p) * 3 + (2 - q) : p * 3 + q
                        kron[(i * 4 + j) * 9 + tap] = g[i][p] * g[j][q]
                    }
                }
            }
        }
        return kron
    }
}

/// Where the tiles of one image lie: tile (ti, tj) reads input rows 2ti − pad … 2ti − pad + 3 and
/// writes output rows 2ti, 2ti + 1 (likewise for columns).
struct TileLayout {
    let tilesW: Int, height: Int, width: Int, pad: Int, outH: Int, outW: Int

    /// Calls `body(ti, tj0, tj1, offset)` for each run of tiles of one tile row inside tiles `first ..< first+count`;
    /// `offset` is the run's first tile relative to `first`.
    @inline(__always)
    func runs(first: Int, count: Int, _ body: (Int, Int, Int, Int) -> Void) {
        var t = first
        let end = first + count
        while t < end {
            let ti = t / tilesW, tj0 = t % tilesW
            let tj1 = min(tilesW, tj0 + (end - t))
            body(ti, tj0, tj1, t - first)
            t += tj1 - tj0
        }
    }
}
