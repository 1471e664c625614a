import Foundation
import XCTest
import MorphTensor
@testable import MorphImage

final class ImageTensorCodecTests: XCTestCase {
    func testEncodeMapsSamplesIntoTheRangeAndSplitsAlpha() throws {
        // Two gray+alpha pixels: (0, 255) and (255, 51).
        let samples: [UInt8] = [0, 255, 255, 51]
        let image = try samples.withUnsafeBytes { try VipsImage.fromSamples($0, width: 2, height: 1, bands: 2, bitDepth: 8) }
        let t = try ImageTensorCodec.encode(image, range: .minusOneToOne)
        XCTAssertEqual(t.rgb.shape, [1, 3, 1, 2])
        XCTAssertEqual(t.rgb.values, [-1, 1, -1, 1, -1, 1])
        XCTAssertEqual(t.alpha?.shape, [1, 1, 1, 2])
        XCTAssertEqual(t.alpha?.values ?? [], [1, 0.2], accuracy: 1e-6)
        XCTAssertTrue(t.source.isGray)
        let unit = try ImageTensorCodec.encode(image, range: .zeroToOne)
        XCTAssertEqual(unit.rgb.values, [0, 1, 0, 1, 0, 1])

        let deep: [UInt16] = [65535, 0, 32768]
        let rgb16 = try deep.withUnsafeBytes { try VipsImage.fromSamples($0, width: 1, height: 1, bands: 3, bitDepth: 16) }
        let d = try ImageTensorCodec.encode(rgb16, range: .zeroToOne)
        XCTAssertEqual(d.rgb.values, [1, 0, 32768 / 65535], accuracy: 1e-7)
        XCTAssertNil(d.alpha)
    }

    func testRoundTripIsExactForEveryLayout() throws {
        for bands in 1...4 {
            for depth in [8, 16] {
                let image = try TestImages.make(width: 19, height: 11, bands: bands, bitDepth: depth)
                for range in [TensorRange.minusOneToOne, .zeroToOne] {
                    let t = try ImageTensorCodec.encode(image, range: range)
                    let back = try ImageTensorCodec.decode(rgb: t.rgb, alpha: t.alpha, source: t.source, range: range)
                    let tag = "bands \(bands) depth \(depth) \(range)"
                    XCTAssertEqual(back.bands, bands, tag)
                    XCTAssertEqual(back.bitDepth, depth, tag)
                    XCTAssertEqual(try TestImages.samples(back), try TestImages.samples(image), tag)
                }
            }
        }
    }

    func testUpscaledOutputKeepsLayoutAndResizesAlphaBicubic() throws {
        let dir = try TestImages.folder()
        // Gray + alpha, 16-bit, with an alpha step from transparent to opaque.
        var samples = [UInt16](repeating: 0, count: 16 * 8 * 2)
        for y in 0..<8 { for x in 0..<16 {
            samples[(y * 16 + x) * 2] = UInt16(x * 4000)
            samples[(y * 16 + x) * 2 + 1] = x < 8 ? 0 : 65535
        } }
        let image = try samples.withUnsafeBytes { try VipsImage.fromSamples($0, width: 16, height: 8, bands: 2, bitDepth: 16) }
        let url = dir.appendingPathComponent("ga16.png")
        try ImageWriter.save(image, to: url)
        let t = try ImageTensorCodec.load(url, range: .zeroToOne)
        let up = TestModels.nearest(t.rgb, scale: 2)
        let out = try ImageTensorCodec.decode(rgb: up, alpha: t.alpha, source: t.source, range: .zeroToOne)
        XCTAssertEqual([out.width, out.height, out.bands, out.bitDepth ?? 0], [32, 16, 2, 16])
        let outURL = dir.appendingPathComponent("ga16_x2.png")
        try ImageWriter.save(out, to: outURL)
        let back = try ImageLoader.load(outURL)
        XCTAssertEqual([back.bands, back.bitDepth ?? 0], [2, 16])
        let s = try TestImages.samples(back)
        // Alpha far from the step stays exact; at the step it passes through intermediate values (bicubic).
        XCTAssertEqual(s[(4 * 32 + 2) * 2 + 1], 0)
        XCTAssertEqual(s[(4 * 32 + 30) * 2 + 1], 65535)
        let edge = (12...19).map { s[(4 * 32 + $0) * 2 + 1] }
        XCTAssertTrue(edge.contains { $0 > 1000 && $0 < 64535 }, "no intermediate alpha at the step: \(edge)")
        // Gray values came through the model unchanged (nearest): pixel (2x, y) equals source pixel x.
        XCTAssertEqual(s[(4 * 32 + 10) * 2], 5 * 4000)

        let alpha = try ImageTensorCodec.resizeAlpha(t.alpha!, width: 32, height: 16)
        XCTAssertEqual(alpha.shape, [1, 1, 16, 32])
        XCTAssertTrue(alpha.values.allSatisfy { $0 >= 0 && $0 <= 1 })
    }

    func testGrayFileStaysGrayAndMetadataIsRestored() throws {
        let dir = try TestImages.folder()
        let gray = try TestImages.make(width: 12, height: 9, bands: 1)
        let tagged = try gray.withMetadata(iccProfile: nil, exif: nil, orientation: 1)
        let url = dir.appendingPathComponent("g.jpg")
        try ImageWriter.save(tagged, to: url)
        let loaded = try ImageLoader.load(url)
        let t = try ImageTensorCodec.encode(loaded, range: .minusOneToOne)
        XCTAssertEqual(t.source.bands, 1)
        let out = try ImageTensorCodec.decode(rgb: t.rgb, alpha: nil, source: t.source, range: .minusOneToOne)
        XCTAssertNotNil(loaded.exif, "a JPEG save writes an EXIF block; without one this comparison is nil == nil")
        XCTAssertEqual(out.exif, loaded.exif)
        let outURL = dir.appendingPathComponent("g_out.png")
        try ImageWriter.save(out, to: outURL)
        XCTAssertEqual(try ImageLoader.load(outURL).bands, 1)
        XCTAssertEqual(try TestImages.samples(ImageLoader.load(outURL)), try TestImages.samples(loaded))
    }
}

private func XCTAssertEqual(_ a: [Float], _ b: [Float], accuracy: Float, file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(a.count, b.count, file: file, line: line)
    for (x, y) in zip(a, b) { XCTAssertEqual(x, y, accuracy: accuracy, file: file, line: line) }
}
