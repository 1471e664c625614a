import Foundation
import MorphSupport
import MorphImage
import MorphOptions
import MorphInference
import MorphTrain

/// How `morph run` runs a recipe.
public struct RecipeRunOptions {
    /// The slice of the files this process takes (`--shard i/n`).
    public var shard: Shard
    /// List what would be done per file, and do nothing.
    public var dryRun: Bool
    /// Progress drawing (nil: when stderr is a terminal).
    public var interactive: Bool?

    /// Options with Morph's defaults: the whole list, for real.
    public init(shard: Shard = .all, dryRun: Bool = false, interactive: Bool? = nil) {
        self.shard = shard
        self.dryRun = dryRun
        self.interactive = interactive
    }
}

/// One step's outcome in a recipe run.
public struct RecipeStepResult {
    /// The step.
    public let step: RecipeStep
    /// What happened to its files (empty for a train step).
    public let summary: BatchSummary
}

/// The outcome of a recipe run.
public struct RecipeSummary {
    /// The steps run, in order.
    public var steps: [RecipeStepResult] = []

    /// 0 when every file of every step was done or skipped, 1 otherwise (the CLI contract).
    public var exitCode: Int32 { steps.contains { $0.summary.exitCode != 0 } ? 1 : 0 }

    /// One summary line per step, then the failed files.
    public var report: String {
        var lines: [String] = []
        for (i, r) in steps.enumerated() {
            let s = r.summary
            lines.append("step \(i + 1) (\(r.step.task.rawValue)): done \(s.done), skipped \(s.skipped), failed \(s.failures.count)")
        }
        let failures = steps.flatMap(\.summary.failures)
        if !failures.isEmpty {
            lines.append("failed files:")
            lines += failures.map { "  \($0.path): \($0.cause)" }
        }
        return lines.joined(separator: "\n")
    }
}

/// Runs a validated recipe: each step over its files (this shard's slice of them), a chained step over exactly
/// the files the step before wrote, resuming from each output folder's manifest.
///
/// Sits on top of MorphInference (the pipelines, the batch engine, sharding and the manifest) and MorphTrain.
public struct RecipeRunner {
    /// The recipe.
    public let recipe: Recipe
    /// Shard, dry run and progress settings.
    public let options: RecipeRunOptions
    /// Where the plan and step headers go (stdout in the CLI).
    public var print: (String) -> Void

    /// A runner for `recipe`.
    public init(recipe: Recipe, options: RecipeRunOptions = RecipeRunOptions(),
                print: @escaping (String) -> Void = { Swift.print($0) }) {
        self.recipe = recipe
        self.options = options
        self.print = print
    }

    /// Parses and validates `url` with built-in model names known, `--input` replacing the first step's input and
    /// `--output` the last step's output.
    /// - Throws: `RecipeError` with every problem found (file, line, column).
    /// Catalogue names (`ModelCatalogue`) count as known models too; with `dryRun`, model files may be missing.
    public static func load(_ url: URL, input: URL? = nil, output: URL? = nil, checkFiles: Bool = true,
                            dryRun: Bool = false) throws -> Recipe {
        var environment = RecipeEnvironment(isBuiltinModel: { BuiltinModels.isBuiltin($0) || ModelCatalogue.entry(named: $0) != nil },
                                            checkFiles: checkFiles, builtinNames: BuiltinModels.names)
        environment.allowMissingModels = dryRun
        return try RecipeParser.load(url, environment: environment, inputOverride: input, outputOverride: output)
    }

    /// Runs (or, with `dryRun`, lists) every step.
    /// - Throws: `PipelineError` (usage, model) or `TrainError` for problems that stop the run (exit code 2),
    ///   `TrainInterrupted` when Ctrl-C stopped a train step (exit code 130); failing files are in the summary instead.
    public func run() throws -> RecipeSummary {
        if options.shard.count > 1, let train = recipe.steps.firstIndex(where: { $0.task == .train }) {
            throw PipelineError.usage("\(recipe.file.path): step \(train + 1) trains a model, which one process must do; "
                + "run this recipe without --shard")
        }
        var summary = RecipeSummary()
        var previous: [BatchJob] = []
        var previousFailed: Set<String> = []
        for (index, step) in recipe.steps.enumerated() {
            let header = "step \(index + 1)/\(recipe.steps.count): \(step.task.rawValue)"
            if step.task == .train {
                try train(step, header: header)
                summary.steps.append(RecipeStepResult(step: step, summary: BatchSummary()))
                previous = []
                continue
            }
            var jobs = try plan(step, after: previous.filter { !previousFailed.contains($0.input.path) })
            if step.task == .inpaint, let mask = step.mask { jobs = try InpaintPipeline.attachMasks(mask.path, to: jobs) }
            let result = try runImages(step, jobs: jobs, header: header)
            summary.steps.append(RecipeStepResult(step: step, summary: result))
            previous = jobs
            previousFailed = Set(result.failures.map(\.path))
        }
        return summary
    }

    // MARK: Planning

    /// This shard's jobs of `step`: for a chained step, one per file the step before wrote (mirrored into this
    /// step's output); otherwise the step's input tree, sliced by the shard on paths relative to the input.
    func plan(_ step: RecipeStep, after previous: [BatchJob]) throws -> [BatchJob] {
        let format = step.image?.output.format?.imageFormat
        guard step.chained else {
            let jobs = try JobPlanner.plan(inputs: [step.input.path], output: step.output.path, format: format,
                                           suffix: step.image?.output.suffix)
            let root = step.input.standardizedFileURL.path
            return options.shard.select(jobs) { job in
                let path = job.input.standardizedFileURL.path
                return path.hasPrefix(root + "/") ? String(path.dropFirst(root.count + 1)) : job.input.lastPathComponent
            }
        }
        if previous.count == 1, ImageFormat(url: step.output) != nil {
            return [BatchJob(input: previous[0].output, output: step.output)]
        }
        let jobs = JobPlanner.adding(suffix: step.image?.output.suffix, to: previous.map { job in
            BatchJob(input: job.output, output: ImageFiles.mirroredPath(for: job.output, inputRoot: step.input,
                                                                        outputRoot: step.output, format: format))
        })
        if let clash = jobs.first(where: { $0.input.standardizedFileURL == $0.output.standardizedFileURL }) {
            throw PipelineError.usage("\(clash.output.path): step line \(step.line) would overwrite its input; "
                + "give it another 'output'")
        }
        return jobs
    }

    /// The folder holding a step's manifest: its output folder (or, for a single output file, its folder).
    static func manifestFolder(_ step: RecipeStep, jobs: [BatchJob]) -> URL {
        if jobs.count == 1, jobs[0].output.standardizedFileURL == step.output.standardizedFileURL {
            return step.output.deletingLastPathComponent()
        }
        return step.output
    }

    // MARK: Image steps

    func runImages(_ step: RecipeStep, jobs: [BatchJob], header: String) throws -> BatchSummary {
        let modelName = step.model ?? ""
        guard let image = step.image else { return BatchSummary() }
        let direction = image.direction
        let manifest = Manifest(folder: Self.manifestFolder(step, jobs: jobs), shard: options.shard)
        let files = "\(jobs.count) file\(jobs.count == 1 ? "" : "s")" + (options.shard.count > 1 ? " in shard \(options.shard)" : "")
        let trainedHere = recipe.steps.contains { $0.task == .train && $0.output.path == modelName }
        if options.dryRun && trainedHere && (try? ModelLoader.resolve(modelName, direction: direction)) == nil {
            // The run folder a dry run never trains: list the files without manifest checks.
            print("\(header) with the model trained into \(modelName), \(files)")
            for job in jobs { print("  \(step.task.rawValue): \(job.input.path) -> \(job.output.path)") }
            return BatchSummary()
        }
        if options.dryRun, !trainedHere {
            do { _ = try ModelLoader.resolve(modelName, direction: direction) } catch {
                // Checking a recipe before downloading its models is what a dry run is for: report, do not fail.
                print("\(header) with \(modelName), \(files); model not available yet: \(ErrorText.line(error, dropping: modelName))")
                for job in jobs { print("  \(step.task.rawValue): \(job.input.path) -> \(job.output.path)") }
                return BatchSummary()
            }
        }
        let modelURL = try ModelLoader.resolve(modelName, direction: direction)
        let hash = Manifest.modelHash(modelURL.path)
        print("\(header) with \(modelURL.path) (model \(hash)), \(files)")
        if options.dryRun {
            var summary = BatchSummary()
            for job in jobs {
                if manifest.isDone(input: job.input, output: job.output, modelHash: hash) {
                    print("  skip (done): \(job.input.path) -> \(job.output.path)")
                    summary.skipped += 1
                } else {
                    print("  \(step.task.rawValue): \(job.input.path) -> \(job.output.path)"
                        + (job.companion.map { " (mask \($0.path))" } ?? ""))
                }
            }
            return summary
        }
        var denoiseStrength: Double?
        if case let .upscale(o) = image { denoiseStrength = o.denoiseStrength }
        let loaded = try ModelLoader.loadGenerator(modelURL, for: ModelPurpose(rawValue: step.task.rawValue),
                                                   arch: image.model.architecture.arch,
                                                   options: image.model.architecture.dictionary,
                                                   denoiseStrength: denoiseStrength)
        var runOptions = image.runOptions
        runOptions.interactive = options.interactive
        let tiles = try TileExactness(runOptions.inference, traits: loaded.traits, exact: runOptions.tileExact)
        if let note = tiles.note { FileHandle.standardError.write(Data("morph: step line \(step.line): \(note)\n".utf8)) }
        runOptions.inference = tiles.options
        let tracking = ManifestTracking(manifest: manifest, modelHash: hash)
        let label = step.task.rawValue
        switch image {
        case let .translate(o):
            return ImagePipeline.run(jobs, model: loaded, task: o.task, options: runOptions, label: label, manifest: tracking)
        case let .upscale(o):
            return ImagePipeline.run(jobs, model: loaded, task: o.task, options: runOptions, label: label, manifest: tracking)
        case .inpaint:
            return try InpaintPipeline.run(jobs, model: loaded, options: runOptions, label: label, manifest: tracking)
        }
    }

    // MARK: Train steps

    /// The generator a train step builds, in a few words (`resnet_6blocks ngf 16`, `srvgg ×4`, `gated_inpaint cnum 16`).
    static func generatorSummary(_ options: TrainOptions) -> String {
        if let sr = options.sr { return "\(sr.generatorArchitecture.name) ×\(sr.scale)" }
        if let inpaint = options.inpaint {
            return inpaint.generator == .ffc ? inpaint.generatorArchitecture.description : "gated_inpaint cnum \(inpaint.cnum)"
        }
        guard let t = options.translation else { return options.model.rawValue }
        return "\(t.netG.rawValue) ngf \(t.ngf)"
    }

    /// Trains into the step's run folder, resuming the run already there (a finished run stays finished).
    func train(_ step: RecipeStep, header: String) throws {
        guard let kind = step.trainKind else {
            throw PipelineError.usage("\(recipe.file.path):\(step.line): a train step needs a kind")
        }
        let options = step.train ?? TrainOptions(model: kind)
        let run = RunFolder(step.output)
        let resume = FileManager.default.fileExists(atPath: run.latestMarker.path)
        print("\(header) \(kind.rawValue) on \(step.input.path) into \(step.output.path)"
            + (resume ? " (resuming)" : "") + ": \(Self.generatorSummary(options)), "
            + "\(options.totalEpochs) epochs" + (options.maxSteps.map { ", at most \($0) steps" } ?? ""))
        if self.options.dryRun { return }
        let session = try TrainSession(options: options, data: step.input, run: step.output, resume: resume)
        let outcome = try session.train(interactive: self.options.interactive)
        if outcome.interrupted { throw TrainInterrupted(run: step.output.path, position: outcome.position) }
    }
}
