import Foundation
import XCTest
@testable import MorphImage
import MorphCheckpoint
import MorphModels
@testable import MorphInference
import MorphTensor
import TestSupport

/// `morph inpaint` with LaMa: each checkpoint form gives PyTorch's result on a test photo; the strategies
/// (crop cost follows the holes, resize pastes only the holes), mask dilation and masks from transparency.
final class LamaInpaintTests: XCTestCase {
    /// Saves 8-bit interleaved samples as a PNG.
    private func writePNG(_ bytes: [UInt8], width: Int, height: Int, bands: Int, to url: URL) throws {
        let image = try bytes.withUnsafeBytes { try VipsImage.fromSamples($0, width: width, height: height, bands: bands, bitDepth: 8) }
        try ImageWriter.save(image, to: url)
    }

    /// A small random LaMa (3 downsamplings, one block) saved as a Morph checkpoint.
    private func tinyLama(in folder: URL) throws -> URL {
        let options = ["ngf": "4", "n_blocks": "1"]
        let model = try ArchitectureRegistry.build("lama", options: options, seed: 5)
        let url = folder.appendingPathComponent("tiny-lama.safetensors")
        let spec = ArchitectureConfiguration(name: "lama", parsing: options)
        try Checkpoint(tensors: model.stateDict(), metadata: spec.metadata).write(to: url)
        return url
    }

    func testEveryCheckpointFormInpaintsThePhotoLikePyTorch() throws {
        let f = try Fixture.load("lama_form_expected")
        let (image, mask, expected) = (try f.tensor("image"), try f.tensor("mask"), try f.tensor("out"))
        let (h, w) = (image.shape[2], image.shape[3])
        let dir = try PipelineFixtures.scratch()
        let rgb = (0..<(h * w * 3)).map { k in UInt8((image.data[(k % 3) * h * w + k / 3] * 255).rounded()) }
        let input = dir.appendingPathComponent("photo.png"), maskURL = dir.appendingPathComponent("mask.png")
        try writePNG(rgb, width: w, height: h, bands: 3, to: input)
        try writePNG((0..<(h * w)).map { mask.data[$0] > 0 ? 255 : 0 }, width: w, height: h, bands: 1, to: maskURL)
        for form in ["lama_form_lightning.ckpt", "lama_form_plain.pth", "lama_form_torchscript.pt"] {
            let loaded = try ModelLoader.load(PipelineFixtures.url(form))
            XCTAssertEqual(loaded.configuration.name, "lama", form)
            let output = dir.appendingPathComponent("out-\(form).png")
            try InpaintPipeline.process(BatchJob(input: input, output: output, companion: maskURL), model: loaded,
                                        options: ImageRunOptions())
            let got = try PipelineFixtures.samples(output)
            var within = 0, exactOutside = true
            for k in 0..<(h * w * 3) {
                let pixel = k / 3, plane = k % 3
                let want = Int((min(max(expected.data[plane * h * w + pixel], 0), 1) * 255).rounded())
                if abs(got.values[k] - want) <= 1 { within += 1 }
                if mask.data[pixel] == 0 && got.values[k] != Int(rgb[k]) { exactOutside = false }
            }
            XCTAssertGreaterThanOrEqual(Double(within), 0.999 * Double(h * w * 3), "\(form): within one level")
            XCTAssertTrue(exactOutside, "\(form): pixels outside the mask are the input's")
        }
    }

    func testCropCostFollowsHoleArea() throws {
        let dir = try PipelineFixtures.scratch()
        let loaded = try ModelLoader.load(tinyLama(in: dir))
        let (w, h) = (1600, 1200)
        func run(holeSide: Int) throws -> InpaintJob.Report {
            var bytes = [UInt8](repeating: 90, count: w * h * 3)
            var hole = [UInt8](repeating: 0, count: w * h)
            for (x0, y0) in [(100, 150), (1200, 900)] {
                for y in y0..<(y0 + holeSide) { for x in x0..<(x0 + holeSide) { hole[y * w + x] = 1 } }
            }
            return try bytes.withUnsafeMutableBytes { raw in
                var job = InpaintJob(samples: raw.baseAddress!, width: w, height: h, bands: 3, bitDepth: 8, hole: hole)
                return try job.run(network: InpaintNetwork(loaded), engine: InferenceEngine(loaded), settings: InpaintSettings())
            }
        }
        let small = try run(holeSide: 10), large = try run(holeSide: 120)
        XCTAssertEqual(small.regions.count, 2)
        // Each crop is the hole plus 128 pixels of context on each side.
        XCTAssertEqual(small.regions.map(\.width), [266, 266])
        XCTAssertEqual(small.pixelsProcessed, 2 * 266 * 266)
        XCTAssertEqual(large.pixelsProcessed, 2 * 376 * 376)
        XCTAssertLessThan(large.pixelsProcessed, w * h / 6, "cost follows the holes, not the image")
        // An image run whole processes every pixel.
        var settings = InpaintSettings()
        settings.strategy = .original
        let (sw, sh) = (320, 240)
        var bytes = [UInt8](repeating: 90, count: sw * sh * 3)
        var hole = [UInt8](repeating: 0, count: sw * sh)
        hole[5000] = 1
        let whole = try bytes.withUnsafeMutableBytes { raw -> InpaintJob.Report in
            var job = InpaintJob(samples: raw.baseAddress!, width: sw, height: sh, bands: 3, bitDepth: 8, hole: hole)
            return try job.run(network: InpaintNetwork(loaded), engine: InferenceEngine(loaded), settings: settings)
        }
        XCTAssertEqual(whole.pixelsProcessed, sw * sh)
    }

    func testCropRegionsFollowIOPaintAtTheEdges() {
        // A hole at the left edge: the crop keeps its full width by taking more context on the right.
        let crop = HoleMap.crop(around: PixelRect(x: 0, y: 40, width: 10, height: 10), margin: 20, width: 200, height: 100)
        XCTAssertEqual(crop, PixelRect(x: 0, y: 20, width: 50, height: 50))
        // Diagonal neighbours are one component; separate holes are two.
        var hole = [UInt8](repeating: 0, count: 100)
        hole[11] = 1; hole[22] = 1; hole[88] = 1
        XCTAssertEqual(HoleMap.components(hole, width: 10, height: 10),
                       [PixelRect(x: 1, y: 1, width: 2, height: 2), PixelRect(x: 8, y: 8, width: 1, height: 1)])
    }

    func testResizeStrategyRunsSmallAndPastesOnlyTheHoles() throws {
        let dir = try PipelineFixtures.scratch()
        let loaded = try ModelLoader.load(tinyLama(in: dir))
        let (w, h) = (300, 200)
        let original: [UInt8] = (0..<(w * h * 3)).map { i -> UInt8 in UInt8((i * 7 + i / 900) % 251) }
        var bytes = original
        var hole = [UInt8](repeating: 0, count: w * h)
        for y in 50..<70 { for x in 100..<140 { hole[y * w + x] = 1 } }
        let report = try bytes.withUnsafeMutableBytes { raw -> InpaintJob.Report in
            var job = InpaintJob(samples: raw.baseAddress!, width: w, height: h, bands: 3, bitDepth: 8, hole: hole)
            return try job.run(network: InpaintNetwork(loaded), engine: InferenceEngine(loaded),
                               settings: InpaintSettings(strategy: .resize, resizeLimit: 120))
        }
        XCTAssertEqual(report.pixelsProcessed, 120 * 80)
        var changed = 0
        for i in 0..<(w * h) {
            for c in 0..<3 where bytes[i * 3 + c] != original[i * 3 + c] {
                XCTAssertEqual(hole[i], 1, "pixel \(i) outside the hole changed")
                changed += 1
            }
        }
        XCTAssertGreaterThan(changed, 0)
    }

    func testMaskDilationGrowsHolesBySquares() {
        var hole = [UInt8](repeating: 0, count: 7 * 6)
        hole[2 * 7 + 3] = 1
        let grown = HoleMap.dilated(hole, width: 7, height: 6, radius: 2)
        for y in 0..<6 {
            for x in 0..<7 {
                XCTAssertEqual(grown[y * 7 + x], abs(x - 3) <= 2 && abs(y - 2) <= 2 ? 1 : 0, "\(x),\(y)")
            }
        }
        XCTAssertEqual(HoleMap.dilated(hole, width: 7, height: 6, radius: 0), hole)
    }

    func testTransparentPixelsAreFilledWithoutAMask() throws {
        let dir = try PipelineFixtures.scratch()
        let model = try tinyLama(in: dir)
        let (w, h) = (48, 40)
        var rgba: [UInt8] = (0..<(w * h * 4)).map { i -> UInt8 in UInt8((i * 13) % 200) }
        for i in 0..<(w * h) { rgba[i * 4 + 3] = 255 }
        for y in 10..<20 { for x in 12..<30 { rgba[(y * w + x) * 4 + 3] = 0 } }
        let input = dir.appendingPathComponent("cut.png")
        try writePNG(rgba, width: w, height: h, bands: 4, to: input)
        let out = dir.appendingPathComponent("out")
        let result = try PipelineFixtures.runMorph(["inpaint", input.path, "-o", out.path, "--model", model.path,
                                                    "--mask-dilate", "1"])
        XCTAssertEqual(result.code, 0, result.err)
        let got = try PipelineFixtures.samples(out.appendingPathComponent("cut.png"))
        for i in 0..<(w * h) {
            let x = i % w, y = i / w
            let grown = x >= 11 && x < 31 && y >= 9 && y < 21
            if grown {
                XCTAssertEqual(got.values[i * 4 + 3], 255, "filled pixel \(x),\(y) is opaque")
            } else {
                for c in 0..<4 { XCTAssertEqual(got.values[i * 4 + c], Int(rgba[i * 4 + c]), "pixel \(x),\(y)") }
            }
        }
    }
}

/// A 4000×3000 photo with two small holes through `morph inpaint` in a child process: the crop strategy keeps
/// its peak memory far below the whole-image cost.
final class LamaLargePhotoTests: XCTestCase {
    func testFourThousandByThreeThousandWithTwoHolesStaysUnderBudget() throws {
        let dir = try PipelineFixtures.scratch()
        let options = ["ngf": "4", "n_blocks": "1"]
        let model = try ArchitectureRegistry.build("lama", options: options, seed: 5)
        let ckpt = dir.appendingPathComponent("lama.safetensors")
        let spec = ArchitectureConfiguration(name: "lama", parsing: options)
        try Checkpoint(tensors: model.stateDict(), metadata: spec.metadata).write(to: ckpt)
        let (w, h) = (4000, 3000)
        let input = dir.appendingPathComponent("big.png"), mask = dir.appendingPathComponent("big-mask.png")
        do {
            var rgb = [UInt8](repeating: 0, count: w * h * 3)
            for i in 0..<(w * h) {
                rgb[i * 3] = UInt8((i % w) / 16 % 256); rgb[i * 3 + 1] = UInt8((i / w) / 12 % 256); rgb[i * 3 + 2] = 128
            }
            var holes = [UInt8](repeating: 0, count: w * h)
            for y in 500..<530 { for x in 700..<760 { holes[y * w + x] = 255 } }
            for y in 2400..<2420 { for x in 3100..<3125 { holes[y * w + x] = 255 } }
            try rgb.withUnsafeBytes { try ImageWriter.save(try VipsImage.fromSamples($0, width: w, height: h, bands: 3, bitDepth: 8), to: input) }
            try holes.withUnsafeBytes { try ImageWriter.save(try VipsImage.fromSamples($0, width: w, height: h, bands: 1, bitDepth: 8), to: mask) }
        }
        let out = dir.appendingPathComponent("out")
        let peak = try Self.peakRSS(MorphBinary.url.path, ["inpaint", input.path, "--mask", mask.path, "-o", out.path,
                                                            "--model", ckpt.path])
        XCTAssertLessThan(peak, 1536 << 20, "peak RSS \(peak >> 20) MiB")
        let got = try ImageLoader.load(out.appendingPathComponent("big.png"))
        XCTAssertEqual([got.width, got.height], [w, h])
    }

    /// Runs a program to completion and returns its peak resident set size (wait4's rusage); fails on a non-zero exit.
    static func peakRSS(_ executable: String, _ arguments: [String]) throws -> Int {
        var pid: pid_t = 0
        let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { for p in argv { free(p) } }
        guard posix_spawn(&pid, executable, nil, nil, argv, environ) == 0 else { throw FixtureError.missing("cannot start \(executable)") }
        var status: Int32 = 0
        var usage = rusage()
        guard wait4(pid, &status, 0, &usage) == pid else { throw FixtureError.missing("wait4 failed") }
        guard status == 0 else { throw FixtureError.missing("\(executable) exited with status \(status)") }
        return usage.ru_maxrss * 1024
    }
}
