import Foundation
import XCTest
@testable import MorphImage

/// Builds small deterministic test images in memory and temporary folders for them.
enum TestImages {
    /// A gradient image: sample (x, y, b) = (x·7 + y·13 + b·29 + x·y) mod (max+1), with 16-bit samples using the low bits too.
    static func make(width: Int, height: Int, bands: Int, bitDepth: Int = 8) throws -> VipsImage {
        let count = width * height * bands
        if bitDepth == 16 {
            var data = [UInt16](repeating: 0, count: count)
            for y in 0..<height { for x in 0..<width { for b in 0..<bands {
                data[(y * width + x) * bands + b] = UInt16((x * 1793 + y * 2711 + b * 9973 + x * y * 31) % 65536)
            } } }
            return try data.withUnsafeBytes {
                try VipsImage.fromSamples($0, width: width, height: height, bands: bands, bitDepth: 16)
            }
        }
        var data = [UInt8](repeating: 0, count: count)
        for y in 0..<height { for x in 0..<width { for b in 0..<bands {
            data[(y * width + x) * bands + b] = UInt8((x * 7 + y * 13 + b * 29 + x * y) % 256)
        } } }
        return try data.withUnsafeBytes {
            try VipsImage.fromSamples($0, width: width, height: height, bands: bands, bitDepth: 8)
        }
    }

    /// A smooth image (slow gradients), friendly to lossy codecs.
    static func smooth(width: Int, height: Int, bands: Int = 3) throws -> VipsImage {
        var data = [UInt8](repeating: 0, count: width * height * bands)
        for y in 0..<height { for x in 0..<width { for b in 0..<bands {
            data[(y * width + x) * bands + b] = UInt8(min(255, 40 + (x * 150) / width + (y * 50) / height + b * 10))
        } } }
        return try data.withUnsafeBytes {
            try VipsImage.fromSamples($0, width: width, height: height, bands: bands, bitDepth: 8)
        }
    }

    /// Every sample of an 8- or 16-bit image as Ints.
    static func samples(_ image: VipsImage) throws -> [Int] {
        let pixels = try image.pixels()
        if image.bitDepth == 16 {
            let p = pixels.base.assumingMemoryBound(to: UInt16.self)
            return (0..<(pixels.count / 2)).map { Int(p[$0]) }
        }
        let p = pixels.base.assumingMemoryBound(to: UInt8.self)
        return (0..<pixels.count).map { Int(p[$0]) }
    }

    /// A fresh empty folder under the system temporary directory.
    static func folder(_ name: String = #function) throws -> URL {
        let clean = name.filter { $0.isLetter || $0.isNumber }
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("morph-image-\(clean)-\(getpid())")
        try? FileManager.default.removeItem(at: url)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Names of the files in a folder (hidden ones included), sorted.
    static func listing(_ url: URL) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: url.path).sorted()
    }
}

/// The largest absolute difference between two equally long sample lists.
func maxDifference(_ a: [Int], _ b: [Int]) -> Int {
    XCTAssertEqual(a.count, b.count)
    return zip(a, b).map { abs($0 - $1) }.max() ?? 0
}
