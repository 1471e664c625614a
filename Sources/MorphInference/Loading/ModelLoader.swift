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
    /// The registry configuration the network was built from.
    public let configuration: RegistryConfiguration
    /// The normalized state dict that was loaded (kept so copies of the model can be made for parallel jobs).
    let stateDict: [String: Tensor]

    init(model: MorphModel, file: URL, configuration: RegistryConfiguration, stateDict: [String: Tensor]) {
        self.model = model
        self.file = file
        self.configuration = configuration
        self.stateDict = stateDict
    }

    /// Channels, scale, size multiple, receptive field and normalization of the network.
    public var traits: ModelTraits { model.traits }

    /// A second, independent network with the same weights (for running files in parallel).
    public func copy() throws -> LoadedModel {
        let fresh = try ArchitectureRegistry.build(configuration.name, options: configuration.options)
        try fresh.load(stateDict: stateDict)
        return LoadedModel(model: fresh, file: file, configuration: configuration, stateDict: stateDict)
    }
}

/// An architecture registry name with string options, as `ArchitectureRegistry.build` takes them.
public struct RegistryConfiguration: Equatable, CustomStringConvertible {
    /// The registry name (`resnet_9blocks`, `rrdbnet`, …).
    public var name: String
    /// Option values by key.
    public var options: [String: String]

    /// Creates a configuration.
    public init(name: String, options: [String: String] = [:]) {
        self.name = name
        self.options = options
    }

    public var description: String {
        ([name] + options.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }).joined(separator: " ")
    }

    /// Maps a detected (or stored) architecture to the registry: detection's `resnet`, `unet` and `nlayer`
    /// become `resnet_9blocks`, `unet_256` and `n_layers` with their block counts as options, `dropout`
    /// becomes `use_dropout`, and the scale of the super-resolution nets becomes their `scale`/`upscale`.
    /// - Throws: `PipelineError.model` for configurations the registry cannot build (affine instance norm).
    public init(spec: ArchitectureSpec, file: String) throws {
        var options: [String: String] = [:]
        for (key, value) in spec.options { options[key] = value.description }
        var name = spec.name
        switch spec.name {
        case "resnet":
            name = "resnet_9blocks"
            if let d = options.removeValue(forKey: "dropout") { options["use_dropout"] = d }
        case "unet": name = "unet_256"
        case "nlayer": name = "n_layers"
        case "rrdbnet":
            if options["scale"] == nil && options["upscale"] == nil { options["scale"] = String(spec.scale) }
        case "srresnet", "srvgg":
            if options["scale"] == nil && options["upscale"] == nil { options["upscale"] = String(spec.scale) }
        default: break
        }
        if let norm = options["norm"], !NormKind.allCases.map(\.rawValue).contains(norm) {
            throw PipelineError.model(file: file, "norm '\(norm)' (found in the checkpoint) is not supported; "
                + "supported: \(NormKind.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        self.init(name: name, options: options)
    }

    /// The configuration as typed `ArchitectureSpec` options with the model's scale, for `morph.*` metadata.
    public func spec(scale: Int) -> ArchitectureSpec {
        let values = options.mapValues(ArchitectureSpec.Value.init(parsing:))
        return ArchitectureSpec(name: name, options: values, scale: scale)
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
        var configuration: RegistryConfiguration
        let spec: ArchitectureSpec
        do {
            if let arch {
                configuration = RegistryConfiguration(name: arch, options: [:])
                spec = (try? checkpoint.architecture()) ?? ArchitectureSpec(name: arch)
                if let detected = try? RegistryConfiguration(spec: spec, file: file), detected.name == arch {
                    configuration = detected
                }
            } else {
                spec = try checkpoint.architecture()
                configuration = try RegistryConfiguration(spec: spec, file: file)
            }
        } catch let error as PipelineError {
            throw error
        } catch {
            throw PipelineError.model(file: file, PipelineError.cause(error, dropping: file))
        }
        for (key, value) in options { configuration.options[key] = value }
        let model: MorphModel
        do { model = try ArchitectureRegistry.build(configuration.name, options: configuration.options) } catch {
            throw PipelineError.model(file: file, "cannot build \(configuration): \(error)")
        }
        let (dict, _) = model.droppingStaleInstanceNormStatistics(checkpoint.stateDict)
        do { try model.load(stateDict: dict) } catch {
            throw PipelineError.model(file: file, "\(error) (architecture \(configuration))")
        }
        return LoadedModel(model: model, file: url, configuration: configuration, stateDict: dict)
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
