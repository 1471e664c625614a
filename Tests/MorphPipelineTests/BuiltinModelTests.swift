import Foundation
import XCTest
import MorphImage
import MorphModels
@testable import MorphPipeline
import MorphRecipes
import MorphTensor

/// Built-in model names: resolution from the repository, `$MORPH_MODELS`, unknown names, and what the shipped
/// models do on images they were not trained on.
final class BuiltinModelTests: XCTestCase {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    func testEveryBuiltinIsShippedAndLoads() throws {
        XCTAssertFalse(BuiltinModels.all.isEmpty)
        for entry in BuiltinModels.all {
            let url = try ModelLoader.resolve(entry.name)
            XCTAssertEqual(url.standardizedFileURL.path,
                           Self.repository.appendingPathComponent("models/\(entry.name).safetensors").standardizedFileURL.path)
            let size = try FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int ?? 0
            XCTAssertLessThan(size, 4 << 20, "\(entry.name) stays small")
            let loaded = try ModelLoader.load(url)
            XCTAssertEqual(loaded.traits.role, .generator)
        }
    }

    func testUnknownNamesListTheBuiltinsAndPathsStayPaths() {
        XCTAssertThrowsError(try ModelLoader.resolve("morph-zebra")) { error in
            XCTAssertEqual("\(error)", "morph-zebra: no such checkpoint file or folder, and not a built-in model (built-ins: "
                + BuiltinModels.names.joined(separator: ", ") + ")")
        }
        XCTAssertThrowsError(try ModelLoader.resolve("nowhere/model.pth")) { error in
            XCTAssertEqual("\(error)", "nowhere/model.pth: no such checkpoint file or folder")
        }
        XCTAssertTrue(BuiltinModels.looksLikeName("morph-sr-x4"))
        XCTAssertFalse(BuiltinModels.looksLikeName("model.safetensors"))
        XCTAssertFalse(BuiltinModels.looksLikeName("runs/h2z"))
    }

    func testMorphModelsFolderOverridesTheRepository() throws {
        let folder = try PipelineFixtures.scratch()
        defer { try? FileManager.default.removeItem(at: folder) }
        let name = BuiltinModels.names[0]
        XCTAssertThrowsError(try BuiltinModels.locate(name, environment: ["MORPH_MODELS": folder.path])) { error in
            XCTAssertTrue("\(error)".contains("is not in $MORPH_MODELS"), "\(error)")
        }
        let copy = folder.appendingPathComponent("\(name).safetensors")
        try FileManager.default.copyItem(at: try BuiltinModels.locate(name), to: copy)
        XCTAssertEqual(try BuiltinModels.locate(name, environment: ["MORPH_MODELS": folder.path]), copy)
        XCTAssertNotNil(RepositoryFiles.locate("models/\(name).safetensors", executable: "/nonexistent/bin/morph"),
                        "found from the current folder too")
    }

    /// morph-light2dark on the two held-out artworks (wood, dune): its output is darker than the input and closer to
    /// the true dark variant than the light input is (when trained: wood 13.4 dB against 8.7, dune 11.0 against 9.0).
    func testLight2DarkMovesHeldOutWallpapersTowardsTheirDarkVariants() throws {
        let out = try PipelineFixtures.scratch()
        defer { try? FileManager.default.removeItem(at: out) }
        let result = try PipelineFixtures.runMorph(["translate", Self.repository.appendingPathComponent("samples/wallpapers").path,
                                                    "-o", out.path, "--model", "morph-light2dark"])
        XCTAssertEqual(result.code, 0, result.err)
        for name in ["wood", "dune"] {
            let dark = Self.repository.appendingPathComponent("Tests/Fixtures/light2dark/\(name)-dark.png")
            let light = Self.repository.appendingPathComponent("samples/wallpapers/\(name).png")
            let identity = try ImageMetrics.compare(reference: dark, test: light).psnr
            let model = try ImageMetrics.compare(reference: dark, test: out.appendingPathComponent("\(name).png")).psnr
            XCTAssertGreaterThan(model, identity + 1.5, "\(name): model \(model) dB, light input \(identity) dB")
            let input = try PipelineFixtures.samples(light).values, output = try PipelineFixtures.samples(out.appendingPathComponent("\(name).png")).values
            let meanIn = Double(input.reduce(0, +)) / Double(input.count), meanOut = Double(output.reduce(0, +)) / Double(output.count)
            XCTAssertLessThan(meanOut, 0.6 * meanIn, "\(name): mean level \(meanOut) from \(meanIn)")
        }
    }
}

/// morph-sr-x4 against bicubic on photos it was not trained on (samples/photos: astronaut, chelsea, coffee).
final class BuiltinSRGainTests: XCTestCase {
    /// LR = bicubic ÷4 of the held-out HR photo; PSNR on the Y channel with a 4-pixel border crop, as BasicSR
    /// reports SR results. The model must beat bicubic ×4 by at least 1 dB on average.
    func testSRBeatsBicubicByOneDecibelOnHeldOutPhotos() throws {
        let dir = try PipelineFixtures.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let photos = BuiltinModelTests.repository.appendingPathComponent("samples/photos")
        let lrDir = dir.appendingPathComponent("lr"), hrDir = dir.appendingPathComponent("hr"), bicubicDir = dir.appendingPathComponent("bicubic")
        for folder in [lrDir, hrDir, bicubicDir] { try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true) }
        let names = ["astronaut", "chelsea", "coffee"]
        for name in names {
            let image = try ImageTensorCodec.load(photos.appendingPathComponent("\(name).png"), range: .zeroToOne)
            let h = image.rgb.shape[2] / 4 * 4, w = image.rgb.shape[3] / 4 * 4
            let hr = try image.rgb.slice(dim: 2, 0..<h).slice(dim: 3, 0..<w)
            let lr = try TensorImageOps.resize(hr, width: w / 4, height: h / 4, kernel: .cubic).clamp(0, 1)
            let bicubic = try TensorImageOps.resize(lr, width: w, height: h, kernel: .cubic).clamp(0, 1)
            let source = SourceDescription(file: name, width: w, height: h, bands: 3, bitDepth: 8)
            let small = SourceDescription(file: name, width: w / 4, height: h / 4, bands: 3, bitDepth: 8)
            try ImageWriter.save(ImageTensorCodec.decode(rgb: hr, alpha: nil, source: source, range: .zeroToOne),
                                 to: hrDir.appendingPathComponent("\(name).png"))
            try ImageWriter.save(ImageTensorCodec.decode(rgb: bicubic, alpha: nil, source: source, range: .zeroToOne),
                                 to: bicubicDir.appendingPathComponent("\(name).png"))
            try ImageWriter.save(ImageTensorCodec.decode(rgb: lr, alpha: nil, source: small, range: .zeroToOne),
                                 to: lrDir.appendingPathComponent("\(name).png"))
        }
        let srDir = dir.appendingPathComponent("sr")
        let result = try PipelineFixtures.runMorph(["upscale", lrDir.path, "-o", srDir.path, "--model", "morph-sr-x4"])
        XCTAssertEqual(result.code, 0, result.err)
        let options = ImageMetrics.Options(cropBorder: 4, yChannel: true)
        var gains: [Double] = []
        for name in names {
            let hr = hrDir.appendingPathComponent("\(name).png")
            let sr = try ImageMetrics.compare(reference: hr, test: srDir.appendingPathComponent("\(name).png"), options: options).psnr
            let bicubic = try ImageMetrics.compare(reference: hr, test: bicubicDir.appendingPathComponent("\(name).png"), options: options).psnr
            XCTAssertGreaterThan(sr, bicubic, "\(name): SR \(sr) dB, bicubic \(bicubic) dB")
            gains.append(sr - bicubic)
        }
        let mean = gains.reduce(0, +) / Double(gains.count)
        print("morph-sr-x4 gain over bicubic (Y, border 4): \(gains.map { String(format: "%.2f", $0) }) dB, mean \(String(format: "%.2f", mean)) dB")
        XCTAssertGreaterThanOrEqual(mean, 1.0, "mean gain over bicubic \(mean) dB (per photo \(gains))")
    }
}

/// morph-inpaint on a photo it was not trained on (samples/inpaint/chelsea.png with its 40×50 hole).
final class BuiltinInpaintTests: XCTestCase {
    /// Outside the hole the output is the input, bit for bit. Inside, the fill must be clearly closer to the true
    /// pixels than the mean colour of the known pixels (the simplest guess), and no worse than the parameter-free
    /// pull–push fill the generator starts from.
    func testInpaintBeatsAMeanColourFillOnAHeldOutPhoto() throws {
        let out = try PipelineFixtures.scratch()
        defer { try? FileManager.default.removeItem(at: out) }
        let samples = BuiltinModelTests.repository.appendingPathComponent("samples")
        let image = samples.appendingPathComponent("inpaint/chelsea.png"), mask = samples.appendingPathComponent("masks/chelsea.png")
        let filledURL = out.appendingPathComponent("chelsea.png")
        let result = try PipelineFixtures.runMorph(["inpaint", image.path, "--mask", mask.path, "-o", filledURL.path,
                                                    "--model", "morph-inpaint"])
        XCTAssertEqual(result.code, 0, result.err)
        let original = try PipelineFixtures.samples(image), filled = try PipelineFixtures.samples(filledURL)
        let holes = try PipelineFixtures.samples(mask)
        XCTAssertEqual([filled.width, filled.height, filled.bands], [original.width, original.height, original.bands])
        let bands = original.bands, n = original.width * original.height
        let isHole = (0..<n).map { holes.values[$0 * holes.bands] > 127 }
        var known = [Double](repeating: 0, count: bands), knownCount = 0
        for i in 0..<n where !isHole[i] {
            for b in 0..<bands {
                XCTAssertEqual(filled.values[i * bands + b], original.values[i * bands + b], "pixel \(i) outside the hole")
                known[b] += Double(original.values[i * bands + b])
            }
            knownCount += 1
        }
        let mean = known.map { $0 / Double(knownCount) }
        // The pull–push fill alone, on the same 0…255 samples.
        let planes = Tensor(zeros: [1, bands, original.height, original.width])
        let holeMask = Tensor(zeros: [1, 1, original.height, original.width])
        for i in 0..<n {
            holeMask.data[i] = isHole[i] ? 1 : 0
            for b in 0..<bands { planes.data[b * n + i] = Float(original.values[i * bands + b]) }
        }
        let pullPush = try PullPushFill.fill(image: planes, mask: holeMask)
        var modelError = 0.0, meanError = 0.0, fillError = 0.0
        for i in 0..<n where isHole[i] {
            for b in 0..<bands {
                let truth = Double(original.values[i * bands + b])
                modelError += abs(Double(filled.values[i * bands + b]) - truth)
                meanError += abs(mean[b] - truth)
                fillError += abs(Double(pullPush.data[b * n + i]) - truth)
            }
        }
        print(String(format: "morph-inpaint hole L1 vs truth: model %.0f, pull–push fill %.0f, mean colour %.0f (ratio to mean %.3f)",
                     modelError, fillError, meanError, modelError / meanError))
        XCTAssertLessThan(modelError, 0.9 * meanError, "hole L1: model \(modelError), mean colour \(meanError)")
        XCTAssertLessThan(modelError, 1.02 * fillError, "hole L1: model \(modelError), pull–push fill \(fillError)")
    }
}
