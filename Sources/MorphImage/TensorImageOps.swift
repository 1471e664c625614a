import Foundation
import CVipsShim
import MorphTensor

/// libvips resampling kernels.
public enum ResampleKernel: String, CaseIterable, Sendable {
    case nearest, linear, cubic, lanczos3

    var vips: VipsKernel {
        switch self {
        case .nearest: return VIPS_KERNEL_NEAREST
        case .linear: return VIPS_KERNEL_LINEAR
        case .cubic: return VIPS_KERNEL_CUBIC
        case .lanczos3: return VIPS_KERNEL_LANCZOS3
        }
    }
}

/// Image operations on colour tensors `[1, C, H, W]` in [0, 1], done by libvips (resize, blur, JPEG).
///
/// These are data-side operations (degradations, resampling of model output); they record nothing on the tape.
public enum TensorImageOps {
    /// Resizes to `width` × `height` with `kernel` (libvips reduces with antialiasing, as MATLAB's imresize does).
    public static func resize(_ x: Tensor, width: Int, height: Int, kernel: ResampleKernel = .cubic) throws -> Tensor {
        guard width > 0, height > 0 else {
            throw ImageError.invalidArgument("resize to \(width)×\(height): sizes must be positive")
        }
        let (_, _, h, w) = try dims(x, "resize")
        return try run(x, "resize") { image in
            try image.apply { morph_vips_resize_kernel($0, $1, Double(width) / Double(w), Double(height) / Double(h), kernel.vips) }
        } expect: { ($0.width == width && $0.height == height) ? nil : "resize gave \($0.width)×\($0.height), wanted \(width)×\(height)" }
    }

    /// Gaussian blur with standard deviation `sigma` pixels (edges extended by libvips' copy rule).
    public static func gaussianBlur(_ x: Tensor, sigma: Double) throws -> Tensor {
        guard sigma > 0 else { return x.detached() }
        return try run(x, "blur") { image in try image.apply { morph_vips_gaussblur($0, $1, sigma) } } expect: { _ in nil }
    }

    /// Quantises to 8 bits, encodes as JPEG of `quality` (1–100) and decodes again.
    public static func jpegRoundTrip(_ x: Tensor, quality: Int) throws -> Tensor {
        let (_, c, h, w) = try dims(x, "jpeg")
        guard (1...100).contains(quality), c == 3 || c == 1 else {
            throw ImageError.invalidArgument("JPEG round trip needs quality 1–100 and 1 or 3 channels, got \(quality), \(c)")
        }
        var bytes = [UInt8](repeating: 0, count: c * h * w)
        let n = h * w
        for i in 0..<n { for ch in 0..<c { bytes[i * c + ch] = UInt8((min(max(x.data[ch * n + i], 0), 1) * 255).rounded()) } }
        let image = try bytes.withUnsafeBytes { try VipsImage.fromSamples($0, width: w, height: h, bands: c, bitDepth: 8) }
        let decoded = try image.apply { morph_vips_jpeg_roundtrip($0, $1, Int32(quality)) }
        let pixels = try decoded.pixels()
        guard pixels.count == c * n else { throw ImageError.invalidArgument("JPEG round trip changed the layout") }
        let out = Tensor(zeros: x.shape, zeroed: false)
        let p = pixels.base.assumingMemoryBound(to: UInt8.self)
        for i in 0..<n { for ch in 0..<c { out.data[ch * n + i] = Float(p[i * c + ch]) / 255 } }
        return out
    }

    private static func dims(_ x: Tensor, _ op: String) throws -> (Int, Int, Int, Int) {
        guard x.rank == 4, x.shape[0] == 1, x.shape[1] >= 1, x.shape[2] > 0, x.shape[3] > 0 else {
            throw ImageError.invalidArgument("\(op): expected a [1, C, H, W] tensor, got \(x.shape)")
        }
        return (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
    }

    /// Interleaves `x` into a float libvips image, applies `op` and planarises the result.
    private static func run(_ x: Tensor, _ op: String, _ body: (VipsImage) throws -> VipsImage,
                            expect: (VipsImage) -> String?) throws -> Tensor {
        let (_, c, h, w) = try dims(x, op)
        let n = h * w
        let interleaved = UnsafeMutablePointer<Float>.allocate(capacity: c * n)
        defer { interleaved.deallocate() }
        for i in 0..<n { for ch in 0..<c { interleaved[i * c + ch] = x.data[ch * n + i] } }
        let image = try VipsImage.fromPixels(interleaved, width: w, height: h, bands: c, format: VIPS_FORMAT_FLOAT,
                                             interpretation: VIPS_INTERPRETATION_MULTIBAND, file: op)
        let result = try body(image).cast(VIPS_FORMAT_FLOAT)
        if let problem = expect(result) { throw ImageError.invalidArgument("\(op): \(problem)") }
        let pixels = try result.pixels()
        let oh = result.height, ow = result.width, on = oh * ow
        guard pixels.count == c * on * 4 else { throw ImageError.invalidArgument("\(op): result has an unexpected layout") }
        let out = Tensor(zeros: [1, c, oh, ow], zeroed: false)
        let p = pixels.base.assumingMemoryBound(to: Float.self)
        for i in 0..<on { for ch in 0..<c { out.data[ch * on + i] = p[i * c + ch] } }
        return out
    }
}
