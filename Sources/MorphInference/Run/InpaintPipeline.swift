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

/// `morph inpaint`: fills the white (> 127) parts of each image's mask (or its transparent pixels) with an
/// inpainting generator: Morph's gated generator or LaMa.
///
/// `InpaintJob` does the work by the chosen `InpaintStrategy`: by default only crops around the holes are run
/// (each hole plus a context margin), so the cost follows the hole area, not the image area. Pixels outside the
/// holes, and alpha, are copied from the input sample by sample; bit depth, gray, ICC and EXIF are kept. Masks
/// come from one file for every image, from a folder matched to each image by file stem (`photo.jpg` ↔
/// `photo.png`), or from each image's own alpha channel.
public enum InpaintPipeline {
    /// The jobs for `inputs`, each with its mask as companion (nil when the folder has none: that job fails alone).
    /// - Throws: `PipelineError.usage` for missing inputs or masks, or output paths that would overwrite inputs.
    public static func plan(inputs: [String], masks: String, output: String, format: ImageFormat?,
                            suffix: String? = nil) throws -> [BatchJob] {
        try attachMasks(masks, to: JobPlanner.plan(inputs: inputs, output: output, format: format, suffix: suffix))
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
        guard job.companion != nil || options.inpaint.maskFromAlpha else {
            throw PipelineError.usage("\(job.input.path): no mask with the stem '\(job.input.deletingPathExtension().lastPathComponent)'")
        }
        model.model.eval()
        let image = try ImageLoader.load(job.input)
        let source = try SourceDescription(image)
        let settings = options.inpaint
        let hole: [UInt8]
        if let maskURL = job.companion {
            hole = try loadHoles(maskURL, width: source.width, height: source.height, imagePath: job.input.path)
        } else {
            hole = try alphaHoles(image, source, imagePath: job.input.path)
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
        var work = InpaintJob(samples: samples, width: source.width, height: source.height, bands: source.bands,
                              bitDepth: source.bitDepth, hole: hole)
        work.opaqueFill = job.companion == nil
        do {
            _ = try work.run(network: InpaintNetwork(model), engine: InferenceEngine(model, options: options.inference),
                             settings: settings)
        } catch let PipelineError.usage(message) where message == "mask has no hole" {
            let what = job.companion.map { "\($0.path): mask has no hole (no pixel brighter than 127)" }
                ?? "\(job.input.path): no transparent pixel to fill"
            throw PipelineError.usage(what)
        }
        var result = try VipsImage.fromSamples(UnsafeRawBufferPointer(start: samples, count: byteCount),
                                               width: source.width, height: source.height, bands: source.bands,
                                               bitDepth: source.bitDepth, file: job.input.path)
        result = try result.withMetadata(iccProfile: source.iccProfile, exif: source.exif)
        try FileManager.default.createDirectory(at: job.output.deletingLastPathComponent(), withIntermediateDirectories: true)
        try ImageWriter.save(result, to: job.output, options: SaveOptions(format: options.format, quality: options.quality),
                             input: job.input)
    }

    /// The hole map of an image's own transparency: 1 where alpha is below half (transparent means fill).
    /// - Throws: `PipelineError.usage` naming the image when it has no alpha channel.
    static func alphaHoles(_ image: VipsImage, _ source: SourceDescription, imagePath: String) throws -> [UInt8] {
        guard source.hasAlpha else {
            throw PipelineError.usage("\(imagePath): no --mask given and the image has no alpha channel to take holes from")
        }
        let (n, bands, wide) = (source.width * source.height, source.bands, source.bitDepth == 16)
        var hole = [UInt8](repeating: 0, count: n)
        try image.withSamples { raw in
            guard raw.count == n * bands * (wide ? 2 : 1) else {
                throw ImageError.invalidArgument("\(imagePath): decoded \(raw.count) bytes for \(n) pixels")
            }
            for i in 0..<n {
                let k = i * bands + bands - 1
                let alpha = wide ? Int(raw.load(fromByteOffset: 2 * k, as: UInt16.self)) / 257 : Int(raw.load(fromByteOffset: k, as: UInt8.self))
                hole[i] = alpha < 128 ? 1 : 0
            }
        }
        return hole
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
}
