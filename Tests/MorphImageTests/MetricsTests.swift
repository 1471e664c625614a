import Foundation
import XCTest
@testable import MorphImage
import TestSupport

/// PSNR and SSIM against values scikit-image computed on the same files (Tests/Fixtures/gen/metrics.py).
final class MetricsTests: XCTestCase {
    let root = Fixture.directory.appendingPathComponent("metrics")

    func expected() throws -> [String: [String: Double]] {
        let data = try Data(contentsOf: root.appendingPathComponent("expected.json"))
        return try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [String: [String: Double]])
    }

    func testMatchesScikitImage() throws {
        let table = try expected()
        XCTAssertEqual(table.count, 8)
        for (key, values) in table {
            let parts = key.split(separator: "/").map(String.init)
            let crop = try XCTUnwrap(Int(parts[1].dropFirst(4)))
            let options = ImageMetrics.Options(cropBorder: crop, yChannel: parts[2] == "y")
            let result = try ImageMetrics.compare(reference: root.appendingPathComponent("ref/\(parts[0]).png"),
                                                  test: root.appendingPathComponent("test/\(parts[0]).png"), options: options)
            let psnr = try XCTUnwrap(values["psnr"]), ssim = try XCTUnwrap(values["ssim"])
            XCTAssertEqual(result.psnr, psnr, accuracy: 1e-9 * psnr, key)
            XCTAssertEqual(result.ssim, ssim, accuracy: 1e-9, key)
        }
    }

    func testKnownClosedFormValues() throws {
        // Two flat images one level apart: MSE 1, PSNR 20·log10(255); SSIM from the formula with zero variance.
        let a = try MetricPlanes(width: 16, height: 12, channels: 1, samples: [Double](repeating: 100, count: 192))
        let b = try MetricPlanes(width: 16, height: 12, channels: 1, samples: [Double](repeating: 101, count: 192))
        let r = try ImageMetrics.compare(a, b)
        XCTAssertEqual(r.psnr, 20 * log10(255.0), accuracy: 1e-12)
        let c1: Double = (0.01 * 255) * (0.01 * 255)
        XCTAssertEqual(r.ssim, (2 * 100 * 101 + c1) / (100 * 100 + 101 * 101 + c1), accuracy: 1e-12)
        let same = try ImageMetrics.compare(a, a)
        XCTAssertEqual(same.psnr, .infinity)
        XCTAssertEqual(same.ssim, 1, accuracy: 1e-12)
    }

    func testFolderTablePairsByStemAndReportsProblems() throws {
        let folder = try TestImages.folder()
        let ref = folder.appendingPathComponent("ref"), test = folder.appendingPathComponent("test")
        try FileManager.default.createDirectory(at: ref.appendingPathComponent("sub"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: test.appendingPathComponent("sub"), withIntermediateDirectories: true)
        let image = try TestImages.smooth(width: 24, height: 20)
        try ImageWriter.save(image, to: ref.appendingPathComponent("sub/a.png"))
        try ImageWriter.save(image, to: test.appendingPathComponent("sub/a.tif"))       // same stem, other format
        try ImageWriter.save(image, to: ref.appendingPathComponent("b.png"))              // no counterpart
        try ImageWriter.save(image, to: ref.appendingPathComponent("c.png"))
        try ImageWriter.save(try TestImages.smooth(width: 20, height: 20), to: test.appendingPathComponent("c.png"))
        let table = try MetricsTable(reference: ref, test: test)
        XCTAssertEqual(table.rows.map(\.file), ["sub/a.png"])
        XCTAssertEqual(table.rows.first?.result.psnr, .infinity)
        XCTAssertEqual(table.failures.count, 2)
        XCTAssertTrue(table.failures[0].hasPrefix(ref.appendingPathComponent("b.png").path + ": no test image"), table.failures[0])
        XCTAssertTrue(table.failures[1].contains("differs from the reference"), table.failures[1])
        XCTAssertEqual(table.csv, "file,psnr,ssim\nsub/a.png,inf,1.000000\nmean,inf,1.000000\n")
    }
}
