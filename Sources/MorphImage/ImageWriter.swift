import Foundation
import CVipsShim
import MorphSupport

/// How an image is written.
public struct SaveOptions {
    /// The output format; nil takes it from the destination's extension.
    public var format: ImageFormat?
    /// JPEG/WebP quality, 1–100.
    public var quality: Int
    /// Drops ICC, EXIF and other metadata when true.
    public var stripMetadata: Bool

    /// Options with Morph's defaults (format from extension, quality 95, metadata kept).
    public init(format: ImageFormat? = nil, quality: Int = 95, stripMetadata: Bool = false) {
        self.format = format
        self.quality = quality
        self.stripMetadata = stripMetadata
    }
}

/// Writes images atomically: into a temporary file in the destination folder, then rename(2) over the target.
public enum ImageWriter {
    /// Saves `image` to `url`, keeping bit depth, alpha, gray, ICC and EXIF where the format allows.
    /// Refuses when `url` is the image's own source file or `input`.
    /// - Throws: `ImageError` naming the destination; the destination is untouched on failure.
    public static func save(_ image: VipsImage, to url: URL, options: SaveOptions = SaveOptions(),
                            input: URL? = nil) throws {
        let dest = url.standardizedFileURL
        guard let format = options.format ?? ImageFormat(url: dest) else {
            throw ImageError.invalidArgument("\(dest.path): cannot tell the output format from the extension '\(dest.pathExtension)'")
        }
        let protected = [input?.path, image.file].compactMap { $0 }
        for source in protected where FileSystem.sameFile(source, dest.path) {
            throw ImageError.outputIsInput(file: dest.path)
        }
        let saveable = try prepare(image, for: format, file: dest.path)
        let folder = dest.deletingLastPathComponent().path
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder), isFolder.boolValue else {
            throw ImageError.io(file: dest.path, message: "output folder \(folder) does not exist")
        }
        do { try write(saveable, format: format, options: options, to: dest) } catch let failure as FileSystem.WriteFailure {
            throw ImageError.io(file: dest.path, message: failure.message)
        }
    }

    /// Encodes `saveable` as `format` into a temporary file renamed over `dest`.
    static func write(_ saveable: VipsImage, format: ImageFormat, options: SaveOptions, to dest: URL) throws {
        try FileSystem.writeAtomically(to: dest) { temp in
            let strip: Int32 = options.stripMetadata ? 1 : 0
            let q = Int32(min(max(options.quality, 1), 100))
            let rc: Int32
            switch format {
            case .png: rc = morph_vips_save_png(saveable.handle, temp, saveable.bitDepth == 16 ? 16 : 8, strip)
            case .jpeg: rc = morph_vips_save_jpeg(saveable.handle, temp, q, strip)
            case .webp: rc = morph_vips_save_webp(saveable.handle, temp, q, 0, strip)
            case .tiff:
                let bytes = saveable.width * saveable.height * saveable.bands * ((saveable.bitDepth ?? 8) / 8)
                rc = morph_vips_save_tiff(saveable.handle, temp, bytes > 3_500_000_000 ? 1 : 0, strip)
            }
            if rc != 0 { throw ImageError.fromVips(dest.path) }
        }
    }

    /// Converts to what `format` can hold: 16 → 8 bit for JPEG/WebP, alpha dropped for JPEG.
    static func prepare(_ image: VipsImage, for format: ImageFormat, file: String) throws -> VipsImage {
        var out = image
        let gray = out.bands <= 2
        if out.bitDepth == 16, !format.supports16Bit {
            out = try out.colourspace(gray ? VIPS_INTERPRETATION_B_W : VIPS_INTERPRETATION_sRGB)
        }
        if out.hasAlpha, !format.supportsAlpha {
            out = try out.extractBands(0, count: out.bands - 1)
        }
        return out
    }
}
