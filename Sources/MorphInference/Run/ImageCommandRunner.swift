import Foundation
import MorphImage
import MorphModels

/// What `morph translate` and `morph upscale` share: plan jobs, load the model, run, summarise.
public struct ImageCommandRunner {
    /// Input files and folders.
    public var inputs: [String]
    /// `-o`: a folder, or an image file for a single input file.
    public var output: String
    /// `--model` (a checkpoint or a run folder).
    public var model: String
    /// `--arch` override.
    public var arch: String?
    /// `--option key=value` overrides.
    public var architectureOptions: [String: String]
    /// Picks G_A or G_B from a CycleGAN run folder.
    public var direction: TranslationDirection
    /// The work on each image.
    public var task: ImageTask
    /// Output, parallelism and tiling settings.
    public var options: ImageRunOptions
    /// realesr-general-x4v3's `--denoise-strength` (`DenoiseStrength`); nil runs the model as it is.
    public var denoiseStrength: Double?

    /// Creates a runner.
    public init(inputs: [String], output: String, model: String, arch: String? = nil,
                architectureOptions: [String: String] = [:], direction: TranslationDirection = .aToB, task: ImageTask,
                options: ImageRunOptions) {
        self.inputs = inputs
        self.output = output
        self.model = model
        self.arch = arch
        self.architectureOptions = architectureOptions
        self.direction = direction
        self.task = task
        self.options = options
    }

    /// Plans the jobs and loads the model.
    /// - Throws: `PipelineError.usage` or `.model` (exit code 2).
    public func prepare() throws -> (jobs: [BatchJob], model: LoadedModel) {
        let jobs = try JobPlanner.plan(inputs: inputs, output: output, format: options.format, suffix: options.suffix)
        let url = try ModelLoader.resolve(model, direction: direction)
        let loaded = try ModelLoader.loadGenerator(url, for: task.purpose, arch: arch, options: architectureOptions,
                                                   denoiseStrength: denoiseStrength)
        return (jobs, loaded)
    }

    /// Runs everything: the summary's `exitCode` is 0 when every file was done or skipped, 1 otherwise.
    /// Tile settings that would be approximate are raised first (`TileExactness`), and `log` says so once.
    public func run(label: String, log: (String) -> Void = { _ in }) throws -> BatchSummary {
        let (jobs, loaded) = try prepare()
        var options = self.options
        let tiles = try TileExactness(options.inference, traits: loaded.traits, exact: options.tileExact)
        options.inference = tiles.options
        if let note = tiles.note { log(note) }
        return ImagePipeline.run(jobs, model: loaded, task: task, options: options, label: label)
    }
}
