import Foundation
import XCTest
@testable import MorphImage
import MorphTensor
import TestSupport

/// A batch killed with `kill -9` halfway leaves only whole images under their final names; running it
/// again finishes the rest, skipping what was done (`--skip-existing` for commands, the manifest for recipes).
final class BatchKillTests: XCTestCase {
    let count = 10

    /// `count` 160×160 noise PNGs in `folder`.
    func makeInputs(_ folder: URL) throws {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        var rng = SeededRNG(seed: 9)
        for i in 0..<count {
            var bytes = [UInt8](repeating: 0, count: 160 * 160 * 3)
            for j in bytes.indices { bytes[j] = UInt8(truncatingIfNeeded: rng.next()) }
            let image = try bytes.withUnsafeBytes { try VipsImage.fromSamples($0, width: 160, height: 160, bands: 3, bitDepth: 8) }
            try ImageWriter.save(image, to: folder.appendingPathComponent(String(format: "img%02d.png", i)))
        }
    }

    /// Visible (not hidden) files in `folder`.
    func visible(_ folder: URL) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).filter { !$0.hasPrefix(".") }.sorted()
    }

    /// Every visible file in `out` is a whole PNG of the expected size.
    func assertWholeImages(_ out: URL, file: StaticString = #filePath, line: UInt = #line) {
        for name in visible(out) {
            let url = out.appendingPathComponent(name)
            let bytes = (try? Data(contentsOf: url)) ?? Data()
            XCTAssertTrue(bytes.suffix(8).elementsEqual([0x49, 0x45, 0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82]),
                          "\(name) is not a whole PNG (\(bytes.count) bytes)", file: file, line: line)
            let image = try? ImageLoader.load(url)
            XCTAssertEqual(image?.width, 640, "\(name) does not decode to a 640-pixel-wide image", file: file, line: line)
        }
    }

    func modificationDates(_ out: URL) -> [String: Date] {
        var dates: [String: Date] = [:]
        for name in visible(out) {
            dates[name] = (try? FileManager.default.attributesOfItem(atPath: out.appendingPathComponent(name).path))?[.modificationDate] as? Date
        }
        return dates
    }

    func testKilledUpscaleLeavesWholeFilesAndSkipExistingFinishes() throws {
        let dir = try PipelineFixtures.scratch()
        let input = dir.appendingPathComponent("in"), out = dir.appendingPathComponent("out")
        try makeInputs(input)
        let command = ["upscale", input.path, "-o", out.path, "--model", PipelineFixtures.url("cli_srvgg_x4.pth").path, "--jobs", "1"]
        let killed = try MorphBinary.startAndKill(command) { visible(out).count >= 3 }.killed
        assertWholeImages(out)
        let before = modificationDates(out)
        if killed { XCTAssertLessThan(before.count, count, "the kill came after the batch ended") }
        let rerun = try PipelineFixtures.runMorph(command + ["--skip-existing"])
        XCTAssertEqual(rerun.code, 0, rerun.err)
        XCTAssertEqual(visible(out).count, count)
        assertWholeImages(out)
        let after = modificationDates(out)
        for (name, date) in before { XCTAssertEqual(after[name], date, "\(name) was redone") }
    }

    func testKilledRecipeResumesFromItsManifest() throws {
        let dir = try PipelineFixtures.scratch()
        let input = dir.appendingPathComponent("in"), out = dir.appendingPathComponent("out")
        try makeInputs(input)
        let recipe = dir.appendingPathComponent("r.yaml")
        try """
        task: upscale
        model: \(PipelineFixtures.url("cli_srvgg_x4.pth").path)
        input: in
        output: out
        """.write(to: recipe, atomically: true, encoding: .utf8)
        let killed = try MorphBinary.startAndKill(["run", recipe.path]) { visible(out).count >= 3 }.killed
        assertWholeImages(out)
        let before = modificationDates(out)
        if killed { XCTAssertLessThan(before.count, count) }
        let rerun = try PipelineFixtures.runMorph(["run", recipe.path])
        XCTAssertEqual(rerun.code, 0, rerun.err)
        XCTAssertEqual(visible(out).count, count)
        assertWholeImages(out)
        let after = modificationDates(out)
        // Outputs the manifest recorded as done are not redone (the newest may be on disk but not yet recorded).
        let redone = before.filter { after[$0.key] != $0.value }
        XCTAssertLessThanOrEqual(redone.count, 1, "redone: \(redone.keys.sorted())")
    }
}
