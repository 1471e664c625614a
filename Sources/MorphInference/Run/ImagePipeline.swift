import Foundation
import MorphImage
import MorphModels
import MorphNN
import MorphTensor

/// What is done to each image.
public enum ImageTask: Sendable {
    /// Image-to-image translation: RGB in [-1, 1], tanh output back to pixels, alpha passed through.
    /// `eval` uses running statistics and no dropout; otherwise the reference's test-time train mode, with
    /// dropout seeded by `seed` for every image.
    case translate(eval: Bool, seed: UInt64)
    /// Super-resolution: RGB in [0, 1], output clipped, alpha upscaled bicubic; `outscale` resamples the model
    /// output to `outscale` × the input size with Lanczos.
    case upscale(outscale: Double?)

    /// The command this task belongs to.
    var purpose: ModelPurpose {
        switch self {
        case .translate: return .translate
        case .upscale: return .upscale
        }
    }

    /// The tensor range the model works in.
    var range: TensorRange {
        switch self {
        case .translate: return .minusOneToOne
        case .upscale: return .zeroToOne
        }
    }
}

/// Settings of a batch of images.
public struct ImageRunOptions {
    /// Output format (nil: from the output extension).
    public var format: ImageFormat?
    /// JPEG/WebP quality.
    public var quality: Int
    /// Skip jobs whose output exists.
    public var skipExisting: Bool
    /// Files in parallel (each worker gets its own copy of the model).
    public var jobs: Int
    /// Model-run settings.
    public var inference: InferenceOptions
    /// Images with more input pixels than this are streamed strip by strip (norm-free models, tiled, no
    /// `outscale`); nil: when the whole-image tensors would take more than a quarter of the available memory or
    /// the Float output more than 256 MiB.
    public var streamingPixels: Int?
    /// Progress drawing (nil: when stderr is a terminal).
    public var interactive: Bool?
    /// Translate only: resize each input to this width (the height keeps the aspect ratio) before the model, as the
    /// reference's `scale_width` preprocessing; the output has that size. nil keeps the input's size.
    public var loadSize: Int?
    /// Show tile progress within an image that takes more than a second (one file at a time only).
    public var tileProgress = true
    /// Raise `--tile`/`--overlap` values that would be approximate to the smallest exact ones (`TileExactness`);
    /// false keeps them, with a warning.
    public var tileExact: Bool
    /// Appended to each output's file name before the extension (`photo_out.png` with `out`), as Real-ESRGAN's
    /// `--suffix`; nil or empty adds nothing.
    public var suffix: String?
    /// Inpaint only: the strategy (crop, resize, original), its sizes and mask preparation.
    public var inpaint = InpaintSettings()

    /// Options with Morph's defaults.
    public init(format: ImageFormat? = nil, quality: Int = 92, skipExisting: Bool = false, jobs: Int = 1,
                inference: InferenceOptions = InferenceOptions(), streamingPixels: Int? = nil,
                interactive: Bool? = nil, loadSize: Int? = nil, tileExact: Bool = true, suffix: String? = nil) {
        self.tileExact = tileExact
        self.suffix = suffix
        self.format = format
        self.quality = quality
        self.skipExisting = skipExisting
        self.jobs = jobs
        self.inference = inference
        self.streamingPixels = streamingPixels
        self.interactive = interactive
        self.loadSize = loadSize
    }
}

/// Runs translate and upscale over files: load, model, write, one job at a time or in parallel.
public enum ImagePipeline {
    /// Processes every job; a failing file is reported and the batch goes on. With `manifest`, jobs it marks
    /// done with this model are skipped and every finished job is recorded.
    public static func run(_ jobs: [BatchJob], model: LoadedModel, task: ImageTask, options: ImageRunOptions,
                           label: String, manifest: ManifestTracking? = nil) -> BatchSummary {
        ModelPool(model).runBatch(jobs, options: options, label: label, manifest: manifest) { job, worker in
            try process(job, model: worker, task: task, options: options)
        }
    }

    /// Processes one image.
    /// - Throws: `ImageError` or `PipelineError` naming the file.
    public static func process(_ job: BatchJob, model: LoadedModel, task: ImageTask, options: ImageRunOptions) throws {
        prepare(model, for: task)
        let engine = InferenceEngine(model, options: options.inference, progress: options.jobs == 1 && options.tileProgress
            ? TileProgress(label: job.input.lastPathComponent, interactive: options.interactive) : nil)
        let range = task.range
        let save = SaveOptions(format: options.format, quality: options.quality)
        try FileManager.default.createDirectory(at: job.output.deletingLastPathComponent(),
                                                withIntermediateDirectories: true)
        if try streams(job.input, engine: engine, task: task, options: options) {
            let m = max(model.traits.sizeMultiple, 1)
            let header = try VipsImage.open(job.input)
            let tiler = try engine.streamingTiler(width: header.width)
                ?? Tiler(tileSize: 512 / m * m, overlap: 0, alignment: m)
            let progress = engine.progress
            var whole = engine
            whole.progress = nil
            progress?.begin(tiles: tiler.spans(length: header.height).count * tiler.spans(length: header.width).count)
            defer { progress?.end() }
            try StreamingProcessor.run(input: job.input, output: job.output, options: save, tiler: tiler,
                                       range: range) { tile in
                defer { progress?.tick() }
                return try adaptOutput(whole.run(adaptInput(tile, model)), model)
            }
            return
        }
        let image = try ImageTensorCodec.load(job.input, range: range)
        var rgb = image.rgb
        if case .translate = task, let width = options.loadSize, width != rgb.shape[3] {
            let height = max(1, Int((Double(rgb.shape[2]) * Double(width) / Double(rgb.shape[3])).rounded()))
            rgb = try TensorImageOps.resize(rgb, width: width, height: height, kernel: .cubic)
        }
        let out = try adaptOutput(engine.run(adaptInput(rgb, model)), model)
        var result = try ImageTensorCodec.decode(rgb: out, alpha: image.alpha, source: image.source, range: range)
        if case let .upscale(outscale?) = task {
            let width = max(1, Int((Double(image.source.width) * outscale).rounded()))
            let height = max(1, Int((Double(image.source.height) * outscale).rounded()))
            if width != result.width || height != result.height {
                result = try result.resizedLanczos(width: width, height: height)
            }
        }
        try ImageWriter.save(result, to: job.output, options: save, input: job.input)
    }

    /// Sets train/eval mode and reseeds dropout, so every image sees the same masks whatever the order.
    static func prepare(_ loaded: LoadedModel, for task: ImageTask) {
        switch task {
        case let .translate(eval, seed):
            loaded.model.setTraining(!eval)
            var index: UInt64 = 0
            for (_, module) in loaded.model.namedModules() {
                guard let dropout = module as? Dropout else { continue }
                dropout.rng = SeededRNG(seed: seed &* 1_000_003 &+ index)
                index += 1
            }
        case .upscale:
            loaded.model.eval()
        }
    }

    /// Whether this file goes through `StreamingProcessor` (huge image, norm-free model, tiled, no resampling).
    static func streams(_ input: URL, engine: InferenceEngine, task: ImageTask, options: ImageRunOptions) throws -> Bool {
        if case .upscale(.some) = task { return false }
        if case .translate = task, options.loadSize != nil { return false }
        let model = engine.loaded
        guard !model.traits.hasNormalization || NormHooks.layers(of: model.model).isEmpty,
              model.traits.receptiveFieldRadius != nil, engine.options.tile != .size(0) else { return false }
        let header = try VipsImage.open(input)
        let pixels = header.width * header.height
        let s = max(model.traits.scale, 1)
        // Whole-image Float tensors take 4·3·(2 + 2s²) bytes per input pixel; stream when they would pass a quarter
        // of the available memory, or 256 MiB of output, whichever comes first (peak memory then stays near one strip).
        let memoryLimit = (options.inference.availableMemory ?? SystemMemory.available()) / 4 / (4 * 3 * (2 + 2 * s * s))
        let outputLimit = (256 << 20) / (4 * 3 * s * s)
        let limit = options.streamingPixels ?? min(memoryLimit, outputLimit)
        return pixels > limit
    }

    /// RGB [1, 3, H, W] to the model's input channels (gray models take Rec. 601 luma).
    static func adaptInput(_ rgb: Tensor, _ model: LoadedModel) throws -> Tensor {
        switch model.traits.inputChannels {
        case 3: return rgb
        case 1:
            let h = rgb.shape[2], w = rgb.shape[3], n = h * w
            let out = Tensor(zeros: [1, 1, h, w], zeroed: false)
            let r = rgb.data, g = r + n, b = g + n
            for i in 0..<n { out.data[i] = Luma.rec601(r[i], g[i], b[i]) }
            return out
        default:
            throw PipelineError.model(file: model.file.path,
                                      "takes \(model.traits.inputChannels) input channels; images give 1 or 3")
        }
    }

    /// The model's output channels to RGB [1, 3, H, W] (one channel is replicated).
    static func adaptOutput(_ out: Tensor, _ model: LoadedModel) throws -> Tensor {
        switch out.shape[1] {
        case 3: return out
        case 1: return try Tensor.concat([out, out, out], dim: 1)
        default:
            throw PipelineError.model(file: model.file.path, "gives \(out.shape[1]) output channels; images need 1 or 3")
        }
    }
}

/// Copies of one model handed to parallel workers: a worker takes one, uses it for a file, and returns it.
final class ModelPool {
    private let lock = NSLock()
    private var free: [LoadedModel]
    private let original: LoadedModel

    init(_ model: LoadedModel) {
        original = model
        free = [model]
    }

    func take() throws -> LoadedModel {
        lock.lock()
        if let m = free.popLast() {
            lock.unlock()
            return m
        }
        lock.unlock()
        return try original.copy()
    }

    func put(_ model: LoadedModel) {
        lock.lock()
        free.append(model)
        lock.unlock()
    }

    /// Runs `body` on every job through a `BatchRunner` (progress, failures, `--jobs`), each call with a model
    /// copy of its own.
    func runBatch(_ jobs: [BatchJob], options: ImageRunOptions, label: String, manifest: ManifestTracking? = nil,
                  _ body: @escaping (BatchJob, LoadedModel) throws -> Void) -> BatchSummary {
        let runner = BatchRunner(skipExisting: options.skipExisting, parallelJobs: options.jobs, label: label,
                                 interactive: options.interactive, manifest: manifest)
        return runner.run(jobs) { job in
            let worker = try self.take()
            defer { self.put(worker) }
            try body(job, worker)
        }
    }
}
