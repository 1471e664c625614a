import Foundation

/// 2-D real FFTs over the last two dimensions with orthonormal scaling, as
/// `torch.fft.rfftn(x, dim=(-2, -1), norm="ortho")` and `torch.fft.irfftn(y, s=(H, W), norm="ortho")`.
///
/// Complex values are carried the way LaMa's Fourier unit carries them: a spectrum of an
/// `[N, C, H, W]` tensor is a real `[N, 2C, H, W/2+1]` tensor whose channel `2c` is the real part
/// and channel `2c+1` the imaginary part of input channel `c`.
extension Tensor {
    /// The half spectrum of each `H × W` plane, real and imaginary parts stacked as channels.
    public func rfft2() throws -> Tensor {
        try expectRank(4, "rfft2")
        guard shape[2] > 0, shape[3] > 0 else {
            throw TensorError.invalidArgument(op: "rfft2", "empty planes in \(shape)")
        }
        let width = shape[3]
        let out = Tensor.rfftKernel(self)
        return Tensor.record(out, "rfft2", inputs: [self]) { g in
            let halved = g.detached()
            Tensor.scaleInteriorColumns(halved, width: width, by: 0.5)
            return [Tensor.irfftKernel(halved, width: width)]
        }
    }

    /// The real `[N, C, H, width]` signal whose half spectrum is `self` (`[N, 2C, H, width/2+1]`).
    ///
    /// As in PyTorch, the imaginary parts that Hermitian symmetry forbids (the zero and, for
    /// even widths, the Nyquist column) are dropped: those columns are made symmetric first.
    public func irfft2(width: Int) throws -> Tensor {
        try expectRank(4, "irfft2")
        guard shape[1] % 2 == 0, width > 0, shape[2] > 0, shape[3] == width / 2 + 1 else {
            throw TensorError.invalidArgument(op: "irfft2",
                                              "spectrum \(shape) does not fit width \(width) (needs [N, 2C, H, \(width / 2 + 1)])")
        }
        let out = Tensor.irfftKernel(self, width: width)
        return Tensor.record(out, "irfft2", inputs: [self]) { g in
            let spectrum = Tensor.rfftKernel(g)
            Tensor.scaleInteriorColumns(spectrum, width: width, by: 2)
            return [spectrum]
        }
    }

    /// Multiplies the columns of a half spectrum that stand for two bins of the full one
    /// (all but the zero and Nyquist columns) by `factor`, in place.
    static func scaleInteriorColumns(_ spectrum: Tensor, width: Int, by factor: Float) {
        let wf = spectrum.shape[3], rows = spectrum.count / wf
        let interior = 1..<((width + 1) / 2)
        let p = spectrum.data
        for r in 0..<rows {
            let row = p + r * wf
            for k in interior { row[k] *= factor }
        }
    }

    /// Forward transform of every plane of `x` into LaMa's stacked layout.
    static func rfftKernel(_ x: Tensor) -> Tensor {
        let (n, c, h, w) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        let wf = w / 2 + 1, plane = h * wf
        let out = Tensor(zeros: [n, 2 * c, h, wf], zeroed: false)
        let plans = FFTPlans.plans(height: h, width: w)
        let scale = 1 / Float(Double(h * w).squareRoot())
        let src = x.data, dst = out.data
        Parallel.forEach(n * c) { index in
            let complex = UnsafeMutablePointer<Float>.allocate(capacity: 2 * plane)
            defer { complex.deallocate() }
            FFTPlans.forward(plans, src + index * h * w, complex)
            let real = dst + 2 * index * plane, imag = real + plane
            for i in 0..<plane {
                real[i] = complex[2 * i] * scale
                imag[i] = complex[2 * i + 1] * scale
            }
        }
        return out
    }

    /// Inverse transform of every stacked spectrum of `spectrum` into `[N, C, H, width]` planes.
    static func irfftKernel(_ spectrum: Tensor, width w: Int) -> Tensor {
        let (n, c2, h, wf) = (spectrum.shape[0], spectrum.shape[1], spectrum.shape[2], spectrum.shape[3])
        let c = c2 / 2, plane = h * wf
        let out = Tensor(zeros: [n, c, h, w], zeroed: false)
        let plans = FFTPlans.plans(height: h, width: w)
        let scale = 1 / Float(Double(h * w).squareRoot())
        let edges = w % 2 == 0 ? [0, w / 2] : [0]
        let src = spectrum.data, dst = out.data
        Parallel.forEach(n * c) { index in
            let complex = UnsafeMutablePointer<Float>.allocate(capacity: 2 * plane)
            defer { complex.deallocate() }
            let real = src + 2 * index * plane, imag = real + plane
            for i in 0..<plane {
                complex[2 * i] = real[i]
                complex[2 * i + 1] = imag[i]
            }
            for k in edges { symmetrizeColumn(complex, column: k, height: h, rowLength: wf) }
            let signal = dst + index * h * w
            FFTPlans.inverse(plans, complex, signal)
            for i in 0..<(h * w) { signal[i] *= scale }
        }
        return out
    }

    /// Replaces column `k` of an interleaved complex plane by its Hermitian part,
    /// `(z[h] + conj(z[-h])) / 2`, the values a Hermitian transform actually uses.
    static func symmetrizeColumn(_ z: UnsafeMutablePointer<Float>, column k: Int, height h: Int, rowLength wf: Int) {
        for row in 0...(h / 2) {
            let mirror = (h - row) % h
            let a = 2 * (row * wf + k), b = 2 * (mirror * wf + k)
            let re = (z[a] + z[b]) / 2, im = (z[a + 1] - z[b + 1]) / 2
            z[a] = re; z[a + 1] = im
            z[b] = re; z[b + 1] = -im
        }
    }
}
