import Foundation

/// Winograd correlation for 3×3, stride-1, dilation-1 convolutions (Lavin & Gray 2016).
///
/// Each input tile d and each kernel g give an output tile Y = Aᵀ[(G g Gᵀ) ⊙ (Bᵀ d B)]A. Summed over input
/// channels, the element-wise product at each transform position ξ is one matrix product
/// M_ξ[K×T] = U_ξ[K×C] · V_ξ[C×T] over a block of T tiles, done by `cblas_sgemm`.
/// - F(4×4, 3×3) (`Winograd+Tiles4x4`, 6×6 tiles, 36 positions) multiplies 2.25 times per output where im2col
///   multiplies 9 times; forward convs and input gradients with enough tiles and channels run it (`Winograd.tile`).
///   Its Float32 error is about 10⁻⁵ of the output's largest element, within 1.5× that of PyTorch's own
///   Winograd (NNPACK) on the same inputs (ConvWinograd4x4Tests); it misses 1e-4 relative on elements near zero.
/// - F(2×2, 3×3) (4×4 tiles, 16 positions) multiplies 4 times per output and meets 1e-4 relative. The weight
///   gradient runs it (`weightGradient`): its error against float64 stays within twice PyTorch's own, where
///   F(4×4, 3×3)'s was 13 times PyTorch's (PyTorch has no Winograd weight gradient to compare with).
///
/// The same correlation runs F(2×2, 2×2) (3×3 input tiles, 9 positions) for the 2×2 phase convs of stride-2
/// 4×4 kernels (`WinogradStride2`, `WinogradTile`).
///
/// Scratch is bounded: tiles are processed in groups and blocks (see `WinogradPlan`); a block may span several
/// tile rows or part of one, and the whole image is never transformed at once.
enum Winograd {
    /// The 3×3 algorithm of a forward conv or input gradient with `inner` channels read and an outH × outW output:
    /// F(4×4, 3×3) when its tiles per image times `inner` reach `minimumF4x3Work`, else F(2×2, 3×3), whose sgemms
    /// are 4 times wider there. `MORPH_WINOGRAD=f2x3` in the environment forces F(2×2, 3×3) (to compare speed or
    /// rounding).
    static func tile(inner: Int, outH: Int, outW: Int) -> WinogradTile {
        guard !onlyF2x3 else { return .f2x3 }
        return WinogradTile.f4x3.tiles(outH: outH, outW: outW) * inner >= minimumF4x3Work ? .f4x3 : .f2x3
    }

    /// Tile-channel pairs per transform position below which F(2×2, 3×3) ran faster (medians of 7, alternating, 2
    /// threads): 64 channels at 48² (144 tiles × 64) took 0.8 ms through F(4×4, 3×3) against 0.6 ms, while 256
    /// channels at 32² (64 × 256) took 3.5 against 4.1 ms and 64 channels at 128² gained too.
    static let minimumF4x3Work = 16384

    private static let onlyF2x3 = ProcessInfo.processInfo.environment["MORPH_WINOGRAD"] == "f2x3"

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

    /// dst[n, k] = act(Σ_c src[n, c] ⋆ kernel(k, c) + bias[k]) with zero padding `pad` on every side
    /// (reads outside the image are zero), for outH × outW outputs.
    ///
    /// - `transposed` false: `weight` is [K, C, 3, 3] and kernel(k, c) = weight[k, c] (conv2d forward).
    /// - `transposed` true: `weight` is [C, K, 3, 3] and kernel(k, c) = weight[c, k] rotated by 180°
    ///   (the input gradient of conv2d, and convTranspose2d with stride 1).
    /// - `bias`: optional [K], added to every output pixel of channel k; `activation` is applied as the output is written.
    /// - `tile`: F(4×4, 3×3) or F(2×2, 3×3) (3×3 kernels), or F(2×2, 2×2) (2×2 kernels, with `weightTransformed`).
    /// - `maxBlockTiles`, `maxChannelBlock`, `maxGroupTiles`: tighter caps on the plan (tests use them to cross
    ///   tile-block, channel-block and group boundaries).
    /// - `weightTransformed`: `weight` already holds U, laid out as `transformKernels` writes it ([positions][K][C],
    ///   or [positions][C][K] when `transposed`); F(2×2, 2×2) takes its kernels this way (`WinogradStride2`).
    /// - `cached` (batch 1 only): V lives in a `WinogradInputCache` for the whole image, and only channels from
    ///   `ready` on are transformed.
    ///
    /// Threading (see `Parallel`): the tiles of one image are taken in groups whose transformed input V fits a
    /// bounded scratch. For each group, phase 1 transforms the input, split over input channels; phase 2 runs jobs
    /// of (tile block × output-channel block), each doing its 16 single-threaded sgemms and its output transform,
    /// pulled by the workers as they come free. No job shares a written byte with another. When one output-channel
    /// block covers all K (K ≤ 64, as in SRVGG, RRDB and most training convs), there is no phase 1: each job
    /// transforms its own tile block into per-thread scratch, which stays in its core's cache for the sgemms.
    static func correlate(src: UnsafePointer<Float>, batch: Int, channels c: Int, height h: Int, width w: Int,
                          pad: Int, weight: UnsafePointer<Float>, outChannels k: Int, transposed: Bool,
                          bias: UnsafePointer<Float>? = nil, activation: FusedActivation = .none,
                          dst: UnsafeMutablePointer<Float>, outH: Int, outW: Int, maxBlockTiles: Int = .max,
                          maxChannelBlock: Int = .max, maxGroupTiles: Int = .max,
                          cached: WinogradInputCache.Lease? = nil, tile: WinogradTile = .f2x3,
                          weightTransformed: Bool = false) {
        let positions = tile.positions
        let layout = TileLayout(tile: tile, height: h, width: w, pad: pad, outH: outH, outW: outW), total = layout.total
        let cached = batch == 1 && tile != .f2x2 ? cached : nil
        func plan(wholeImage: Bool) -> WinogradPlan {
            WinogradPlan(inner: c, outer: k, totalTiles: total, workers: Parallel.workers, positions: positions,
                         maxBlockTiles: maxBlockTiles,
                         maxChannelBlock: maxChannelBlock, maxGroupTiles: maxGroupTiles, wholeImage: wholeImage)
        }
        // With one output-channel block, each tile block's V feeds one job only: the job transforms it itself,
        // into scratch that stays in its core's cache, and no phase writes V for a whole group.
        let whole = plan(wholeImage: true)
        let perJob = cached == nil && k <= WinogradPlan.perJobOutChannels && whole.outChannels >= k
        let plan = cached != nil || perJob ? whole : plan(wholeImage: false)
        let u = weightTransformed ? nil : TensorStorage(count: positions * k * c, zeroed: false)
        defer { withExtendedLifetime(u) {} }
        let v = cached == nil && !perJob ? TensorStorage(count: positions * c * plan.group + 16, zeroed: false) : nil
        defer { withExtendedLifetime(v) {} }
        if let u {
            precondition(tile != .f2x2, "F(2×2, 2×2) takes transformed kernels")
            transformKernels(weight, rows: transposed ? c : k, cols: transposed ? k : c, flip: transposed, tile: tile,
                             into: u.pointer)
        }
        // V is [16][stride][count]: the cache's rows are the whole buffer's channels, of which this conv reads c.
        let kernels = u.map { UnsafePointer($0.pointer) } ?? weight, inputs = cached?.v ?? v?.pointer, stride = cached?.channelStride ?? c
        let outPlane = outH * outW
        for n in 0..<batch {
            let image = src + n * c * h * w, out = dst + n * k * outPlane
            var first = 0
            while first < total {
                let count = min(plan.group, total - first)
                let fresh = (cached?.ready ?? 0)..<c
                if let inputs, !fresh.isEmpty {
                    Parallel.chunks(fresh.count) { part in
                        let channels = (fresh.lowerBound + part.lowerBound)..<(fresh.lowerBound + part.upperBound)
                        transformInput(image, channels: stride, range: channels, layout: layout, first: first, count: count,
                                       tile: tile, into: inputs)
                    }
                }
                let tileBlocks = (count + plan.tiles - 1) / plan.tiles
                let channelBlocks = (k + plan.outChannels - 1) / plan.outChannels
                let jobs = tileBlocks * channelBlocks, productFloats = positions * plan.outChannels * plan.tiles + 16
                let perPart = productFloats + (perJob ? positions * c * plan.tiles + 16 : 0)
                let products = TensorStorage(count: Parallel.parts(forJobs: jobs) * perPart, zeroed: false)
                defer { withExtendedLifetime(products) {} }
                Parallel.jobs(jobs) { part, job in
                    let t0 = (job % tileBlocks) * plan.tiles, k0 = (job / tileBlocks) * plan.outChannels
                    let tiles = min(plan.tiles, count - t0), kb = min(plan.outChannels, k - k0)
                    let m = products.pointer + part * perPart
                    // V_ξ of this block: rows of `ldb` floats, `positionStride` apart.
                    let block: UnsafePointer<Float>, ldb: Int, positionStride: Int
                    if let inputs {
                        (block, ldb, positionStride) = (UnsafePointer(inputs + t0), count, stride * count)
                    } else {
                        let own = m + productFloats
                        transformInput(image, channels: c, range: 0..<c, layout: layout, first: first + t0, count: tiles,
                                       tile: tile, into: own)
                        (block, ldb, positionStride) = (UnsafePointer(own), tiles, c * tiles)
                    }
                    for xi in 0..<positions {
                        let a = kernels + xi * k * c + (transposed ? k0 : k0 * c)
                        BLAS.sgemm(transA: transposed, m: kb, n: tiles, k: c, a: a, lda: transposed ? k : c,
                                   b: block + xi * positionStride, ldb: ldb, c: m + xi * kb * tiles, ldc: tiles)
                    }
                    transformOutput(m, channels: kb, layout: layout, first: first + t0, count: tiles,
                                    bias: bias.map { $0 + k0 }, activation: activation.offset(by: k0), tile: tile,
                                    into: out + k0 * outPlane)
                }
                first += count
            }
        }
    }

    // MARK: Transforms

    /// U_ξ[a, b] = (G g Gᵀ)_ξ for every kernel g = weight[a, b] (rotated by 180° when `flip`), U laid out
    /// [positions][rows][cols].
    ///
    /// All kernels at once as one sgemm: U[positions × rows·cols] = (G ⊗ G)[positions × 9] · Wᵀ, where W is the
    /// weight seen as [rows·cols × 9]; G is the tile's kernel transform (`kernelTransform`).
    static func transformKernels(_ weight: UnsafePointer<Float>, rows: Int, cols: Int, flip: Bool,
                                 tile: WinogradTile = .f2x3, into u: UnsafeMutablePointer<Float>) {
        let kron = kernelTransformMatrix(flip: flip, tile: tile)
        kron.withUnsafeBufferPointer { t in
            guard let t = t.baseAddress else { return }
            BLAS.sgemm(transB: true, m: tile.positions, n: rows * cols, k: 9, a: t, lda: 9, b: weight, ldb: 9,
                       c: u, ldc: rows * cols)
        }
    }
}

extension Winograd {
    /// G of a 3×3 tile algorithm, [α × 3] with α = √positions, in Double: F(2×2, 3×3) interpolates at 0, ±1, ∞;
    /// F(4×4, 3×3) at 0, ±1, ±2, ∞ (G row j of a finite point a is (1, a, a²) / Πₗ≠ⱼ (a − aₗ)).
    static func kernelTransform(_ tile: WinogradTile) -> [[Double]] {
        switch tile {
        case .f4x3:
            return [[1.0 / 4, 0, 0], [-1.0 / 6, -1.0 / 6, -1.0 / 6], [-1.0 / 6, 1.0 / 6, -1.0 / 6],
                    [1.0 / 24, 1.0 / 12, 1.0 / 6], [1.0 / 24, -1.0 / 12, 1.0 / 6], [0, 0, 1]]
        case .f2x3, .f2x2:
            precondition(tile == .f2x3, "F(2×2, 2×2) takes transformed kernels")
            return [[1, 0, 0], [0.5, 0.5, 0.5], [0.5, -0.5, 0.5], [0, 0, 1]]
        }
    }

    /// G ⊗ G as [positions × 9]: row ξ = α·i + j, column p·3 + q holds G[i][p]·G[j][q] (taps rotated by 180° when
    /// `flip`), each product rounded to Float once.
    static func kernelTransformMatrix(flip: Bool, tile: WinogradTile = .f2x3) -> [Float] {
        let g = kernelTransform(tile), side = g.count
        var kron = [Float](repeating: 0, count: tile.positions * 9)
        for i in 0..<side {
            for j in 0..<side {
                for p in 0..<3 {
                    for q in 0..<3 {
                        let tap = flip ? (2 - p) * 3 + (2 - q) : p * 3 + q
                        kron[(i * side + j) * 9 + tap] = Float(g[i][p] * g[j][q])
                    }
                }
            }
        }
        return kron
    }
}

/// Where the tiles of one image lie: with output tiles of side s, tile (ti, tj) reads input rows s·ti − pad …
/// s·ti − pad + s + 1 (3×3 kernels; s + 1 for 2×2) and writes output rows s·ti … s·ti + s − 1 (likewise for columns).
struct TileLayout {
    let side: Int, tilesW: Int, tilesH: Int, height: Int, width: Int, pad: Int, outH: Int, outW: Int

    /// The layout of `tile`'s output tiles over an outH × outW output read from a padded height × width image.
    init(tile: WinogradTile, height: Int, width: Int, pad: Int, outH: Int, outW: Int) {
        side = tile.side
        tilesW = tile.tiles(along: outW)
        tilesH = tile.tiles(along: outH)
        (self.height, self.width, self.pad, self.outH, self.outW) = (height, width, pad, outH, outW)
    }

    /// Tiles of one image.
    var total: Int { tilesW * tilesH }

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
