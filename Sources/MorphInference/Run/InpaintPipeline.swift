import Foundation
import MorphImage
import MorphModels
import MorphTensor

/// A rectangle of pixels: columns `x..<x+width`, rows `y..<y+height`.
public struct PixelRect: Equatable, Sendable {
    public var x: Int, y: Int, width: Int, height: Int

    public init(x: Int, y: Int, width: Int, height: Int) {
        self.x = x
        self.y = y
        self.width = width
        self.height = height
    }

    func intersects(_ o: PixelRect) -> Bool {
        x < o.x + o.width && o.x < x + width && y < o.y + o.height && o.y < y + height
    }

    func union(_ o: PixelRect) -> PixelRect {
        let x0 = min(x, o.x), y0 = min(y, o.y)
        return PixelRect(x: x0, y: y0, width: max(x + width, o.x + o.width) - x0, height: max(y + height, o.y + o.height) - y0)
    }
}

/// `morph inpaint`: fills the white (> 127) parts of each image's mask with an inpainting generator.
///
/// Only crops around the holes are run through the model (each hole cluster plus a context margin), so the cost
/// follows the hole area, not the image area. Pixels outside the holes, and alpha everywhere, are copied from the
/// input sample by sample; bit depth, gray, ICC and EXIF are kept. Masks come from one file for every image or
/// from a folder, matched to each image by file stem (`photo.jpg` ↔ `photo.png`).
public enum InpaintPipeline {
    /// Side of the blocks in which holes are clustered.
    static let block = 32

    /// The jobs for `inputs`, each with its mask as companion (nil when the folder has none: that job fails alone).
    /// - Throws: `PipelineError.usage` for missing inputs or masks, or output paths that would overwrite inputs.
    public static func plan(inputs: [String], masks: String, output: String, format: ImageFormat?) throws -> [BatchJob] {
        try attachMasks(masks, to: JobPlanner.plan(inputs: inputs, output: output, format: format))
    }

    /// `jobs` with their masks as companions: the one mask file for all, or the mask of each input's stem from a
    /// mask folder (nil when the folder has none: that job fails alone).
    /// - Throws: `PipelineError.usage` when `masks` does not exist.
    public static func attachMasks(_ masks: String, to jobs: [BatchJob]) throws -> [BatchJob] {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: masks, isDirectory: &isDir) else {
            throw PipelineError.usage("\(masks): no such mask file or folder")
        }
        let maskRoot = URL(fileURLWithPath: masks)
        if !isDir.boolValue {
            return jobs.map { BatchJob(input: $0.input, output: $0.output, companion: maskRoot) }
        }
        var byStem: [String: URL] = [:]
        for url in try ImageFiles.discover(maskRoot) {
            let stem = url.deletingPathExtension().lastPathComponent
            if byStem[stem] == nil { byStem[stem] = url }
        }
        return jobs.map { job in
            BatchJob(input: job.input, output: job.output, companion: byStem[job.input.deletingPathExtension().lastPathComponent])
        }
    }

    /// Processes every job; a failing file (no mask, wrong size, no hole, unreadable) is reported and the batch goes on.
    public static func run(_ jobs: [BatchJob], model: LoadedModel, options: ImageRunOptions, label: String,
                           manifest: ManifestTracking? = nil) throws -> BatchSummary {
        try check(model)
        return ModelPool(model).runBatch(jobs, options: options, label: label, manifest: manifest) { job, worker in
            try process(job, model: worker, options: options)
        }
    }

    /// The model must map concat(image, mask) (4 channels) to RGB at the same size.
    static func check(_ model: LoadedModel) throws {
        let t = model.traits
        guard t.role == .generator, t.inputChannels == 4, t.outputChannels == 3, t.scale == 1 else {
            throw PipelineError.model(file: model.file.path,
                "is a \(model.configuration.name) model (\(t.inputChannels) → \(t.outputChannels) channels, ×\(t.scale)); inpainting needs image + mask (4 channels) → RGB")
        }
    }

    /// Inpaints one image.
    /// - Throws: `ImageError` or `PipelineError` naming the image or the mask.
    public static func process(_ job: BatchJob, model: LoadedModel, options: ImageRunOptions) throws {
        guard let maskURL = job.companion else {
            throw PipelineError.usage("\(job.input.path): no mask with the stem '\(job.input.deletingPathExtension().lastPathComponent)'")
        }
        model.model.eval()
        let image = try ImageLoader.load(job.input)
        let source = try SourceDescription(image)
        let hole = try loadHoles(maskURL, width: source.width, height: source.height, imagePath: job.input.path)
        let regions = holeRegions(hole, width: source.width, height: source.height)
        guard !regions.isEmpty else {
            throw PipelineError.usage("\(maskURL.path): mask has no hole (no pixel brighter than 127)")
        }
        let byteCount = source.width * source.height * source.bands * source.bitDepth / 8
        let samples = UnsafeMutableRawPointer.allocate(byteCount: byteCount, alignment: 16)
        defer { samples.deallocate() }
        try image.withSamples { raw in
            guard raw.count == byteCount, let base = raw.baseAddress else {
                throw ImageError.invalidArgument("\(job.input.path): decoded \(raw.count) bytes, expected \(byteCount)")
            }
            samples.copyMemory(from: base, byteCount: byteCount)
        }
        let layout = SampleLayout(width: source.width, bands: source.bands, bitDepth: source.bitDepth)
        let engine = InferenceEngine(model, options: options.inference)
        for region in regions {
            let input = layout.crop(samples, hole, region)
            let out = try engine.run(try GatedInpaintGenerator.makeInput(image: input.image, mask: input.mask))
            layout.paste(out, into: samples, hole, region)
        }
        var result = try VipsImage.fromSamples(UnsafeRawBufferPointer(start: samples, count: byteCount),
                                               width: source.width, height: source.height, bands: source.bands,
                                               bitDepth: source.bitDepth, file: job.input.path)
        result = try result.withMetadata(iccProfile: source.iccProfile, exif: source.exif)
        try FileManager.default.createDirectory(at: job.output.deletingLastPathComponent(), withIntermediateDirectories: true)
        try ImageWriter.save(result, to: job.output, options: SaveOptions(format: options.format, quality: options.quality),
                             input: job.input)
    }

    /// The hole map of a mask (1 where the mean of its colour bands is above 127 of 255).
    /// - Throws: `PipelineError.usage` naming the mask when its size differs from the image's.
    static func loadHoles(_ url: URL, width: Int, height: Int, imagePath: String) throws -> [UInt8] {
        let mask = try ImageLoader.load(url)
        let source = try SourceDescription(mask)
        guard source.width == width, source.height == height else {
            throw PipelineError.usage("\(url.path): mask is \(source.width)×\(source.height) but \(imagePath) is \(width)×\(height)")
        }
        let colour = source.hasAlpha ? source.bands - 1 : source.bands
        let threshold = 127 * (source.bitDepth == 16 ? 257 : 1) * colour
        var hole = [UInt8](repeating: 0, count: width * height)
        try mask.withSamples { raw in
            guard raw.count == width * height * source.bands * source.bitDepth / 8 else {
                throw ImageError.invalidArgument("\(url.path): decoded \(raw.count) bytes for a \(width)×\(height) mask")
            }
            for i in 0..<(width * height) {
                var sum = 0
                for c in 0..<colour {
                    let k = i * source.bands + c
                    sum += source.bitDepth == 16 ? Int(raw.load(fromByteOffset: 2 * k, as: UInt16.self))
                        : Int(raw.load(fromByteOffset: k, as: UInt8.self))
                }
                hole[i] = sum > threshold ? 1 : 0
            }
        }
        return hole
    }

    /// Crops to run: 32-pixel blocks holding hole pixels, grouped into connected clusters, each cluster's bounding box
    /// grown by a context margin (half its longer side, at least 32 pixels), overlapping boxes merged.
    public static func holeRegions(_ hole: [UInt8], width: Int, height: Int) -> [PixelRect] {
        let bw = (width + block - 1) / block, bh = (height + block - 1) / block
        var marked = [Bool](repeating: false, count: bw * bh)
        for y in 0..<height {
            for x in 0..<width where hole[y * width + x] != 0 { marked[(y / block) * bw + x / block] = true }
        }
        var seen = [Bool](repeating: false, count: bw * bh)
        var boxes: [PixelRect] = []
        for start in 0..<(bw * bh) where marked[start] && !seen[start] {
            var stack = [start]
            seen[start] = true
            var x0 = bw, y0 = bh, x1 = 0, y1 = 0
            while let b = stack.popLast() {
                let bx = b % bw, by = b / bw
                x0 = min(x0, bx); y0 = min(y0, by); x1 = max(x1, bx); y1 = max(y1, by)
                for (nx, ny) in [(bx - 1, by), (bx + 1, by), (bx, by - 1), (bx, by + 1)]
                where nx >= 0 && ny >= 0 && nx < bw && ny < bh && marked[ny * bw + nx] && !seen[ny * bw + nx] {
                    seen[ny * bw + nx] = true
                    stack.append(ny * bw + nx)
                }
            }
            let px0 = x0 * block, py0 = y0 * block
            let px1 = min(width, (x1 + 1) * block), py1 = min(height, (y1 + 1) * block)
            let margin = max(block, max(px1 - px0, py1 - py0) / 2)
            let gx0 = max(0, px0 - margin), gy0 = max(0, py0 - margin)
            boxes.append(PixelRect(x: gx0, y: gy0, width: min(width, px1 + margin) - gx0, height: min(height, py1 + margin) - gy0))
        }
        var merged = true
        while merged {
            merged = false
            outer: for i in 0..<boxes.count {
                for j in (i + 1)..<boxes.count where boxes[i].intersects(boxes[j]) {
                    boxes[i] = boxes[i].union(boxes[j])
                    boxes.remove(at: j)
                    merged = true
                    break outer
                }
            }
        }
        return boxes.sorted { ($0.y, $0.x) < ($1.y, $1.x) }
    }
}

/// Interleaved 8/16-bit samples of one image (gray or RGB, optional alpha) and the crops the model sees.
struct SampleLayout {
    let width: Int, bands: Int, bitDepth: Int
    var colour: Int { bands == 2 || bands == 4 ? bands - 1 : bands }
    var maxValue: Float { bitDepth == 16 ? 65535 : 255 }

    func sample(_ p: UnsafeMutableRawPointer, _ k: Int) -> Float {
        bitDepth == 16 ? Float(p.load(fromByteOffset: 2 * k, as: UInt16.self)) : Float(p.load(fromByteOffset: k, as: UInt8.self))
    }

    /// The region as RGB in [-1, 1] (gray replicated) with its hole mask (1 = hole, 0 elsewhere).
    func crop(_ p: UnsafeMutableRawPointer, _ hole: [UInt8], _ r: PixelRect) -> (image: Tensor, mask: Tensor) {
        let image = Tensor(zeros: [1, 3, r.height, r.width], zeroed: false)
        let mask = Tensor(zeros: [1, 1, r.height, r.width], zeroed: false)
        let n = r.width * r.height
        for y in 0..<r.height {
            for x in 0..<r.width {
                let i = (r.y + y) * width + r.x + x, o = y * r.width + x
                for c in 0..<3 {
                    image.data[c * n + o] = sample(p, i * bands + min(c, colour - 1)) / maxValue * 2 - 1
                }
                mask.data[o] = Float(hole[i])
            }
        }
        return (image, mask)
    }

    /// Writes the model output `[1, 3, h, w]` (tanh range) into the hole pixels of the region only.
    func paste(_ out: Tensor, into p: UnsafeMutableRawPointer, _ hole: [UInt8], _ r: PixelRect) {
        let n = r.width * r.height
        for y in 0..<r.height {
            for x in 0..<r.width {
                let i = (r.y + y) * width + r.x + x
                guard hole[i] != 0 else { continue }
                let o = y * r.width + x
                var rgb = (0..<3).map { min(max((out.data[$0 * n + o] + 1) / 2, 0), 1) }
                if colour == 1 { rgb = [Luma.rec601(rgb[0], rgb[1], rgb[2])] }
                for c in 0..<colour {
                    let v = (rgb[c] * maxValue).rounded()
                    let k = i * bands + c
                    if bitDepth == 16 { p.storeBytes(of: UInt16(v), toByteOffset: 2 * k, as: UInt16.self) } else {
                        p.storeBytes(of: UInt8(v), toByteOffset: k, as: UInt8.self)
                    }
                }
            }
        }
    }
}
