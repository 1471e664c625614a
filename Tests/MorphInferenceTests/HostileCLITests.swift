import Foundation
import XCTest
@testable import MorphImage
import TestSupport

/// Every hostile file (`Fixtures/hostile`, with the fuzzers' finds under `hostile/fuzz`) given to every
/// command that reads a model or a recipe: each run ends by itself with exit code 0, 1 or 2 — never a
/// signal — within 60 s and 2 GiB of memory.
final class HostileCLITests: XCTestCase {
    func hostileFiles() throws -> [URL] {
        let root = PipelineFixtures.url("hostile")
        let walker = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil)
        var files: [URL] = []
        while let url = walker?.nextObject() as? URL {
            var isDir: ObjCBool = false
            if FileManager.default.fileExists(atPath: url.path, isDirectory: &isDir), !isDir.boolValue { files.append(url) }
        }
        return files.sorted { $0.path < $1.path }
    }

    func testEveryCommandEndsCleanlyOnEveryHostileFile() throws {
        let dir = try PipelineFixtures.scratch()
        let image = PipelineFixtures.url("cli_in_rgb.png")
        let source = try ImageLoader.load(image)
        var bytes = [UInt8](repeating: 0, count: source.width * source.height)
        for i in bytes.indices where i % 7 == 0 { bytes[i] = 255 }
        let mask = dir.appendingPathComponent("mask.png")
        try ImageWriter.save(try bytes.withUnsafeBytes {
            try VipsImage.fromSamples($0, width: source.width, height: source.height, bands: 1, bitDepth: 8)
        }, to: mask)
        let files = try hostileFiles()
        XCTAssertGreaterThanOrEqual(files.count, 18)
        var worst = (seconds: 0.0, bytes: 0)
        for (n, file) in files.enumerated() {
            let out = dir.appendingPathComponent("out\(n)")
            let recipe = dir.appendingPathComponent("recipe\(n).yaml")
            try "task: upscale\nmodel: \(file.path)\ninput: \(image.path)\noutput: \(out.path)/run\n"
                .write(to: recipe, atomically: true, encoding: .utf8)
            let commands: [[String]] = [
                ["info", file.path],
                ["convert", file.path, out.appendingPathComponent("c.safetensors").path],
                ["upscale", image.path, "-o", out.appendingPathComponent("up").path, "--model", file.path],
                ["translate", image.path, "-o", out.appendingPathComponent("tr").path, "--model", file.path],
                ["inpaint", image.path, "--mask", mask.path, "-o", out.appendingPathComponent("in").path, "--model", file.path],
                ["run", "--dry-run", recipe.path],
                ["run", "--dry-run", file.path],
            ]
            for arguments in commands {
                let r = try LimitedRun.run(MorphBinary.url, arguments, timeout: 60)
                let label = "morph \(arguments.joined(separator: " "))"
                XCTAssertFalse(r.timedOut, "\(label) ran past 60 s")
                XCTAssertNil(r.signal, "\(label) died by signal \(r.signal ?? 0): \(r.stderr.suffix(400))")
                XCTAssertTrue([0, 1, 2].contains(r.exitCode ?? -1), "\(label) exited \(r.exitCode ?? -1): \(r.stderr.suffix(400))")
                XCTAssertLessThan(r.peakBytes, 2 << 30, "\(label) took \(r.peakBytes >> 20) MiB")
                worst = (max(worst.seconds, r.seconds), max(worst.bytes, r.peakBytes))
            }
        }
        print("hostile corpus: \(files.count) files × 7 commands; slowest \(String(format: "%.2f", worst.seconds)) s, "
              + "largest \(worst.bytes >> 20) MiB")
    }
}
