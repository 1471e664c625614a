import Foundation

extension Tensor {
    /// 2-D convolution, as `torch.nn.functional.conv2d` (groups 1).
    ///
    /// - Parameters: `self` [N, Cin, H, W]; `weight` [Cout, Cin, kh, kw]; `bias` [Cout].
    /// - Returns: [N, Cout, (H + 2p − d(kh−1) − 1)/s + 1, …].
    /// - Complexity: one sgemm per band of output rows; the column scratch is bounded (~16 MB).
    /// - Throws: `TensorError` for wrong ranks, channel mismatches or an empty output.
    public func conv2d(weight: Tensor, bias: Tensor? = nil, stride: Int = 1, padding: Int = 0, dilation: Int = 1) throws -> Tensor {
        try expectRank(4, "conv2d")
        try weight.expectRank(4, "conv2d weight")
        guard weight.shape[1] == shape[1] else {
            throw TensorError.shapeMismatch(op: "conv2d (input channels vs weight)", shape, weight.shape)
        }
        let cout = weight.shape[0]
        if let bias, bias.shape != [cout] { throw TensorError.shapeMismatch(op: "conv2d bias", [cout], bias.shape) }
        let geo = try Tensor.geometry("conv2d", channels: shape[1], height: shape[2], width: shape[3],
                                      kernel: (weight.shape[2], weight.shape[3]), stride: stride, padding: padding, dilation: dilation)
        let out = Tensor(zeros: [shape[0], cout, geo.outH, geo.outW], zeroed: false)
        Tensor.convForward(input: self, weight: weight, geometry: geo, output: out, bias: bias)
        return Tensor.record(out, "conv2d", inputs: bias.map { [self, weight, $0] } ?? [self, weight]) { [weak self] g in
            guard let x = self else { return [nil, nil, nil] }
            let gx: Tensor? = x.requiresGrad ? Tensor.convInputGradient(g, weight: weight, geometry: geo, batch: x.shape[0]) : nil
            let gw: Tensor? = weight.requiresGrad ? Tensor.convWeightGradient(g, input: x, weightShape: weight.shape, geometry: geo) : nil
            let gb: Tensor? = (bias?.requiresGrad ?? false) ? Tensor.channelSums(g) : nil
            return [gx, gw, gb]
        }
    }

    /// 2-D transposed convolution, as `torch.nn.functional.conv_transpose2d` (groups 1).
    ///
    /// - Parameters: `self` [N, Cin, H, W]; `weight` [Cin, Cout, kh, kw] (PyTorch's layout); `bias` [Cout].
    /// - Returns: [N, Cout, (H−1)s − 2p + d(kh−1) + outputPadding + 1, …].
    /// - Throws: `TensorError` for wrong ranks, channel mismatches or a bad output padding.
    public func convTranspose2d(weight: Tensor, bias: Tensor? = nil, stride: Int = 1, padding: Int = 0,
                                outputPadding: Int = 0, dilation: Int = 1) throws -> Tensor {
        try expectRank(4, "convTranspose2d")
        try weight.expectRank(4, "convTranspose2d weight")
        guard weight.shape[0] == shape[1] else {
            throw TensorError.shapeMismatch(op: "convTranspose2d (input channels vs weight)", shape, weight.shape)
        }
        guard outputPadding >= 0, outputPadding < max(stride, dilation) else {
            throw TensorError.invalidArgument(op: "convTranspose2d", "output padding \(outputPadding) must be smaller than stride or dilation")
        }
        let cout = weight.shape[1], kh = weight.shape[2], kw = weight.shape[3]
        if let bias, bias.shape != [cout] { throw TensorError.shapeMismatch(op: "convTranspose2d bias", [cout], bias.shape) }
        let outH = (shape[2] - 1) * stride - 2 * padding + dilation * (kh - 1) + outputPadding + 1
        let outW = (shape[3] - 1) * stride - 2 * padding + dilation * (kw - 1) + outputPadding + 1
        guard outH > 0, outW > 0 else {
            throw TensorError.invalidArgument(op: "convTranspose2d", "input \(shape) gives an empty output")
        }
        // The conv that this op transposes maps [Cout, outH, outW] to [Cin, H, W].
        let geo = ConvGeometry(channels: cout, height: outH, width: outW, kernelH: kh, kernelW: kw,
                               stride: stride, padding: padding, dilation: dilation, outH: shape[2], outW: shape[3])
        let out = Tensor.convInputGradient(self, weight: weight, geometry: geo, batch: shape[0])
        if let bias { Tensor.addChannelBias(out, bias) }
        return Tensor.record(out, "convTranspose2d", inputs: bias.map { [self, weight, $0] } ?? [self, weight]) { [weak self] g in
            guard let x = self else { return [nil, nil, nil] }
            var gx: Tensor? = nil
            if x.requiresGrad {
                gx = Tensor(zeros: x.shape, zeroed: false)
                Tensor.convForward(input: g, weight: weight, geometry: geo, output: gx!)
            }
            // For the transposed op the roles swap: columns come from g, the "output" is x.
            let gw: Tensor? = weight.requiresGrad ? Tensor.convWeightGradient(x, input: g, weightShape: weight.shape, geometry: geo) : nil
            let gb: Tensor? = (bias?.requiresGrad ?? false) ? Tensor.channelSums(g) : nil
            return [gx, gw, gb]
        }
    }

    // MARK: Kernels

    static func geometry(_ op: String, channels: Int, height: Int, width: Int, kernel: (Int, Int),
                         stride: Int, padding: Int, dilation: Int) throws -> ConvGeometry {
        guard stride >= 1, dilation >= 1, padding >= 0 else {
            throw TensorError.invalidArgument(op: op, "stride \(stride) and dilation \(dilation) must be ≥ 1, padding \(padding) ≥ 0")
        }
        let outH = (height + 2 * padding - dilation * (kernel.0 - 1) - 1) / stride + 1
        let outW = (width + 2 * padding - dilation * (kernel.1 - 1) - 1) / stride + 1
        guard height + 2 * padding - dilation * (kernel.0 - 1) - 1 >= 0,
              width + 2 * padding - dilation * (kernel.1 - 1) - 1 >= 0, outH > 0, outW > 0 else {
            throw TensorError.invalidArgument(op: op, "kernel \(kernel.0)×\(kernel.1) (dilation \(dilation)) is larger than the padded input \(height)×\(width)")
        }
        return ConvGeometry(channels: channels, height: height, width: width, kernelH: kernel.0, kernelW: kernel.1,
                            stride: stride, padding: padding, dilation: dilation, outH: outH, outW: outW)
    }

    /// output[n] = W · im2col(input[n]) (+ bias); W is [Cout, K] with K = geometry.columnRows.
    ///
    /// `.auto` runs 3×3 stride-1 kernels with enough channels through Winograd F(4×4, 3×3), 4×4 stride-2 ones
    /// through F(2×2, 2×2) over their phases (`WinogradStride2`), and stride-1 kernels with few output channels as
    /// the transposed op of the swapped conv (see `ConvAlgorithm`).
    /// `activation` is applied as the output is written (after the bias). A Winograd conv whose input is a channel
    /// prefix of `cache`'s buffer reuses the channels transformed by earlier convs.
    static func convForward(input: Tensor, weight: Tensor, geometry geo: ConvGeometry, output: Tensor, bias: Tensor? = nil,
                            algorithm: ConvAlgorithm = .auto, activation: FusedActivation = .none,
                            cache: WinogradInputCache? = nil) {
        let cout = weight.shape[0], k = geo.columnRows
        let inPlane = geo.channels * geo.height * geo.width, outPixels = geo.outH * geo.outW
        let batch = input.shape[0]
        switch algorithm.resolved(geo, outputChannels: cout, forward: true) {
        case .winograd:
            let tile = Winograd.tile(inner: geo.channels, outH: geo.outH, outW: geo.outW)
            let lease = cache?.lease(input: input, padding: geo.padding, tiles: tile.tiles(outH: geo.outH, outW: geo.outW),
                                     tile: tile)
            Winograd.correlate(src: input.data, batch: batch, channels: geo.channels, height: geo.height, width: geo.width,
                               pad: geo.padding, weight: weight.data, outChannels: cout, transposed: false,
                               bias: bias.map { UnsafePointer($0.data) }, activation: activation, dst: output.data,
                               outH: geo.outH, outW: geo.outW, cached: lease, tile: tile)
            if lease != nil { cache?.commit(channels: geo.channels) }
            return
        case .winogradStride2:
            WinogradStride2.forward(input: input.data, batch: batch, geometry: geo, weight: weight.data, outChannels: cout,
                                    bias: bias.map { UnsafePointer($0.data) }, activation: activation, output: output.data)
            return
        case .swapped:
            output.fill(0)
            convInputGradient(input, weight: flippedTransposed(weight), geometry: geo.swapped(outputChannels: cout),
                              batch: batch, into: output, algorithm: .im2col)
            biasAndActivation(output, bias, activation)
            return
        case .auto, .im2col:
            break
        }
        defer { biasAndActivation(output, bias, activation) }
        if geo.isPointwise {
            for n in 0..<batch {
                BLAS.sgemm(m: cout, n: outPixels, k: k, a: weight.data, lda: k, b: input.data + n * inPlane, ldb: outPixels,
                           c: output.data + n * cout * outPixels, ldc: outPixels)
            }
            return
        }
        let band = geo.bandRows()
        let scratch = TensorStorage(count: k * band * geo.outW, zeroed: false)
        defer { withExtendedLifetime(scratch) {} }
        for n in 0..<batch {
            var row = 0
            while row < geo.outH {
                let rows = min(band, geo.outH - row), cols = rows * geo.outW
                geo.im2col(input.data + n * inPlane, rows: row, count: rows, into: scratch.pointer)
                BLAS.sgemm(m: cout, n: cols, k: k, a: weight.data, lda: k, b: scratch.pointer, ldb: cols,
                           c: output.data + n * cout * outPixels + row * geo.outW, ldc: outPixels)
                row += rows
            }
        }
    }

    /// The image-side tensor [N, channels, height, width] = col2im(Wᵀ · g[n]); g is [N, Cout, outH, outW].
    ///
    /// `.auto` runs 3×3 stride-1 kernels with enough channels as a Winograd correlation of g with the rotated,
    /// transposed kernel, 4×4 stride-2 ones (convTranspose2d's up-sampling) as four F(2×2, 2×2) phase
    /// correlations, and stride-1 kernels with few g channels as the forward op of the swapped conv.
    static func convInputGradient(_ g: Tensor, weight: Tensor, geometry geo: ConvGeometry, batch: Int,
                                  algorithm: ConvAlgorithm = .auto) -> Tensor {
        let method = algorithm.resolved(geo, outputChannels: g.shape[1], forward: false)
        let result = Tensor(zeros: [batch, geo.channels, geo.height, geo.width], zeroed: method == .im2col && !geo.isPointwise)
        convInputGradient(g, weight: weight, geometry: geo, batch: batch, into: result, algorithm: method)
        return result
    }

    /// `convInputGradient` into `result`, which must hold zeros when the method resolves to `.im2col`.
    static func convInputGradient(_ g: Tensor, weight: Tensor, geometry geo: ConvGeometry, batch: Int, into result: Tensor,
                                  algorithm: ConvAlgorithm) {
        let cout = g.shape[1], k = geo.columnRows
        let inPlane = geo.channels * geo.height * geo.width, outPixels = geo.outH * geo.outW
        switch algorithm.resolved(geo, outputChannels: cout, forward: false) {
        case .winograd:
            Winograd.correlate(src: g.data, batch: batch, channels: cout, height: geo.outH, width: geo.outW,
                               pad: 2 - geo.padding, weight: weight.data, outChannels: geo.channels, transposed: true,
                               dst: result.data, outH: geo.height, outW: geo.width,
                               tile: Winograd.tile(inner: cout, outH: geo.height, outW: geo.width))
            return
        case .winogradStride2:
            WinogradStride2.transposed(g.data, batch: batch, geometry: geo, gradientChannels: cout, weight: weight.data,
                                       into: result.data)
            return
        case .swapped:
            convForward(input: g, weight: flippedTransposed(weight), geometry: geo.swapped(outputChannels: cout),
                        output: result, algorithm: .im2col)
            return
        case .auto, .im2col:
            break
        }
        if geo.isPointwise {
            for n in 0..<batch {
                BLAS.sgemm(transA: true, m: k, n: outPixels, k: cout, a: weight.data, lda: k, b: g.data + n * cout * outPixels,
                           ldb: outPixels, c: result.data + n * inPlane, ldc: outPixels)
            }
            return
        }
        let band = geo.bandRows()
        let scratch = TensorStorage(count: k * band * geo.outW, zeroed: false)
        defer { withExtendedLifetime(scratch) {} }
        for n in 0..<batch {
            var row = 0
            while row < geo.outH {
                let rows = min(band, geo.outH - row), cols = rows * geo.outW
                BLAS.sgemm(transA: true, m: k, n: cols, k: cout, a: weight.data, lda: k,
                           b: g.data + n * cout * outPixels + row * geo.outW, ldb: outPixels, c: scratch.pointer, ldc: cols)
                geo.col2im(scratch.pointer, rows: row, count: rows, into: result.data + n * inPlane)
                row += rows
            }
        }
    }

    /// dW [rows, K] = Σₙ g[n] · im2col(input[n])ᵀ, where `g` holds `rows` channels over the column side.
    ///
    /// `.auto` makes the forward conv's choice: 3×3 stride-1 kernels with enough channels on both sides run through
    /// Winograd F(2×2, 3×3) (`Winograd.weightGradient`), stride-1 kernels with few rows through the swapped conv's
    /// columns (`swappedWeightGradient`), everything else through im2col + sgemm.
    static func convWeightGradient(_ g: Tensor, input: Tensor, weightShape: [Int], geometry geo: ConvGeometry,
                                   algorithm: ConvAlgorithm = .auto) -> Tensor {
        let rowsOut = g.shape[1], k = geo.columnRows
        let inPlane = geo.channels * geo.height * geo.width, outPixels = geo.outH * geo.outW
        let method = algorithm.resolved(geo, outputChannels: rowsOut, forward: true)
        if method == .swapped { return swappedWeightGradient(g, input: input, weightShape: weightShape, geometry: geo) }
        if method == .winograd {
            let gw = Tensor(zeros: weightShape, zeroed: false)
            Winograd.weightGradient(image: input.data, batch: input.shape[0], channels: geo.channels, height: geo.height,
                                    width: geo.width, pad: geo.padding, gradient: g.data, rows: rowsOut, outH: geo.outH,
                                    outW: geo.outW, into: gw.data)
            return gw
        }
        let gw = Tensor(zeros: weightShape)
        if geo.isPointwise {
            for n in 0..<input.shape[0] {
                BLAS.sgemm(transB: true, m: rowsOut, n: k, k: outPixels, a: g.data + n * rowsOut * outPixels, lda: outPixels,
                           b: input.data + n * inPlane, ldb: outPixels, beta: 1, c: gw.data, ldc: k)
            }
            return gw
        }
        let band = geo.bandRows()
        let scratch = TensorStorage(count: k * band * geo.outW, zeroed: false)
        defer { withExtendedLifetime(scratch) {} }
        for n in 0..<input.shape[0] {
            var row = 0
            while row < geo.outH {
                let rows = min(band, geo.outH - row), cols = rows * geo.outW
                geo.im2col(input.data + n * inPlane, rows: row, count: rows, into: scratch.pointer)
                BLAS.sgemm(transB: true, m: rowsOut, n: k, k: cols, a: g.data + n * rowsOut * outPixels + row * geo.outW,
                           lda: outPixels, b: scratch.pointer, ldb: cols, beta: 1, c: gw.data, ldc: k)
                row += rows
            }
        }
        return gw
    }

    /// Adds bias[c] to every pixel of channel c, in place.
    static func addChannelBias(_ t: Tensor, _ bias: Tensor) {
        let c = t.shape[1], plane = t.shape[2] * t.shape[3]
        Parallel.chunks(t.shape[0] * c) { range in
            for p in range {
                let b = bias.data[p % c], base = t.data + p * plane
                for i in 0..<plane { base[i] += b }
            }
        }
    }

    /// Per-channel sums of an NCHW tensor, as [C] (a conv's bias gradient), channels in parallel.
    static func channelSums(_ t: Tensor) -> Tensor {
        let n = t.shape[0], c = t.shape[1], plane = t.shape[2] * t.shape[3]
        let out = Tensor(zeros: [c], zeroed: false)
        let src = t.data, dst = out.data
        Parallel.chunks(c, minChunk: Swift.max(1, 16384 / Swift.max(plane * n, 1))) { range in
            for ch in range {
                var total = 0.0
                for b in 0..<n { total += Tensor.sum(src + (b * c + ch) * plane, plane) }
                dst[ch] = Float(total)
            }
        }
        return out
    }
}
