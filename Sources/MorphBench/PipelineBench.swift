import Foundation
import MorphCheckpoint
import MorphImage
import MorphModels
import MorphInference
import MorphTensor

/// `morph bench` cases that need the pipeline (file I/O, model loading, the inpainting crop logic).
public enum PipelineBench {
    /// The cases, appended to `BenchSuite.cases()` by `morph bench`.
    public static func cases() -> [BenchCase] { [inpaint512Hole64()] }

    /// One `morph inpaint` of a 512² PNG with a 64² hole by a default-size `gated_inpaint` (cnum 32): load the
    /// image and mask, crop around the hole, run the model, paste, write the PNG (`InpaintPipeline.process`).
    static func inpaint512Hole64() -> BenchCase {
        let name = "inpaint_512_hole64"
        return BenchCase(name: name, quick: true) { bench in
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("morph-bench-inpaint-\(getpid())")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: folder) }
            let size = 512
            var rng = SeededRNG(seed: 8)
            var pixels = [UInt8](repeating: 0, count: size * size * 3)
            for i in pixels.indices { pixels[i] = UInt8(truncatingIfNeeded: (i / 3) % size / 2 + rng.nextInt(below: 32)) }
            var hole = [UInt8](repeating: 0, count: size * size)
            for y in 224..<288 { for x in 200..<264 { hole[y * size + x] = 255 } }
            let input = folder.appendingPathComponent("image.png"), mask = folder.appendingPathComponent("mask.png")
            try pixels.withUnsafeBytes {
                try ImageWriter.save(try VipsImage.fromSamples($0, width: size, height: size, bands: 3, bitDepth: 8), to: input)
            }
            try hole.withUnsafeBytes {
                try ImageWriter.save(try VipsImage.fromSamples($0, width: size, height: size, bands: 1, bitDepth: 8), to: mask)
            }
            let architecture = ArchitectureConfiguration(name: "gated_inpaint")
            let net = try ArchitectureRegistry.build(architecture, seed: 1)
            let checkpoint = folder.appendingPathComponent("gated_inpaint.safetensors")
            try SafeTensors.write(net.stateDict(), metadata: architecture.metadata, to: checkpoint)
            let model = try ModelLoader.load(checkpoint)
            let job = BatchJob(input: input, output: folder.appendingPathComponent("out.png"), companion: mask)
            let s = try bench.median { try InpaintPipeline.process(job, model: model, options: ImageRunOptions()) }
            var record = BenchRecord(name: name, seconds: s)
            record.peakRSSMiB = Double(Benchmark.peakRSSBytes()) / 1_048_576
            return record
        }
    }
}
