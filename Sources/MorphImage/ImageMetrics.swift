import Foundation

/// The colour planes of one image as Double samples on the 0–255 scale (16-bit images are divided by 257).
public struct MetricPlanes {
    /// Plane size.
    public let width: Int, height: Int
    /// 1 (gray or Y) or 3 (RGB); alpha is dropped.
    public let channels: Int
    /// `channels` planes of `width × height` samples, row-major.
    public let samples: [Double]

    /// Planes from their parts; `samples.count` must be `channels × width × height`.
    public init(width: Int, height: Int, channels: Int, samples: [Double]) throws {
        guard width > 0, height > 0, channels > 0, samples.count == width * height * channels else {
            throw ImageError.invalidArgument("metric planes \(channels)×\(height)×\(width) need \(channels * height * width) samples, got \(samples.count)")
        }
        self.width = width
        self.height = height
        self.channels = channels
        self.samples = samples
    }

    /// Decodes `url` (any format Morph reads) into planes.
    /// - Throws: `ImageError` naming the file.
    public init(contentsOf url: URL) throws {
        let image = try ImageLoader.load(url)
        let source = try SourceDescription(image)
        let pixels = try image.pixels()
        let w = source.width, h = source.height, bands = source.bands
        let colour = source.hasAlpha ? bands - 1 : bands
        var planes = [Double](repeating: 0, count: colour * w * h)
        let scale = source.bitDepth == 16 ? 1.0 / 257 : 1.0
        planes.withUnsafeMutableBufferPointer { out in
            if source.bitDepth == 16 {
                let p = pixels.base.assumingMemoryBound(to: UInt16.self)
                for i in 0..<(w * h) { for c in 0..<colour { out[c * w * h + i] = Double(p[i * bands + c]) * scale } }
            } else {
                let p = pixels.base.assumingMemoryBound(to: UInt8.self)
                for i in 0..<(w * h) { for c in 0..<colour { out[c * w * h + i] = Double(p[i * bands + c]) } }
            }
        }
        try self.init(width: w, height: h, channels: colour, samples: planes)
    }

    /// Gray replicated into three planes (RGB planes are returned as they are).
    public func asRGB() throws -> MetricPlanes {
        guard channels == 1 else { return self }
        return try MetricPlanes(width: width, height: height, channels: 3, samples: samples + samples + samples)
    }

    /// BasicSR's Y channel (ITU-R BT.601, studio range): Y = 16 + (65.481 R + 128.553 G + 24.966 B) / 255.
    public func luma() throws -> MetricPlanes {
        let rgb = try asRGB()
        let n = width * height
        var y = [Double](repeating: 0, count: n)
        rgb.samples.withUnsafeBufferPointer { s in
            for i in 0..<n { y[i] = 16 + (65.481 * s[i] + 128.553 * s[n + i] + 24.966 * s[2 * n + i]) / 255 }
        }
        return try MetricPlanes(width: width, height: height, channels: 1, samples: y)
    }

    /// The planes without `border` pixels on each side.
    public func cropped(border: Int) throws -> MetricPlanes {
        guard border > 0 else { return self }
        let w = width - 2 * border, h = height - 2 * border
        guard w > 0, h > 0 else {
            throw ImageError.invalidArgument("crop border \(border) leaves nothing of a \(width)×\(height) image")
        }
        var out = [Double](); out.reserveCapacity(channels * w * h)
        for c in 0..<channels {
            for y in 0..<h {
                let start = (c * height + y + border) * width + border
                out.append(contentsOf: samples[start..<(start + w)])
            }
        }
        return try MetricPlanes(width: w, height: h, channels: channels, samples: out)
    }
}

/// PSNR and SSIM of a test image against its reference, computed as BasicSR's `calculate_psnr` / `calculate_ssim`.
public enum ImageMetrics {
    /// How images are prepared before measuring.
    public struct Options: Equatable {
        /// Pixels dropped on each side before measuring.
        public var cropBorder: Int
        /// Measure BasicSR's Y channel instead of the colour planes.
        public var yChannel: Bool

        public init(cropBorder: Int = 0, yChannel: Bool = false) {
            self.cropBorder = cropBorder
            self.yChannel = yChannel
        }
    }

    /// One comparison.
    public struct Result: Equatable {
        /// Peak signal-to-noise ratio in dB (infinite for identical images).
        public var psnr: Double
        /// Mean structural similarity over the channels.
        public var ssim: Double
    }

    /// Compares two image files.
    /// - Throws: `ImageError` naming the file that cannot be read, or both when their sizes differ.
    public static func compare(reference: URL, test: URL, options: Options = Options()) throws -> Result {
        let ref = try MetricPlanes(contentsOf: reference), out = try MetricPlanes(contentsOf: test)
        guard ref.width == out.width, ref.height == out.height else {
            throw ImageError.invalidArgument("\(test.path): size \(out.width)×\(out.height) differs from the reference \(reference.path) (\(ref.width)×\(ref.height))")
        }
        do {
            return try compare(ref, out, options: options)
        } catch let error as ImageError {
            throw ImageError.invalidArgument("\(test.path): \(error.description)")
        }
    }

    /// Compares two decoded images of the same size (gray is replicated when the other is RGB).
    public static func compare(_ reference: MetricPlanes, _ test: MetricPlanes, options: Options = Options()) throws -> Result {
        var a = reference, b = test
        if a.channels != b.channels { a = try a.asRGB(); b = try b.asRGB() }
        if options.yChannel { a = try a.luma(); b = try b.luma() }
        a = try a.cropped(border: options.cropBorder)
        b = try b.cropped(border: options.cropBorder)
        return Result(psnr: psnr(a, b), ssim: try ssim(a, b))
    }

    /// 10·log10(255² / MSE) over all samples; +∞ when the images are equal.
    public static func psnr(_ a: MetricPlanes, _ b: MetricPlanes) -> Double {
        var sum = 0.0
        a.samples.withUnsafeBufferPointer { x in
            b.samples.withUnsafeBufferPointer { y in
                for i in 0..<x.count { let d = x[i] - y[i]; sum += d * d }
            }
        }
        let mse = sum / Double(a.samples.count)
        return mse == 0 ? .infinity : 10 * log10(255 * 255 / mse)
    }

    /// Wang et al.'s SSIM with an 11×11 Gaussian window (σ 1.5) over the fully covered ("valid") positions,
    /// C1 = (0.01·255)², C2 = (0.03·255)², averaged over channels.
    /// - Throws: `ImageError.invalidArgument` when a side is shorter than the window.
    public static func ssim(_ a: MetricPlanes, _ b: MetricPlanes) throws -> Double {
        let radius = 5, w = a.width, h = a.height
        guard w > 2 * radius, h > 2 * radius else {
            throw ImageError.invalidArgument("SSIM needs at least 11×11 pixels, got \(w)×\(h)")
        }
        var kernel = (-radius...radius).map { exp(-Double($0 * $0) / (2 * 1.5 * 1.5)) }
        let total = kernel.reduce(0, +)
        kernel = kernel.map { $0 / total }
        let c1: Double = (0.01 * 255) * (0.01 * 255), c2: Double = (0.03 * 255) * (0.03 * 255)
        let vw = w - 2 * radius, vh = h - 2 * radius, n = w * h
        var mean = 0.0
        for c in 0..<a.channels {
            let x = Array(a.samples[(c * n)..<((c + 1) * n)]), y = Array(b.samples[(c * n)..<((c + 1) * n)])
            let xx = x.map { $0 * $0 }, yy = y.map { $0 * $0 }, xy = zip(x, y).map { $0 * $1 }
            let mx = validGaussian(x, w, h, kernel), my = validGaussian(y, w, h, kernel)
            let sxx = validGaussian(xx, w, h, kernel), syy = validGaussian(yy, w, h, kernel), sxy = validGaussian(xy, w, h, kernel)
            var sum = 0.0
            for i in 0..<(vw * vh) {
                let m1 = mx[i], m2 = my[i]
                let v1 = sxx[i] - m1 * m1, v2 = syy[i] - m2 * m2, cov = sxy[i] - m1 * m2
                sum += ((2 * m1 * m2 + c1) * (2 * cov + c2)) / ((m1 * m1 + m2 * m2 + c1) * (v1 + v2 + c2))
            }
            mean += sum / Double(vw * vh)
        }
        return mean / Double(a.channels)
    }

    /// Separable correlation of a `w × h` plane with `kernel` in both directions, keeping only full windows.
    static func validGaussian(_ plane: [Double], _ w: Int, _ h: Int, _ kernel: [Double]) -> [Double] {
        let k = kernel.count, vw = w - k + 1, vh = h - k + 1
        var rows = [Double](repeating: 0, count: vw * h)
        var out = [Double](repeating: 0, count: vw * vh)
        plane.withUnsafeBufferPointer { p in
            kernel.withUnsafeBufferPointer { g in
                rows.withUnsafeMutableBufferPointer { r in
                    for y in 0..<h {
                        for x in 0..<vw {
                            var s = 0.0
                            for t in 0..<k { s += g[t] * p[y * w + x + t] }
                            r[y * vw + x] = s
                        }
                    }
                }
                rows.withUnsafeBufferPointer { r in
                    out.withUnsafeMutableBufferPointer { o in
                        for y in 0..<vh {
                            for x in 0..<vw {
                                var s = 0.0
                                for t in 0..<k { s += g[t] * r[(y + t) * vw + x] }
                                o[y * vw + x] = s
                            }
                        }
                    }
                }
            }
        }
        return out
    }
}
