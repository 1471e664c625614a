import Foundation
import XCTest
import MorphImage
import MorphTensor
import MorphTrain

/// Small synthetic datasets written as real PNG files, and temporary folders.
enum TrainTestData {
    /// A fresh empty folder under the system temporary directory.
    static func folder(_ name: String = #function) throws -> URL {
        let clean = name.filter { $0.isLetter || $0.isNumber }
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("morph-train-\(clean)-\(getpid())")
        try? FileManager.default.removeItem(at: url)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// A smooth random RGB image (a few colour gradients and blobs), 8-bit samples.
    static func randomImage(width: Int, height: Int, rng: inout SeededRNG) -> [UInt8] {
        var c = (0..<12).map { _ in rng.nextUniform() }
        c[9] = c[9] * Float(width); c[10] = c[10] * Float(height)
        var data = [UInt8](repeating: 0, count: width * height * 3)
        for y in 0..<height {
            for x in 0..<width {
                let fx = Float(x) / Float(width), fy = Float(y) / Float(height)
                let d = ((Float(x) - c[9]) * (Float(x) - c[9]) + (Float(y) - c[10]) * (Float(y) - c[10])) / Float(width * width / 8)
                let blob = Foundation.exp(-d)
                for b in 0..<3 {
                    let v = 0.15 + 0.7 * (c[b] * fx + c[b + 3] * fy + c[b + 6] * blob) / 1.5
                    data[(y * width + x) * 3 + b] = UInt8(max(0, min(255, (v * 255).rounded())))
                }
            }
        }
        return data
    }

    /// Writes `data` (RGB, 8-bit) as a PNG.
    static func writePNG(_ data: [UInt8], width: Int, height: Int, to url: URL) throws {
        let image = try data.withUnsafeBytes { try VipsImage.fromSamples($0, width: width, height: height, bands: 3, bitDepth: 8) }
        try ImageWriter.save(image, to: url)
    }

    /// An aligned dataset under `root/train`: `count` images of A|B side by side, each half `size`², B = 255 − A.
    static func invertedPairs(root: URL, count: Int, size: Int, seed: UInt64 = 1) throws {
        let train = root.appendingPathComponent("train")
        try FileManager.default.createDirectory(at: train, withIntermediateDirectories: true)
        var rng = SeededRNG(seed: seed)
        for i in 0..<count {
            let a = randomImage(width: size, height: size, rng: &rng)
            var ab = [UInt8](repeating: 0, count: 2 * size * size * 3)
            for y in 0..<size {
                for x in 0..<size {
                    for b in 0..<3 {
                        let v = a[(y * size + x) * 3 + b]
                        ab[(y * 2 * size + x) * 3 + b] = v
                        ab[(y * 2 * size + size + x) * 3 + b] = 255 - v
                    }
                }
            }
            try writePNG(ab, width: 2 * size, height: size, to: train.appendingPathComponent(String(format: "%03d.png", i)))
        }
    }

    /// An unaligned dataset: `trainA/` with `countA` and `trainB/` with `countB` images of `size`².
    static func unpaired(root: URL, countA: Int, countB: Int, size: Int, seed: UInt64 = 2) throws {
        var rng = SeededRNG(seed: seed)
        for (name, count) in [("trainA", countA), ("trainB", countB)] {
            let folder = root.appendingPathComponent(name)
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            for i in 0..<count {
                let image = randomImage(width: size, height: size, rng: &rng)
                try writePNG(image, width: size, height: size, to: folder.appendingPathComponent(String(format: "%03d.png", i)))
            }
        }
    }

    /// Tiny CycleGAN options for fast tests (ResNet with one block, ngf/ndf 4, 32² crops of 36² images).
    static func tinyCycleGAN() -> TrainOptions {
        var o = TrainOptions(model: .cyclegan)
        o.translation!.ngf = 4; o.ndf = 4; o.translation!.nBlocks = 1
        o.translation!.loadSize = 36; o.translation!.cropSize = 32; o.translation!.poolSize = 3
        o.nEpochs = 2; o.nEpochsDecay = 3
        o.displayFreq = 7; o.saveEpochFreq = 2
        return o
    }

    /// Tiny pix2pix options (U-Net with 5 downsamplings, ngf/ndf 8, 32² crops).
    static func tinyPix2Pix() -> TrainOptions {
        var o = TrainOptions(model: .pix2pix)
        o.translation!.ngf = 8; o.ndf = 8; o.translation!.numDowns = 5
        o.translation!.loadSize = 36; o.translation!.cropSize = 32
        o.nEpochs = 2; o.nEpochsDecay = 3
        o.displayFreq = 50; o.saveEpochFreq = 2
        return o
    }

    /// Every network's state dict (and weight average), as flat arrays by "<net>.<key>" ("ema.<net>.<key>").
    static func weights(_ model: TrainableModel) -> [String: [Float]] {
        var out: [String: [Float]] = [:]
        for (name, net, _) in model.networks {
            for (key, t) in net.stateDict() { out[name + "." + key] = t.values }
        }
        for (name, ema) in model.averages {
            for (key, t) in ema.stateDict { out["ema." + name + "." + key] = t.values }
        }
        return out
    }
}
