import Foundation

/// 4×4 stride-2 convolutions (the U-Net's and PatchGAN's down-sampling convs) and their transposes (the U-Net's
/// up-sampling convs, and the input gradients of the down-sampling ones) through Winograd F(2×2, 2×2).
///
/// - Forward: with phases P_rs[c][u][v] = x[c][2u + r − p][2v + s − p] (r, s ∈ {0, 1}; zero outside the image),
///   y[k][i][j] = Σ_{r,s,c} Σ_{a,b ∈ {0,1}} P_rs[c][i + a][j + b] · w[k][c][2a + r][2b + s]: a 2×2 stride-1 conv
///   over the 4·C phase channels (ordered c, then phase 2r + s), with no padding.
/// - Transposed: with q = (Y + p) mod 2 and m = ⌊(Y + p) / 2⌋, output row Y takes g rows m − 1 and m through
///   kernel rows q + 2 and q. So each of the four output phases (qy, qx) is a 2×2 stride-1 conv of g padded by
///   one, T[c, (qy, qx)][my][mx] = Σ_{k,a,b} g[k][my − 1 + a][mx − 1 + b] · w[k][c][qy + 2 − 2a][qx + 2 − 2b],
///   and the result interleaves the phases.
///
/// F(2×2, 2×2) needs 9 multiplies per 2×2 outputs where the direct conv needs 16 (1.78× fewer), and its
/// transforms are additions only, so it rounds about as im2col does.
enum WinogradStride2 {
    /// Whether `geo` (a conv seen from its image side) is a 4×4, stride-2, dilation-1 conv.
    static func supports(_ geo: ConvGeometry) -> Bool {
        geo.kernelH == 4 && geo.kernelW == 4 && geo.stride == 2 && geo.dilation == 1
    }

    /// Whether F(2×2, 2×2) should beat im2col: a supported geometry with enough channels on both sides of its
    /// products (phase channels count four times) and enough tiles to repay the kernel transform, whose cost
    /// grows with the weights and not with the image (the U-Net's innermost layers have large weights and few pixels).
    static func profitable(_ geo: ConvGeometry, outputChannels: Int, forward: Bool) -> Bool {
        let inner = forward ? 4 * geo.channels : outputChannels, outer = forward ? outputChannels : 4 * geo.channels
        let tiles = forward ? ((geo.outH + 1) / 2) * ((geo.outW + 1) / 2) : ((geo.outH + 2) / 2) * ((geo.outW + 2) / 2)
        return supports(geo) && inner >= Winograd.minimumChannels && outer >= Winograd.minimumChannels
            && tiles >= minimumTiles
    }

    /// Below this many 2×2 output tiles per image the kernel transform (16 reads and 36 writes per 4×4 kernel) and
    /// the packing of large kernels for few tiles cost more than the multiplies save: the U-Net's down-conv to 16²
    /// (64 tiles, 8 MB of weights) ran no faster through F(2×2, 2×2), its up-conv from 16² (81 tiles, 16 MB) took
    /// 16–21 ms against 12 ms, and its 8² layers up to 2.2× as long.
    static let minimumTiles = 100

    /// y = act(conv2d(x, w, stride 2, padding p) + bias): `input` [N, C, H, W], `weight` [K, C, 4, 4],
    /// `output` [N, K, outH, outW].
    static func forward(input: UnsafePointer<Float>, batch: Int, geometry geo: ConvGeometry, weight: UnsafePointer<Float>,
                        outChannels k: Int, bias: UnsafePointer<Float>?, activation: FusedActivation,
                        output: UnsafeMutablePointer<Float>, maxBlockTiles: Int = .max, maxChannelBlock: Int = .max) {
        let c = geo.channels, phases = 4 * c, rows = geo.outH + 1, cols = geo.outW + 1, p = geo.padding
        let phaseImage = TensorStorage(count: batch * phases * rows * cols, zeroed: false)
        let kernels = TensorStorage(count: WinogradTile.f2x2.positions * k * phases, zeroed: false)
        defer { withExtendedLifetime((phaseImage, kernels)) {} }
        transformKernels(weight, outChannels: k, channels: c, transposed: false, into: kernels.pointer)
        let plane = geo.height * geo.width
        Parallel.chunks(batch * phases) { range in
            for index in range {
                let n = index / phases, ch = (index % phases) >> 2, phase = index & 3
                let src = input + (n * c + ch) * plane, dst = phaseImage.pointer + index * rows * cols
                let r = phase >> 1, s = phase & 1
                // Column v reads x column 2v + s − p: inside the image for v in lo ..< hi.
                let lo = min(cols, max(0, (p - s + 1) / 2)), hi = max(lo, min(cols, (geo.width - s + p + 1) / 2))
                for u in 0..<rows {
                    let row = 2 * u + r - p, line = dst + u * cols
                    guard row >= 0, row < geo.height else { line.update(repeating: 0, count: cols); continue }
                    let from = src + row * geo.width + s - p
                    for v in 0..<lo { line[v] = 0 }
                    ConvGeometry.gatherEven(from, line, lo, hi, rowEnd: geo.width - s + p)
                    for v in hi..<cols { line[v] = 0 }
                }
            }
        }
        Winograd.correlate(src: phaseImage.pointer, batch: batch, channels: phases, height: rows, width: cols, pad: 0,
                           weight: kernels.pointer, outChannels: k, transposed: false, bias: bias, activation: activation,
                           dst: output, outH: geo.outH, outW: geo.outW, maxBlockTiles: maxBlockTiles,
                           maxChannelBlock: maxChannelBlock, tile: .f2x2, weightTransformed: true)
    }

    /// dx = the transposed conv of g: `g` [N, K, outH, outW], `weight` [K, C, 4, 4] (the forward conv's, which is also
    /// convTranspose2d's [Cin, Cout, 4, 4]), `result` [N, C, height, width], overwritten.
    static func transposed(_ g: UnsafePointer<Float>, batch: Int, geometry geo: ConvGeometry, gradientChannels k: Int,
                           weight: UnsafePointer<Float>, into result: UnsafeMutablePointer<Float>,
                           maxBlockTiles: Int = .max, maxChannelBlock: Int = .max) {
        let c = geo.channels, phases = 4 * c, rows = geo.outH + 1, cols = geo.outW + 1, p = geo.padding
        let phaseImage = TensorStorage(count: batch * phases * rows * cols, zeroed: false)
        let kernels = TensorStorage(count: WinogradTile.f2x2.positions * phases * k, zeroed: false)
        defer { withExtendedLifetime((phaseImage, kernels)) {} }
        transformKernels(weight, outChannels: k, channels: c, transposed: true, into: kernels.pointer)
        Winograd.correlate(src: g, batch: batch, channels: k, height: geo.outH, width: geo.outW, pad: 1,
                           weight: kernels.pointer, outChannels: phases, transposed: true, dst: phaseImage.pointer,
                           outH: rows, outW: cols, maxBlockTiles: maxBlockTiles, maxChannelBlock: maxChannelBlock,
                           tile: .f2x2, weightTransformed: true)
        // Output column x is phase (x + p) & 1 at m = (x + p) >> 1: x = 2j + e − p for e ∈ {0, 1} reads phase row e
        // at j, inside the output for j in lo(e) ..< hi(e), and m = j < cols.
        let plane = rows * cols, width = geo.width
        let spans = (0..<2).map { e in (max(0, (p - e + 1) / 2), min(cols, (width - e + p + 1) / 2)) }
        Parallel.chunks(batch * c) { range in
            for image in range {
                let n = image / c, ch = image % c, dst = result + image * geo.height * width
                for y in 0..<geo.height {
                    let line = dst + y * width, qy = (y + p) & 1, my = (y + p) >> 1
                    line.update(repeating: 0, count: width)   // columns (and rows) that no phase reaches stay 0
                    guard my < rows else { continue }
                    let base = phaseImage.pointer + ((n * c + ch) * 4 + 2 * qy) * plane + my * cols
                    for e in 0..<2 {
                        let src = base + e * plane, out = line + e - p
                        let (lo, hi) = spans[e]
                        if lo < hi { for j in lo..<hi { out[2 * j] = src[j] } }
                    }
                }
            }
        }
    }

    /// U[ξ][k][(c, phase)] = (G g Gᵀ)_ξ for every phase's 2×2 kernel g of every 4×4 kernel w[k][c], G = [1 0; 1 1; 0 1],
    /// with g[a][b] = w[2a + r][2b + s] forward and w[r + 2 − 2a][s + 2 − 2b] `transposed` (phase = 2r + s). The
    /// transposed op's correlation reads this layout through transposed sgemms. One kernel's 16 taps give each
    /// position's four phases as one 4-lane vector: g00 of the four phases is taps (0, 1, 4, 5) forward, and so on.
    static func transformKernels(_ weight: UnsafePointer<Float>, outChannels k: Int, channels c: Int, transposed: Bool,
                                 into u: UnsafeMutablePointer<Float>) {
        let position = k * 4 * c
        Parallel.chunks(k * c) { range in
            for kernel in range {
                let w = UnsafeRawPointer(weight + kernel * 16).loadUnaligned(as: SIMD16<Float>.self)
                let near0 = SIMD4(w[0], w[1], w[4], w[5]), near2 = SIMD4(w[2], w[3], w[6], w[7])
                let far0 = SIMD4(w[8], w[9], w[12], w[13]), far2 = SIMD4(w[10], w[11], w[14], w[15])
                let g00 = transposed ? far2 : near0, g01 = transposed ? far0 : near2
                let g10 = transposed ? near2 : far0, g11 = transposed ? near0 : far2
                let h0 = g00 + g10, h1 = g01 + g11
                // Kernel k·c + ch sits at row k, columns 4ch ..< 4ch + 4 of every position's [K][4C] matrix.
                let d = UnsafeMutableRawPointer(u + kernel * 4)
                let stride = position * MemoryLayout<Float>.size
                d.storeBytes(of: g00, as: SIMD4<Float>.self)
                (d + stride).storeBytes(of: g00 + g01, as: SIMD4<Float>.self)
                (d + 2 * stride).storeBytes(of: g01, as: SIMD4<Float>.self)
                (d + 3 * stride).storeBytes(of: h0, as: SIMD4<Float>.self)
                (d + 4 * stride).storeBytes(of: h0 + h1, as: SIMD4<Float>.self)
                (d + 5 * stride).storeBytes(of: h1, as: SIMD4<Float>.self)
                (d + 6 * stride).storeBytes(of: g10, as: SIMD4<Float>.self)
                (d + 7 * stride).storeBytes(of: g10 + g11, as: SIMD4<Float>.self)
                (d + 8 * stride).storeBytes(of: g11, as: SIMD4<Float>.self)
            }
        }
    }
}
