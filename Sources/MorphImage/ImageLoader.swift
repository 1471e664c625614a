import Foundation
import CVipsShim

/// Opens image files and brings them to the layouts Morph works in: gray, gray+alpha, RGB or RGBA,
/// 8- or 16-bit, upright (EXIF orientation applied), CMYK converted to sRGB through its ICC profile.
public enum ImageLoader {
    /// Loads and decodes a whole image into memory.
    /// - Throws: `ImageError` naming the file when it is empty, corrupt, truncated, not an image or of an unsupported layout.
    public static func load(_ url: URL) throws -> VipsImage {
        try normalized(VipsImage.open(url, access: .random)).decoded()
    }

    /// Opens an image for top-to-bottom strip reading without decoding it all.
    /// Images with an EXIF rotation are opened for random access instead, since rotating needs it.
    public static func openStreaming(_ url: URL) throws -> VipsImage {
        let sequential = try VipsImage.open(url, access: .sequential)
        if sequential.orientation != 1 { return try normalized(VipsImage.open(url, access: .random)) }
        return try normalized(sequential)
    }

    /// Applies orientation and colour normalisation lazily; the result is gray/RGB (+alpha), 8- or 16-bit.
    public static func normalized(_ input: VipsImage) throws -> VipsImage {
        var image = input
        if image.orientation != 1 { image = try image.autorotated() }
        if image.interpretation == .cmyk {
            let depth = image.bitDepth == 16 ? 16 : 8
            image = try image.iccToSRGB(depth: depth, fallbackProfile: "cmyk")
        }
        if image.bitDepth == nil {
            // Float or signed data (scRGB, Lab, XYZ, HDR TIFF): let libvips map it to 8-bit sRGB or gray.
            let gray = image.bands <= 2
            image = try image.colourspace(gray ? VIPS_INTERPRETATION_B_W : VIPS_INTERPRETATION_sRGB)
        }
        guard let depth = image.bitDepth else {
            throw ImageError.unsupported(file: input.file, reason: "sample format \(image.format.rawValue) is not 8- or 16-bit")
        }
        guard (1...4).contains(image.bands) else {
            throw ImageError.unsupported(file: input.file, reason: "\(image.bands) bands (need gray, gray+alpha, RGB or RGBA)")
        }
        let gray = image.bands <= 2
        let wanted = ImageInterpretation.vips(gray: gray, bitDepth: depth)
        if vips_image_get_interpretation(image.handle) != wanted {
            image = try image.apply { morph_vips_copy_interpretation($0, $1, wanted) }
        }
        return image
    }
}
