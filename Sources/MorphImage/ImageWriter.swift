import Foundation
import CVipsShim

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

/// File-system helpers: same-file checks and atomic replacement.
enum FileSystem {
    private static var counter = 0
    private static let lock = NSLock()

    /// Whether two paths name the same file (same device and inode, or the same resolved path).
    static func sameFile(_ a: String, _ b: String) -> Bool {
        var sa = stat(), sb = stat()
        if stat(a, &sa) == 0, stat(b, &sb) == 0 { return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino }
        return resolved(a) == resolved(b)
    }

    /// The absolute path with symlinks resolved in the existing part (the folder for a new file).
    static func resolved(_ path: String) -> String {
        let url = URL(fileURLWithPath: path).standardizedFileURL
        if let real = realpath(url.path, nil) {
            defer { free(real) }
            return String(cString: real)
        }
        let dir = url.deletingLastPathComponent().path
        if let real = realpath(dir, nil) {
            defer { free(real) }
            return URL(fileURLWithPath: String(cString: real)).appendingPathComponent(url.lastPathComponent).path
        }
        return url.path
    }

    /// A fresh hidden temporary path next to `dest`, with the same extension.
    static func temporaryPath(near dest: URL, suffix: String? = nil) -> String {
        lock.lock()
        counter += 1
        let n = counter
        lock.unlock()
        let ext = suffix ?? dest.pathExtension
        let name = ".\(dest.deletingPathExtension().lastPathComponent).morph-\(getpid())-\(n).tmp.\(ext)"
        return dest.deletingLastPathComponent().appendingPathComponent(name).path
    }

    /// Runs `write` on a temporary path in `dest`'s folder, then renames it over `dest`; removes the temporary on failure.
    static func writeAtomically(to dest: URL, _ write: (String) throws -> Void) throws {
        let dir = dest.deletingLastPathComponent().path
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: dir, isDirectory: &isDir), isDir.boolValue else {
            throw ImageError.io(file: dest.path, message: "output folder \(dir) does not exist")
        }
        let temp = temporaryPath(near: dest)
        do {
            try write(temp)
        } catch {
            unlink(temp)
            throw error
        }
        guard rename(temp, dest.path) == 0 else {
            let message = String(cString: strerror(errno))
            unlink(temp)
            throw ImageError.io(file: dest.path, message: "rename failed: \(message)")
        }
    }
}
