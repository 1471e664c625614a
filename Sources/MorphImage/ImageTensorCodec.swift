import Foundation
import CVipsShim
import MorphTensor

/// What an image looked like before it became a tensor, so the result can be written back in the same layout.
public struct SourceDescription {
    /// The file it came from.
    public let file: String
    /// Size of the decoded (upright) image.
    public let width: Int, height: Int
    /// Samples per pixel: 1 gray, 2 gray+alpha, 3 RGB, 4 RGBA.
    public let bands: Int
    /// 8 or 16.
    public let bitDepth: Int
    /// The embedded ICC profile (sRGB's after a CMYK conversion).
    public let iccProfile: Data?
    /// The EXIF block (orientation already applied and removed).
    public let exif: Data?

    /// Whether the image is gray (1 or 2 bands).
    public var isGray: Bool { bands <= 2 }
    /// Whether the last band is alpha.
    public var hasAlpha: Bool { bands == 2 || bands == 4 }

    /// Describes a normalised image (see `ImageLoader.normalized`).
    public init(_ image: VipsImage) throws {
        guard let depth = image.bitDepth, (1...4).contains(image.bands) else {
            throw ImageError.unsupported(file: image.file, reason: "\(image.bands) bands of depth \(image.bitDepth ?? 0); load it with ImageLoader first")
        }
        self.init(file: image.file, width: image.width, height: image.height, bands: image.bands, bitDepth: depth,
                  iccProfile: image.iccProfile, exif: image.exif)
    }

    /// A description from its parts.
    public init(file: String, width: Int, height: Int, bands: Int, bitDepth: Int, iccProfile: Data? = nil, exif: Data? = nil) {
        self.file = file
        self.width = width
        self.height = height
        self.bands = bands
        self.bitDepth = bitDepth
        self.iccProfile = iccProfile
        self.exif = exif
    }
}

/// An image as model input: RGB [1, 3, H, W] in a range, alpha [1, 1, H, W] in [0, 1], and how to write it back.
public struct ImageTensors {
    /// Colour planes; gray images are replicated into three.
    public let rgb: Tensor
    /// The alpha plane, when the image has one.
    public let alpha: Tensor?
    /// The source layout and metadata.
    public let source: SourceDescription
}

/// Converts decoded images to tensors and back, keeping bands, bit depth, alpha, ICC and EXIF.
public enum ImageTensorCodec {
    /// Turns a loaded image into an RGB tensor in `range` plus its alpha plane.
    public static func encode(_ image: VipsImage, range: TensorRange) throws -> ImageTensors {
        let source = try SourceDescription(image)
        let pixels = try image.pixels()
        let w = source.width, h = source.height
        guard pixels.count == w * h * source.bands * source.bitDepth / 8 else {
            throw ImageError.invalidArgument("\(source.file): decoded \(pixels.count) bytes for a \(w)×\(h)×\(source.bands) image")
        }
        let rgb = Tensor(zeros: [1, 3, h, w], zeroed: false)
        let alpha = source.hasAlpha ? Tensor(zeros: [1, 1, h, w], zeroed: false) : nil
        PixelPacking.planarize(src: pixels.base, rowStride: w * source.bands * source.bitDepth / 8, width: w, rows: h,
                               bands: source.bands, bitDepth: source.bitDepth, range: range, rgb: rgb.data,
                               planeStride: w * h, alpha: alpha?.data)
        return ImageTensors(rgb: rgb, alpha: alpha, source: source)
    }

    /// Loads a file and encodes it (see `ImageLoader.load`).
    public static func load(_ url: URL, range: TensorRange) throws -> ImageTensors {
        try encode(ImageLoader.load(url), range: range)
    }

    /// Turns a model output [1, 3, H', W'] back into an image laid out like `source`: gray stays gray, 16-bit stays
    /// 16-bit, alpha is reattached (resized bicubic when the size changed; opaque when nil), ICC and EXIF restored.
    public static func decode(rgb: Tensor, alpha: Tensor?, source: SourceDescription, range: TensorRange) throws -> VipsImage {
        guard rgb.rank == 4, rgb.shape[0] == 1, rgb.shape[1] == 3, rgb.shape[2] > 0, rgb.shape[3] > 0 else {
            throw ImageError.invalidArgument("\(source.file): model output has shape \(rgb.shape), expected [1, 3, H, W]")
        }
        let h = rgb.shape[2], w = rgb.shape[3]
        var alphaPlane: Tensor?
        if source.hasAlpha, let alpha {
            guard alpha.rank == 4, alpha.shape[0] == 1, alpha.shape[1] == 1 else {
                throw ImageError.invalidArgument("\(source.file): alpha has shape \(alpha.shape), expected [1, 1, H, W]")
            }
            alphaPlane = (alpha.shape[2] == h && alpha.shape[3] == w) ? alpha
                : try resizeAlpha(alpha, width: w, height: h, file: source.file)
        }
        let bytes = w * h * source.bands * source.bitDepth / 8
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: bytes, alignment: 16)
        defer { buffer.deallocate() }
        PixelPacking.interleave(rgb: rgb.data, planeStride: w * h, alpha: alphaPlane.map { UnsafePointer($0.data) },
                                width: w, rows: h, bands: source.bands, bitDepth: source.bitDepth, range: range, dst: buffer)
        let image = try VipsImage.fromPixels(buffer, width: w, height: h, bands: source.bands,
                                             format: source.bitDepth == 16 ? VIPS_FORMAT_USHORT : VIPS_FORMAT_UCHAR,
                                             interpretation: ImageInterpretation.vips(gray: source.isGray, bitDepth: source.bitDepth),
                                             file: source.file)
        return try image.withMetadata(iccProfile: source.iccProfile, exif: source.exif)
    }

    /// Resizes an alpha plane [1, 1, h, w] to `width` × `height` with a bicubic kernel, clamped to [0, 1].
    public static func resizeAlpha(_ alpha: Tensor, width: Int, height: Int, file: String = "alpha") throws -> Tensor {
        let image = try VipsImage.fromPixels(alpha.data, width: alpha.shape[3], height: alpha.shape[2], bands: 1,
                                             format: VIPS_FORMAT_FLOAT, interpretation: VIPS_INTERPRETATION_B_W, file: file)
        let resized = try image.resizedCubic(width: width, height: height)
        let pixels = try resized.pixels()
        guard pixels.count == width * height * 4 else {
            throw ImageError.invalidArgument("\(file): resized alpha has \(pixels.count) bytes, expected \(width * height * 4)")
        }
        let out = Tensor(zeros: [1, 1, height, width], zeroed: false)
        let src = pixels.base.assumingMemoryBound(to: Float.self)
        let dst = out.data
        for i in 0..<(width * height) { dst[i] = min(max(src[i], 0), 1) }
        return out
    }
}
