import Foundation
import XCTest
@testable import MorphImage
import MorphCheckpoint
import MorphModels
@testable import MorphInference
import MorphTensor
import TestSupport

/// `morph inpaint`: exact copying outside the holes, crops around holes only, mask matching and bad masks.
final class InpaintPipelineTests: XCTestCase {
    /// A small random gated-convolution generator saved as a Morph checkpoint.
    func checkpoint(in folder: URL) throws -> URL {
        let model = try ArchitectureRegistry.build("gated_inpaint", options: ["cnum": "4"], seed: 3)
        let spec = ArchitectureConfiguration(name: "gated_inpaint", options: ["cnum": .int(4)])
        let url = folder.appendingPathComponent("inpaint.safetensors")
        try Checkpoint(tensors: model.stateDict(), metadata: spec.metadata).write(to: url)
        return url
    }

    /// Saves interleaved samples as an image file.
    func write(_ samples: [UInt16], width: Int, height: Int, bands: Int, depth: Int, to url: URL) throws {
        let image: VipsImage
        if depth == 16 {
            image = try samples.withUnsafeBytes { try VipsImage.fromSamples($0, width: width, height: height, bands: bands, bitDepth: 16) }
        } else {
            let bytes = samples.map { UInt8($0) }
            image = try bytes.withUnsafeBytes { try VipsImage.fromSamples($0, width: width, height: height, bands: bands, bitDepth: 8) }
        }
        try ImageWriter.save(image, to: url)
    }

    /// A textured image of `bands` bands.
    func texture(width: Int, height: Int, bands: Int, depth: Int) -> [UInt16] {
        let top = depth == 16 ? 65535 : 255
        return (0..<(width * height * bands)).map { k in
            let i = k / bands, b = k % bands, x = i % width, y = i / width
            return UInt16((x * 37 + y * 91 + b * 53 + (x * y) % 17) * (top / 255) % (top + 1))
        }
    }

    /// A gray mask, 255 inside the rectangles.
    func mask(width: Int, height: Int, holes: [PixelRect]) -> [UInt16] {
        (0..<(width * height)).map { i in
            let x = i % width, y = i / width
            return holes.contains { x >= $0.x && x < $0.x + $0.width && y >= $0.y && y < $0.y + $0.height } ? 255 : 0
        }
    }

    func testOutsideHolesAndAlphaAreCopiedExactly() throws {
        let dir = try PipelineFixtures.scratch()
        let model = try ModelLoader.load(checkpoint(in: dir))
        for (bands, depth) in [(4, 8), (1, 16), (3, 8)] {
            let w = 70, h = 50
            let input = dir.appendingPathComponent("img\(bands)_\(depth).png")
            let maskURL = dir.appendingPathComponent("mask\(bands)_\(depth).png")
            let holes = [PixelRect(x: 5, y: 6, width: 9, height: 7), PixelRect(x: 50, y: 30, width: 12, height: 11)]
            try write(texture(width: w, height: h, bands: bands, depth: depth), width: w, height: h, bands: bands, depth: depth, to: input)
            try write(mask(width: w, height: h, holes: holes), width: w, height: h, bands: 1, depth: 8, to: maskURL)
            let output = dir.appendingPathComponent("out/img\(bands)_\(depth).png")
            try InpaintPipeline.process(BatchJob(input: input, output: output, companion: maskURL), model: model,
                                        options: ImageRunOptions())
            let before = try PipelineFixtures.samples(input), after = try PipelineFixtures.samples(output)
            XCTAssertEqual([after.width, after.height, after.bands, after.depth], [w, h, bands, depth])
            let colour = bands == 2 || bands == 4 ? bands - 1 : bands
            var changed = 0
            for i in 0..<(w * h) {
                let x = i % w, y = i / w
                let inHole = holes.contains { x >= $0.x && x < $0.x + $0.width && y >= $0.y && y < $0.y + $0.height }
                for b in 0..<bands {
                    let k = i * bands + b
                    if !inHole || b >= colour {
                        XCTAssertEqual(after.values[k], before.values[k], "pixel \(x),\(y) band \(b) outside the hole")
                    } else if after.values[k] != before.values[k] {
                        changed += 1
                    }
                }
            }
            XCTAssertGreaterThan(changed, 0, "the holes were filled")
        }
    }

    func testOnlyCropsAroundHolesRun() {
        let w = 2000, h = 1500
        var hole = [UInt8](repeating: 0, count: w * h)
        for y in 40..<50 { for x in 30..<40 { hole[y * w + x] = 1 } }
        for y in 650..<656 { for x in 950..<960 { hole[y * w + x] = 1 } }
        let settings = InpaintSettings()
        let regions = HoleMap.cropRegions(hole, width: w, height: h, settings: settings)
        XCTAssertEqual(regions.count, 2)
        let area = regions.map { $0.width * $0.height }.reduce(0, +)
        XCTAssertLessThan(area, w * h / 10, "cost follows the holes, not the image")
        for (i, v) in hole.enumerated() where v != 0 {
            let x = i % w, y = i / w, m = settings.cropMargin
            // Every hole pixel sits inside a crop with the margin of context where the image allows.
            let left = min(m, x), right = min(m, w - 1 - x), top = min(m, y), bottom = min(m, h - 1 - y)
            XCTAssertTrue(regions.contains { x - $0.x >= left && $0.x + $0.width - 1 - x >= right
                                             && y - $0.y >= top && $0.y + $0.height - 1 - y >= bottom },
                          "hole pixel \(x),\(y) has context in a crop")
        }
        // Holes close together share one crop; a small image runs whole.
        var near = [UInt8](repeating: 0, count: w * h)
        near[1000 * w + 1000] = 1
        near[1000 * w + 1140] = 1
        XCTAssertEqual(HoleMap.cropRegions(near, width: w, height: h, settings: settings).count, 1)
        XCTAssertEqual(HoleMap.cropRegions([0, 1, 0, 0], width: 2, height: 2, settings: settings),
                       [PixelRect(x: 0, y: 0, width: 2, height: 2)])
    }

    func testBadMasksFailAloneAndNameTheMask() throws {
        let dir = try PipelineFixtures.scratch()
        let ckpt = try checkpoint(in: dir)
        let images = dir.appendingPathComponent("images"), masks = dir.appendingPathComponent("masks")
        try FileManager.default.createDirectory(at: images, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: masks, withIntermediateDirectories: true)
        for name in ["good", "small", "empty", "lonely"] {
            try write(texture(width: 40, height: 36, bands: 3, depth: 8), width: 40, height: 36, bands: 3, depth: 8,
                      to: images.appendingPathComponent(name + ".png"))
        }
        let hole = [PixelRect(x: 10, y: 10, width: 8, height: 8)]
        try write(mask(width: 40, height: 36, holes: hole), width: 40, height: 36, bands: 1, depth: 8,
                  to: masks.appendingPathComponent("good.jpg"))   // another extension, same stem
        try write(mask(width: 20, height: 18, holes: hole), width: 20, height: 18, bands: 1, depth: 8,
                  to: masks.appendingPathComponent("small.png"))
        try write(mask(width: 40, height: 36, holes: []), width: 40, height: 36, bands: 1, depth: 8,
                  to: masks.appendingPathComponent("empty.png"))
        let out = dir.appendingPathComponent("out")
        let result = try PipelineFixtures.runMorph(["inpaint", images.path, "--mask", masks.path, "-o", out.path,
                                                    "--model", ckpt.path])
        XCTAssertEqual(result.code, 1, result.err)
        XCTAssertTrue(FileManager.default.fileExists(atPath: out.appendingPathComponent("good.png").path))
        for name in ["small", "empty", "lonely"] {
            XCTAssertFalse(FileManager.default.fileExists(atPath: out.appendingPathComponent(name + ".png").path), name)
        }
        let lines = result.err.split(separator: "\n").map(String.init)
        XCTAssertTrue(lines.contains { $0.contains("small.png: mask is 20×18 but") }, result.err)
        XCTAssertTrue(lines.contains { $0.contains("empty.png: mask has no hole") }, result.err)
        XCTAssertTrue(lines.contains { $0.contains("lonely.png: no mask with the stem 'lonely'") }, result.err)

        // A translation model is refused with exit code 2.
        let wrong = try PipelineFixtures.runMorph(["inpaint", images.path, "--mask", masks.path, "-o", out.path,
                                                   "--model", PipelineFixtures.url("cli_srvgg_x4.pth").path])
        XCTAssertEqual(wrong.code, 2, wrong.err)
        XCTAssertTrue(wrong.err.contains("inpainting needs image + mask"), wrong.err)
    }
}
