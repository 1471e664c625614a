import Foundation
import XCTest
@testable import MorphImage

final class ImageIOTests: XCTestCase {
    func testLosslessRoundTripsKeepSamplesExactly() throws {
        let dir = try TestImages.folder()
        for format in [ImageFormat.png, .tiff] {
            for bands in 1...4 {
                for depth in [8, 16] {
                    let image = try TestImages.make(width: 37, height: 23, bands: bands, bitDepth: depth)
                    let url = dir.appendingPathComponent("rt_\(bands)_\(depth).\(format.fileExtension)")
                    try ImageWriter.save(image, to: url)
                    let back = try ImageLoader.load(url)
                    let tag = "\(format) bands \(bands) depth \(depth)"
                    XCTAssertEqual(back.bands, bands, tag)
                    XCTAssertEqual(back.bitDepth, depth, tag)
                    XCTAssertEqual([back.width, back.height], [37, 23], tag)
                    XCTAssertEqual(try TestImages.samples(back), try TestImages.samples(image), tag)
                }
            }
        }
        XCTAssertFalse(try TestImages.listing(dir).contains { $0.hasPrefix(".") }, "temporary files left behind")
    }

    func testLossyFormatsRoundTripCloseAndWebPKeepsAlpha() throws {
        let dir = try TestImages.folder()
        let rgb = try TestImages.smooth(width: 64, height: 48)
        let jpg = dir.appendingPathComponent("a.jpg")
        try ImageWriter.save(rgb, to: jpg, options: SaveOptions(quality: 95))
        let backJPEG = try ImageLoader.load(jpg)
        XCTAssertEqual(backJPEG.bands, 3)
        XCTAssertLessThanOrEqual(maxDifference(try TestImages.samples(backJPEG), try TestImages.samples(rgb)), 6)

        let rgba = try TestImages.smooth(width: 64, height: 48, bands: 4)
        let webp = dir.appendingPathComponent("a.webp")
        try ImageWriter.save(rgba, to: webp, options: SaveOptions(quality: 95))
        let backWebP = try ImageLoader.load(webp)
        XCTAssertEqual(backWebP.bands, 4)
        XCTAssertLessThanOrEqual(maxDifference(try TestImages.samples(backWebP), try TestImages.samples(rgba)), 8)

        // 16-bit into JPEG becomes 8-bit with the high byte kept; alpha is dropped.
        let deep = try TestImages.make(width: 16, height: 16, bands: 4, bitDepth: 16)
        let deepJPEG = dir.appendingPathComponent("deep.jpg")
        try ImageWriter.save(deep, to: deepJPEG)
        let backDeep = try ImageLoader.load(deepJPEG)
        XCTAssertEqual(backDeep.bands, 3)
        XCTAssertEqual(backDeep.bitDepth, 8)
    }

    func testCMYKWithEmbeddedProfileLoadsAsSRGB() throws {
        let dir = try TestImages.folder()
        let rgb = try TestImages.smooth(width: 40, height: 30)
        let cmyk = try rgb.iccTransform(from: "srgb", to: "cmyk", depth: 8)
        XCTAssertEqual(cmyk.bands, 4)
        XCTAssertEqual(cmyk.interpretation, ImageInterpretation.cmyk)
        XCTAssertNotNil(cmyk.iccProfile, "icc_transform should attach the CMYK profile")
        let url = dir.appendingPathComponent("cmyk.tif")
        try ImageWriter.save(cmyk, to: url)
        XCTAssertEqual(try VipsImage.open(url).interpretation, ImageInterpretation.cmyk)
        let back = try ImageLoader.load(url)
        XCTAssertEqual(back.interpretation, ImageInterpretation.srgb)
        XCTAssertEqual(back.bands, 3)
        XCTAssertLessThanOrEqual(maxDifference(try TestImages.samples(back), try TestImages.samples(rgb)), 12)
    }

    func testEXIFOrientationIsAppliedAndRemoved() throws {
        let dir = try TestImages.folder()
        // 40 wide, 20 high: left half dark, right half bright.
        var data = [UInt8](repeating: 0, count: 40 * 20 * 3)
        for y in 0..<20 { for x in 20..<40 { for b in 0..<3 { data[(y * 40 + x) * 3 + b] = 250 } } }
        let image = try data.withUnsafeBytes {
            try VipsImage.fromSamples($0, width: 40, height: 20, bands: 3, bitDepth: 8)
        }
        let tagged = try image.withMetadata(iccProfile: nil, exif: nil, orientation: 6)
        let url = dir.appendingPathComponent("rotated.jpg")
        try ImageWriter.save(tagged, to: url)
        XCTAssertEqual(try VipsImage.open(url).orientation, 6)
        let upright = try ImageLoader.load(url)
        // Orientation 6 means "rotate 90° clockwise to display": the bright right half ends up at the bottom.
        XCTAssertEqual([upright.width, upright.height], [20, 40])
        let s = try TestImages.samples(upright)
        XCTAssertLessThan(s[(5 * 20 + 10) * 3], 30, "top should be dark")
        XCTAssertGreaterThan(s[(35 * 20 + 10) * 3], 220, "bottom should be bright")
        XCTAssertEqual(upright.orientation, 1)
        // Saving the upright image must not carry the rotation again.
        let out = dir.appendingPathComponent("upright.jpg")
        try ImageWriter.save(upright, to: out)
        let again = try ImageLoader.load(out)
        XCTAssertEqual([again.width, again.height], [20, 40])
        XCTAssertEqual(try VipsImage.open(out).orientation, 1)
    }

    func testICCAndEXIFArePreserved() throws {
        let dir = try TestImages.folder()
        let rgb = try TestImages.smooth(width: 24, height: 16)
        let withProfile = try rgb.iccTransform(from: "srgb", to: "srgb", depth: 8)
        guard let profile = withProfile.iccProfile else { return XCTFail("no ICC profile attached") }
        let tagged = try withProfile.withMetadata(iccProfile: profile, exif: nil, orientation: 1)
        for ext in ["png", "jpg", "tif", "webp"] {
            let url = dir.appendingPathComponent("icc.\(ext)")
            try ImageWriter.save(tagged, to: url)
            XCTAssertEqual(try ImageLoader.load(url).iccProfile, profile, ext)
        }
        let jpeg = dir.appendingPathComponent("icc.jpg")
        let loaded = try ImageLoader.load(jpeg)
        XCTAssertNotNil(loaded.exif, "JPEG save writes an EXIF block that should survive")
    }

    func testBrokenFilesGiveOneLineErrorsNamingTheFile() throws {
        let dir = try TestImages.folder()
        let good = dir.appendingPathComponent("good.png")
        try ImageWriter.save(try TestImages.make(width: 200, height: 150, bands: 3), to: good)
        let goodJPEG = dir.appendingPathComponent("good.jpg")
        try ImageWriter.save(try TestImages.smooth(width: 300, height: 200), to: goodJPEG)

        let empty = dir.appendingPathComponent("empty.png")
        FileManager.default.createFile(atPath: empty.path, contents: Data())
        let text = dir.appendingPathComponent("notes.jpg")
        try Data("this is not an image\n".utf8).write(to: text)
        let corrupt = dir.appendingPathComponent("corrupt.png")
        var bytes = try Data(contentsOf: good)
        for i in stride(from: 60, to: bytes.count, by: 7) { bytes[i] ^= 0x5A }
        try bytes.write(to: corrupt)
        let truncatedPNG = dir.appendingPathComponent("truncated.png")
        let pngBytes = try Data(contentsOf: good)
        try pngBytes.prefix(pngBytes.count / 2).write(to: truncatedPNG)
        let truncatedJPEG = dir.appendingPathComponent("truncated.jpg")
        let jpegBytes = try Data(contentsOf: goodJPEG)
        try jpegBytes.prefix(jpegBytes.count / 2).write(to: truncatedJPEG)
        let missing = dir.appendingPathComponent("missing.png")

        for url in [empty, text, corrupt, truncatedPNG, truncatedJPEG, missing] {
            do {
                _ = try ImageLoader.load(url)
                XCTFail("\(url.lastPathComponent) loaded without error")
            } catch let error as ImageError {
                let line = error.description
                XCTAssertTrue(line.hasPrefix(url.path + ": "), "\(line)")
                XCTAssertFalse(line.contains("\n"), "\(line)")
            }
        }
    }

    func testAtomicWriteLeavesNoTemporaryAndKeepsDestinationOnFailure() throws {
        let dir = try TestImages.folder()
        let dest = dir.appendingPathComponent("out.jpg")
        let original = Data("previous content".utf8)
        try original.write(to: dest)
        // JPEG cannot hold a 70000-pixel-wide image: the save fails inside libvips.
        let wide = try TestImages.make(width: 70000, height: 1, bands: 3)
        XCTAssertThrowsError(try ImageWriter.save(wide, to: dest)) { error in
            XCTAssertTrue("\(error)".hasPrefix(dest.path + ": "), "\(error)")
        }
        XCTAssertEqual(try Data(contentsOf: dest), original)
        XCTAssertEqual(try TestImages.listing(dir), ["out.jpg"])

        try ImageWriter.save(try TestImages.smooth(width: 8, height: 8), to: dest)
        XCTAssertEqual(try TestImages.listing(dir), ["out.jpg"])
        XCTAssertEqual(try ImageLoader.load(dest).width, 8)
    }

    func testRefusesToOverwriteTheInput() throws {
        let dir = try TestImages.folder()
        let url = dir.appendingPathComponent("in.png")
        try ImageWriter.save(try TestImages.make(width: 8, height: 8, bands: 3), to: url)
        let before = try Data(contentsOf: url)
        let loaded = try ImageLoader.load(url)
        let sneaky = dir.appendingPathComponent("sub/../in.png")
        XCTAssertThrowsError(try ImageWriter.save(loaded, to: sneaky)) { error in
            XCTAssertEqual(error as? ImageError, .outputIsInput(file: url.path))
        }
        let link = dir.appendingPathComponent("link.png")
        try FileManager.default.createSymbolicLink(at: link, withDestinationURL: url)
        XCTAssertThrowsError(try ImageWriter.save(try TestImages.make(width: 8, height: 8, bands: 1), to: link, input: url))
        XCTAssertEqual(try Data(contentsOf: url), before)
    }
}
