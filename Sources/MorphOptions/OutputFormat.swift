import ArgumentParser
import MorphImage

/// Output image formats `morph` writes.
public enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case png, jpg, webp, tif

    /// The MorphImage format.
    public var imageFormat: ImageFormat {
        switch self {
        case .png: return .png
        case .jpg: return .jpeg
        case .webp: return .webp
        case .tif: return .tiff
        }
    }
}
