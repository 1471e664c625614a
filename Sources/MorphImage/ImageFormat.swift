import Foundation

/// The file formats Morph reads and writes.
public enum ImageFormat: String, CaseIterable {
    case png, jpeg, webp, tiff

    /// The format for a file extension (any case: png, jpg, jpeg, webp, tif, tiff), nil otherwise.
    public init?(extension ext: String) {
        switch ext.lowercased() {
        case "png": self = .png
        case "jpg", "jpeg": self = .jpeg
        case "webp": self = .webp
        case "tif", "tiff": self = .tiff
        default: return nil
        }
    }

    /// The format a path's extension names, nil when it names none.
    public init?(url: URL) { self.init(extension: url.pathExtension) }

    /// The extension written for this format.
    public var fileExtension: String {
        switch self {
        case .png: return "png"
        case .jpeg: return "jpg"
        case .webp: return "webp"
        case .tiff: return "tif"
        }
    }

    /// Whether the format stores 16-bit samples.
    public var supports16Bit: Bool { self == .png || self == .tiff }
    /// Whether the format stores an alpha channel.
    public var supportsAlpha: Bool { self != .jpeg }
    /// Whether the format stores single-band gray.
    public var supportsGray: Bool { self != .webp }
}
