import Foundation
import MorphCheckpoint
import MorphModels
import MorphNN
import MorphTensor

/// A model built from a checkpoint, with the weights loaded and what is known about it.
public final class LoadedModel {
    /// The network, weights loaded strictly.
    public let model: MorphModel
    /// The checkpoint it came from.
    public let file: URL
    /// The architecture the network was built from.
    public let configuration: ArchitectureConfiguration
    /// The normalized state dict that was loaded (kept so copies of the model can be made for parallel jobs).
    let stateDict: [String: Tensor]

    init(model: MorphModel, file: URL, configuration: ArchitectureConfiguration, stateDict: [String: Tensor]) {
        self.model = model
        self.file = file
        self.configuration = configuration
        self.stateDict = stateDict
    }

    /// Channels, scale, size multiple, receptive field and normalization of the network.
    public var traits: ModelTraits { model.traits }

    /// A second, independent network with the same weights (for running files in parallel).
    public func copy() throws -> LoadedModel {
        let fresh = try ArchitectureRegistry.build(configuration)
        try fresh.load(stateDict: stateDict)
        return LoadedModel(model: fresh, file: file, configuration: configuration, stateDict: stateDict)
    }
}

/// Loads a checkpoint into a registry model: normalize keys, detect the architecture (or read `morph.*`
/// metadata, or take the caller's), build, and load strictly.
public enum ModelLoader {
    /// Checkpoint extensions `--model` accepts.
    public static let extensions: Set<String> = ["pth", "pt", "ckpt", "safetensors", "bin"]

    /// Loads `url`. `arch` (a registry name) overrides detection; `options` override detected options.
    /// - Throws: `PipelineError.model` naming the file: unreadable, unknown architecture, or a state dict
    ///   that does not fit (listing missing, unexpected and mismatched keys).
    public static func load(_ url: URL, arch: String? = nil, options: [String: String] = [:]) throws -> LoadedModel {
        let file = url.path
        let checkpoint: Checkpoint
        do { checkpoint = try Checkpoint.load(contentsOf: url).normalized() } catch {
            throw PipelineError.model(file: file, PipelineError.cause(error, dropping: file))
        }
        return try load(checkpoint, file: url, arch: arch, options: options)
    }

    /// Builds the model for an already loaded (normalized) checkpoint.
    public static func load(_ checkpoint: Checkpoint, file url: URL, arch: String? = nil,
                            options: [String: String] = [:]) throws -> LoadedModel {
        let file = url.path
        var configuration: ArchitectureConfiguration
        do {
            if let arch {
                // The caller's architecture, with the file's own options when the file is that architecture.
                let found = try? checkpoint.architecture()
                if let found, found.name == arch, (try? requireSupportedNorm(found, file: file)) != nil {
                    configuration = found
                } else {
                    configuration = ArchitectureConfiguration(name: arch)
                }
            } else {
                configuration = try checkpoint.architecture()
                try requireSupportedNorm(configuration, file: file)
            }
        } catch let error as PipelineError {
            throw error
        } catch {
            throw PipelineError.model(file: file, PipelineError.cause(error, dropping: file))
        }
        for (key, value) in options { configuration.options[key] = .init(parsing: value) }
        try checkWeightsFitBudget(configuration, file: url)
        let model: MorphModel
        do { model = try ArchitectureRegistry.build(configuration) } catch {
            throw PipelineError.model(file: file, "cannot build \(configuration): \(error)")
        }
        let (dict, _) = model.droppingStaleInstanceNormStatistics(checkpoint.stateDict)
        do { try model.load(stateDict: dict) } catch {
            throw PipelineError.model(file: file, "\(error) (architecture \(configuration))")
        }
        return LoadedModel(model: model, file: url, configuration: configuration, stateDict: dict)
    }

    /// Refuses, before anything is allocated, a configuration (from the file's `morph.*` metadata or from the
    /// caller's overrides) whose weights would exceed the file's load budget (`LoadBudget`): a tiny file must
    /// not make Morph build a multi-gigabyte network. Skipped when the file's size cannot be read.
    /// - Throws: `PipelineError.model` naming the file.
    static func checkWeightsFitBudget(_ configuration: ArchitectureConfiguration, file url: URL) throws {
        let file = url.path
        guard let size = (try? FileManager.default.attributesOfItem(atPath: file))?[.size] as? Int else { return }
        let count: Int, budget: LoadBudget
        do {
            count = try ArchitectureRegistry.parameterCount(configuration)
            budget = try LoadBudget.forFile(file, size: size)
        } catch {
            throw PipelineError.model(file: file, "cannot build \(configuration): \(PipelineError.cause(error, dropping: file))")
        }
        let (bytes, overflow) = count.multipliedReportingOverflow(by: MemoryLayout<Float>.size)
        guard overflow || bytes > budget.limit else { return }
        let mib = { (n: Int) in n == Int.max ? "unlimited" : "\(n >> 20) MiB" }
        throw PipelineError.model(file: file, "architecture \(configuration) needs \(count) parameters "
            + "(\(overflow ? "over 8 EiB" : mib(bytes))), over the load budget of \(mib(budget.limit)) for this \(size)-byte file; "
            + "set \(LoadBudget.environmentVariable) to allow it")
    }

    /// Refuses a detected norm the registry cannot build (the affine instance norm some checkpoints use), naming it.
    /// - Throws: `PipelineError.model`.
    static func requireSupportedNorm(_ configuration: ArchitectureConfiguration, file: String) throws {
        let supported = NormKind.allCases.map(\.rawValue)
        guard let norm = configuration.string("norm"), !supported.contains(norm) else { return }
        throw PipelineError.model(file: file, "norm '\(norm)' (found in the checkpoint) is not supported; "
            + "supported: \(supported.joined(separator: ", "))")
    }

    /// Resolves `--model`: a checkpoint file, a training run folder holding `*net_G_A` / `*net_G_B`
    /// (CycleGAN, picked by `direction`) or `*net_G` (pix2pix, sr, inpaint) checkpoints (directly or in its
    /// `checkpoints/`), the `latest_` ones first, a LaMa folder (`models/best.ckpt`), the name of a built-in model (`BuiltinModels`), or the name of a
    /// downloaded catalogue model (`ModelCatalogue`, found in `ModelStore.standard()`).
    /// - Throws: `PipelineError.model` when nothing suitable exists; a name that is neither a file nor a
    ///   built-in gets the list of built-ins.
    public static func resolve(_ path: String, direction: TranslationDirection = .aToB) throws -> URL {
        var url = URL(fileURLWithPath: path)
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else {
            if BuiltinModels.isBuiltin(path) { return try BuiltinModels.locate(path) }
            if !path.contains("/"), ModelCatalogue.entry(named: path) != nil { return try ModelStore.standard().locate(path) }
            if BuiltinModels.looksLikeName(path) { return try BuiltinModels.locate(path) }
            throw PipelineError.model(file: path, "no such checkpoint file or folder")
        }
        guard isDir.boolValue else { return url }
        // A LaMa model folder as its README unpacks it (`big-lama/`: config.yaml and models/best.ckpt).
        let lama = url.appendingPathComponent("models/best.ckpt")
        if FileManager.default.fileExists(atPath: lama.path) { return lama }
        let nested = url.appendingPathComponent("checkpoints")
        if FileManager.default.fileExists(atPath: nested.appendingPathComponent("latest").path) { url = nested }
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? []).sorted()
        let checkpoints = names.filter { extensions.contains(URL(fileURLWithPath: $0).pathExtension.lowercased()) }
        let wanted = direction == .aToB ? "net_G_A" : "net_G_B"
        func stem(_ n: String) -> String { URL(fileURLWithPath: n).deletingPathExtension().lastPathComponent }
        for suffix in [wanted, "net_G"] {
            let matches = checkpoints.filter { stem($0).hasSuffix(suffix) }
            if let pick = matches.first(where: { $0.hasPrefix("latest_") }) ?? matches.last {
                return url.appendingPathComponent(pick)
            }
        }
        throw PipelineError.model(file: path, "folder holds no *\(wanted) or *net_G checkpoint (.pth, .safetensors)")
    }
}
