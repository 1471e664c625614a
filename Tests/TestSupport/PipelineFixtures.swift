import Foundation
import XCTest
@testable import MorphImage
import MorphTensor

/// Fixture paths, scratch folders, pixel comparisons and the built `morph` binary.
public enum PipelineFixtures {
    /// `Tests/Fixtures/<name>`.
    public static func url(_ name: String) -> URL { Fixture.directory.appendingPathComponent(name) }

    /// A fresh empty scratch folder.
    public static func scratch(_ tag: String = #function) throws -> URL {
        let clean = tag.filter { $0.isLetter || $0.isNumber }
        let dir = FileManager.default.temporaryDirectory
            .appendingPathComponent("morph-pipeline-\(clean)-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    /// Interleaved samples of an image file, with its size and band count.
    public static func samples(_ url: URL) throws -> (values: [Int], width: Int, height: Int, bands: Int, depth: Int) {
        let image = try ImageLoader.load(url)
        let pixels = try image.pixels()
        let depth = image.bitDepth ?? 8
        var values: [Int] = []
        if depth == 16 {
            let p = pixels.base.assumingMemoryBound(to: UInt16.self)
            values = (0..<(pixels.count / 2)).map { Int(p[$0]) }
        } else {
            let p = pixels.base.assumingMemoryBound(to: UInt8.self)
            values = (0..<pixels.count).map { Int(p[$0]) }
        }
        return (values, image.width, image.height, image.bands, depth)
    }

    /// Asserts two images have the same layout, at least `fraction` of their samples differ by ≤ `levels`, and no
    /// sample differs by more than `worstLevels` (2 levels: a float32 result rounded to 8 bits can land one level
    /// either side of PyTorch's; a test that needs more says so and why).
    public static func assertImagesClose(_ actual: URL, _ expected: URL, levels: Int = 1, fraction: Double = 0.999,
                                         worstLevels: Int = 2, file: StaticString = #filePath, line: UInt = #line) throws {
        let a = try samples(actual), e = try samples(expected)
        XCTAssertEqual([a.width, a.height, a.bands], [e.width, e.height, e.bands], "layout of \(actual.lastPathComponent)",
                       file: file, line: line)
        guard a.values.count == e.values.count, !a.values.isEmpty else { return XCTFail("sizes differ", file: file, line: line) }
        let close = zip(a.values, e.values).filter { abs($0 - $1) <= levels }.count
        let worst = zip(a.values, e.values).map { abs($0 - $1) }.max() ?? 0
        let share = Double(close) / Double(a.values.count)
        XCTAssertGreaterThanOrEqual(share, fraction,
            "\(actual.lastPathComponent): only \(share) of samples within \(levels) (worst \(worst))", file: file, line: line)
        XCTAssertLessThanOrEqual(worst, worstLevels, "\(actual.lastPathComponent): worst sample is \(worst) levels off",
                                 file: file, line: line)
    }

    /// Share of elements of two same-shape tensors within `tolerance`, and the largest difference.
    public static func agreement(_ a: Tensor, _ b: Tensor, tolerance: Float) -> (share: Double, worst: Float) {
        guard a.shape == b.shape, a.count > 0 else { return (0, .infinity) }
        var close = 0
        var worst: Float = 0
        for i in 0..<a.count {
            let d = abs(a.data[i] - b.data[i])
            if d <= tolerance { close += 1 }
            worst = max(worst, d)
        }
        return (Double(close) / Double(a.count), worst)
    }

    /// A smooth RGB test pattern in [lo, hi] with a little deterministic texture.
    public static func pattern(height: Int, width: Int, lo: Float = -1, hi: Float = 1) -> Tensor {
        let t = Tensor(zeros: [1, 3, height, width], zeroed: false)
        var state: UInt32 = 12345
        for c in 0..<3 {
            for y in 0..<height {
                for x in 0..<width {
                    state = state &* 1_664_525 &+ 1_013_904_223
                    let noise = Float(state >> 8) / Float(1 << 24) - 0.5
                    let v = 0.5 + 0.35 * sin(Float(x) / 7 + Float(c)) * cos(Float(y) / 9 - Float(c)) + 0.1 * noise
                    t.data[(c * height + y) * width + x] = lo + (hi - lo) * min(max(v, 0), 1)
                }
            }
        }
        return t
    }

    /// The `morph` executable built next to the test bundle.
    public static var binary: URL { MorphBinary.url }

    /// Runs `morph` with `arguments`; returns the exit code, stdout and stderr.
    public static func runMorph(_ arguments: [String]) throws -> (code: Int32, out: String, err: String) {
        try MorphBinary.run(arguments)
    }
}

