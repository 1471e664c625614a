import Foundation
import CVipsShim

/// Starts libvips exactly once for the process.
enum VipsRuntime {
    private static let started: Bool = {
        guard morph_vips_init() == 0 else { return false }
        VipsWarnings.install()
        return true
    }()

    /// Ensures libvips is initialised; throws when it cannot start.
    static func ensureStarted() throws {
        guard started else { throw ImageError.fromVips("libvips", "libvips failed to start") }
    }
}

/// How a file is read: all at once (random) or top to bottom in strips (sequential, for huge images).
public enum ImageAccess {
    case random, sequential
}

/// The colour space libvips reports for an image.
public enum ImageInterpretation: Equatable {
    case srgb, rgb16, grey, grey16, cmyk, other(Int)

    init(_ raw: VipsInterpretation) {
        switch raw {
        case VIPS_INTERPRETATION_sRGB: self = .srgb
        case VIPS_INTERPRETATION_RGB16: self = .rgb16
        case VIPS_INTERPRETATION_B_W: self = .grey
        case VIPS_INTERPRETATION_GREY16: self = .grey16
        case VIPS_INTERPRETATION_CMYK: self = .cmyk
        default: self = .other(Int(raw.rawValue))
        }
    }

    /// The libvips tag for a colour (gray or RGB) image of the given bit depth.
    static func vips(gray: Bool, bitDepth: Int) -> VipsInterpretation {
        switch (gray, bitDepth) {
        case (true, 16): return VIPS_INTERPRETATION_GREY16
        case (true, _): return VIPS_INTERPRETATION_B_W
        case (false, 16): return VIPS_INTERPRETATION_RGB16
        default: return VIPS_INTERPRETATION_sRGB
        }
    }
}

/// One libvips image, owned: the reference is dropped in `deinit`. Operations return new images.
public final class VipsImage {
    /// The C handle; never exposed publicly.
    let handle: UnsafeMutablePointer<_VipsImage>
    /// The file this image came from (or is about to be written to), for error messages.
    public let file: String

    /// Takes ownership of one reference to `handle`.
    init(owning handle: UnsafeMutablePointer<_VipsImage>, file: String) {
        self.handle = handle
        self.file = file
    }

    deinit { g_object_unref(UnsafeMutableRawPointer(handle)) }

    /// Opens `url` lazily (pixels decode when first read). Checks for a missing or zero-size file first.
    public static func open(_ url: URL, access: ImageAccess = .random) throws -> VipsImage {
        try VipsRuntime.ensureStarted()
        let path = url.path
        var st = stat()
        guard stat(path, &st) == 0 else {
            throw ImageError.io(file: path, message: String(cString: strerror(errno)))
        }
        guard st.st_size > 0 else { throw ImageError.emptyFile(file: path) }
        guard let image = morph_vips_load(path, access == .sequential ? 1 : 0) else {
            throw ImageError.fromVips(path)
        }
        return VipsImage(owning: image, file: path)
    }

    /// Wraps a copy of interleaved pixels (`bands` samples per pixel, 8- or 16-bit unsigned, or 32-bit float).
    static func fromPixels(_ data: UnsafeRawPointer, width: Int, height: Int, bands: Int,
                           format: VipsBandFormat, interpretation: VipsInterpretation, file: String) throws -> VipsImage {
        try VipsRuntime.ensureStarted()
        let bytes = width * height * bands * Int(vips_format_sizeof(format))
        guard let image = vips_image_new_from_memory_copy(data, bytes, Int32(width), Int32(height), Int32(bands), format) else {
            throw ImageError.fromVips(file)
        }
        let owned = VipsImage(owning: image, file: file)
        return try owned.apply { morph_vips_copy_interpretation($0, $1, interpretation) }
    }

    /// Wraps a copy of interleaved 8- or 16-bit samples: 1 band gray, 2 gray+alpha, 3 RGB, 4 RGBA.
    /// - Throws: `ImageError.invalidArgument` when the buffer size does not match the layout.
    public static func fromSamples(_ samples: UnsafeRawBufferPointer, width: Int, height: Int, bands: Int,
                                   bitDepth: Int, file: String = "memory") throws -> VipsImage {
        guard width > 0, height > 0, (1...4).contains(bands), bitDepth == 8 || bitDepth == 16,
              let base = samples.baseAddress, samples.count == width * height * bands * bitDepth / 8 else {
            throw ImageError.invalidArgument("\(file): \(samples.count) bytes do not hold a \(width)×\(height)×\(bands) image of depth \(bitDepth)")
        }
        return try fromPixels(base, width: width, height: height, bands: bands,
                              format: bitDepth == 16 ? VIPS_FORMAT_USHORT : VIPS_FORMAT_UCHAR,
                              interpretation: ImageInterpretation.vips(gray: bands <= 2, bitDepth: bitDepth), file: file)
    }

    // MARK: Header

    /// Width in pixels.
    public var width: Int { Int(vips_image_get_width(handle)) }
    /// Height in pixels.
    public var height: Int { Int(vips_image_get_height(handle)) }
    /// Samples per pixel, alpha included.
    public var bands: Int { Int(vips_image_get_bands(handle)) }
    /// The colour space tag.
    public var interpretation: ImageInterpretation { ImageInterpretation(vips_image_get_interpretation(handle)) }
    /// The libvips sample format.
    var format: VipsBandFormat { vips_image_get_format(handle) }
    /// Bits per sample for 8- and 16-bit unsigned images, nil for any other sample format.
    public var bitDepth: Int? {
        switch format {
        case VIPS_FORMAT_UCHAR: return 8
        case VIPS_FORMAT_USHORT: return 16
        default: return nil
        }
    }
    /// Whether the last band is alpha (libvips' rule: 2 bands gray, 4 bands RGB, 5 bands CMYK).
    public var hasAlpha: Bool { vips_image_hasalpha(handle) != 0 }

    // MARK: Metadata

    /// The embedded ICC profile, if any.
    public var iccProfile: Data? { blob("icc-profile-data") }
    /// The raw EXIF block, if any.
    public var exif: Data? { blob("exif-data") }
    /// The EXIF orientation (1 to 8), 1 when absent.
    public var orientation: Int {
        var value: Int32 = 1
        guard vips_image_get_typeof(handle, "orientation") != 0, vips_image_get_int(handle, "orientation", &value) == 0 else {
            return 1
        }
        return Int(value)
    }

    private func blob(_ name: String) -> Data? {
        guard vips_image_get_typeof(handle, name) != 0 else { return nil }
        var data: UnsafeRawPointer?
        var length = 0
        guard vips_image_get_blob(handle, name, &data, &length) == 0, let data, length > 0 else {
            vips_error_clear()
            return nil
        }
        return Data(bytes: data, count: length)
    }

    /// A copy sharing pixels whose ICC profile, EXIF block and orientation are replaced (nil removes).
    public func withMetadata(iccProfile: Data?, exif: Data?, orientation: Int? = nil) throws -> VipsImage {
        let copy = try apply { morph_vips_copy_interpretation($0, $1, vips_image_get_interpretation($0)) }
        copy.setBlob("icc-profile-data", iccProfile)
        copy.setBlob("exif-data", exif)
        if let orientation {
            vips_image_set_int(copy.handle, "orientation", Int32(orientation))
        } else {
            vips_image_remove(copy.handle, "orientation")
        }
        return copy
    }

    private func setBlob(_ name: String, _ data: Data?) {
        guard let data, !data.isEmpty else {
            vips_image_remove(handle, name)
            return
        }
        data.withUnsafeBytes { raw in
            if let base = raw.baseAddress { vips_image_set_blob_copy(handle, name, base, raw.count) }
        }
    }

    // MARK: Operations

    /// Runs one libvips operation producing a new image; errors name this image's file.
    func apply(_ op: (UnsafeMutablePointer<_VipsImage>, UnsafeMutablePointer<UnsafeMutablePointer<_VipsImage>?>) -> Int32) throws -> VipsImage {
        var out: UnsafeMutablePointer<_VipsImage>?
        guard op(handle, &out) == 0, let out else { throw ImageError.fromVips(file) }
        return VipsImage(owning: out, file: file)
    }

    /// Rotates/flips by the EXIF orientation and removes the orientation tag.
    public func autorotated() throws -> VipsImage { try apply { morph_vips_autorot($0, $1) } }

    /// Cuts out a rectangle.
    public func cropped(x: Int, y: Int, width: Int, height: Int) throws -> VipsImage {
        try apply { morph_vips_crop($0, $1, Int32(x), Int32(y), Int32(width), Int32(height)) }
    }

    /// Takes `count` bands starting at `band`.
    public func extractBands(_ band: Int, count: Int = 1) throws -> VipsImage {
        try apply { morph_vips_extract_bands($0, $1, Int32(band), Int32(count)) }
    }

    /// Appends the bands of `other` (same size).
    public func joined(with other: VipsImage) throws -> VipsImage {
        try apply { morph_vips_bandjoin2($0, other.handle, $1) }
    }

    /// Resizes with a bicubic kernel to exactly `width` × `height`.
    public func resizedCubic(width: Int, height: Int) throws -> VipsImage {
        let h = Double(width) / Double(self.width), v = Double(height) / Double(self.height)
        let out = try apply { morph_vips_resize_cubic($0, $1, h, v) }
        guard out.width == width, out.height == height else {
            throw ImageError.invalidArgument("\(file): bicubic resize gave \(out.width)×\(out.height), wanted \(width)×\(height)")
        }
        return out
    }

    /// Resizes with a Lanczos3 kernel to exactly `width` × `height` (libvips `vips_resize`, kernel lanczos3).
    public func resizedLanczos(width: Int, height: Int) throws -> VipsImage {
        let h = Double(width) / Double(self.width), v = Double(height) / Double(self.height)
        let out = try apply { morph_vips_resize_kernel($0, $1, h, v, VIPS_KERNEL_LANCZOS3) }
        guard out.width == width, out.height == height else {
            throw ImageError.invalidArgument("\(file): Lanczos resize gave \(out.width)×\(out.height), wanted \(width)×\(height)")
        }
        return out
    }

    /// Converts the colour space (sRGB, RGB16, B_W, GREY16), rescaling samples as libvips does.
    func colourspace(_ space: VipsInterpretation) throws -> VipsImage {
        try apply { morph_vips_colourspace($0, $1, space) }
    }

    /// Transforms to sRGB through the embedded ICC profile, or from `fallbackProfile` when none is embedded.
    func iccToSRGB(depth: Int, fallbackProfile: String) throws -> VipsImage {
        if iccProfile != nil { return try apply { morph_vips_icc_to_srgb($0, $1, Int32(depth)) } }
        return try apply { morph_vips_icc_transform($0, $1, fallbackProfile, "srgb", Int32(depth)) }
    }

    /// Transforms between two named ICC profiles ("srgb", "cmyk", or file paths).
    func iccTransform(from input: String, to output: String, depth: Int) throws -> VipsImage {
        try apply { morph_vips_icc_transform($0, $1, input, output, Int32(depth)) }
    }

    /// Casts the sample format (clipping, no rescale).
    func cast(_ format: VipsBandFormat) throws -> VipsImage { try apply { morph_vips_cast($0, $1, format) } }

    /// Decodes every pixel into memory now, so decode errors surface here rather than later.
    public func decoded() throws -> VipsImage {
        guard let out = vips_image_copy_memory(handle) else { throw ImageError.fromVips(file) }
        return VipsImage(owning: out, file: file)
    }

    /// Calls `body` with every sample, interleaved, row-major (8-bit or 16-bit native-endian as the format is).
    public func withSamples<T>(_ body: (UnsafeRawBufferPointer) throws -> T) throws -> T {
        let buffer = try pixels()
        return try body(UnsafeRawBufferPointer(start: buffer.base, count: buffer.count))
    }

    /// Every pixel, interleaved, row-major; released when the buffer is.
    func pixels() throws -> PixelBuffer {
        var size = 0
        guard let raw = vips_image_write_to_memory(handle, &size) else { throw ImageError.fromVips(file) }
        return PixelBuffer(raw, count: size)
    }
}

/// Owns a block of interleaved pixels allocated by libvips (freed with g_free).
final class PixelBuffer {
    /// The first byte.
    let base: UnsafeMutableRawPointer
    /// Size in bytes.
    let count: Int

    init(_ base: UnsafeMutableRawPointer, count: Int) {
        self.base = base
        self.count = count
    }

    deinit { g_free(base) }
}
