import Foundation
import MorphCheckpoint
import MorphModels
import MorphTensor

/// What `morph info` reports about a checkpoint.
public struct CheckpointInfo: Encodable, Equatable {
    /// The file.
    public var file: String
    /// `safetensors`, `pth-zip` or `pth-legacy`.
    public var format: String
    /// The wrapper the state dict was found under (`params_ema`, `state_dict`…), if any.
    public var wrapper: String?
    /// The form a user would name, when not a plain `torch.save`: `lightning` or `torchscript`.
    public var form: String?
    /// A readable configuration, where the architecture has one (LaMa: `Big-LaMa: ngf 64, …`).
    public var configuration: String?
    /// The detected (or stored) architecture's registry name.
    public var architecture: String
    /// Its options, as text.
    public var options: [String: String]
    /// The configuration Morph builds for it (`name key=value …`), or why it cannot.
    public var registry: String
    /// Output/input size ratio.
    public var scale: Int
    /// Number of scalar values in the one set of weights Morph loads (parameters and buffers): a file holding both
    /// `params` and `params_ema` counts once.
    public var parameters: Int
    /// Where the file's EMA (exponential moving average) copy of the weights is, which Morph loads, if it has one.
    public var ema: String?
    /// Stored element type(s): `F32`, `F16`, `F32+I64`…
    public var dtype: String
    /// Number of tensors.
    public var tensorCount: Int
    /// The first ten keys as stored, with shapes.
    public var firstKeys: [String]

    /// Reads `url` and detects its architecture.
    /// - Throws: `PipelineError.model` with detection's one-line explanation for unknown or damaged files.
    public init(contentsOf url: URL) throws {
        let path = url.path
        let checkpoint: Checkpoint
        let found: ArchitectureConfiguration
        do {
            checkpoint = try Checkpoint.load(contentsOf: url)
            found = try checkpoint.architecture()
        } catch {
            throw PipelineError.model(file: path, PipelineError.cause(error, dropping: path))
        }
        file = path
        format = checkpoint.format.rawValue
        wrapper = checkpoint.metadata["morph.wrapper"]
        form = checkpoint.metadata["morph.form"]
        configuration = found.name == "lama" ? LamaConfiguration(registryOptions: found.textOptions)?.description : nil
        architecture = found.name
        options = found.textOptions
        registry = (try? ModelLoader.requireSupportedNorm(found, file: path)) != nil ? found.description
            : "(not buildable: \(found.description))"
        scale = found.scale
        let loaded = checkpoint.normalized()
        parameters = loaded.valueCount
        let keys = checkpoint.tensors.map(\.0)
        if keys.contains(where: { $0.hasPrefix("params_ema.") }) && keys.contains(where: { $0.hasPrefix("params.") }) {
            ema = "params_ema (the file also holds the plain params; Morph runs the EMA copy)"
        } else if wrapper == "params_ema" {
            ema = "params_ema (Morph runs the EMA copy)"
        }
        dtype = checkpoint.dtype
        tensorCount = loaded.tensors.count
        firstKeys = checkpoint.tensors.prefix(10).map { "\($0.0) \($0.1.shape)" }
    }

    /// Human-readable lines.
    public var text: String {
        var lines = [
            "file:         \(file)",
            "format:       \(format)" + (form.map { ", \($0)" } ?? "") + (wrapper.map { " (state dict under '\($0)')" } ?? ""),
            "architecture: \(architecture)" + (configuration.map { " (\($0))" } ?? ""),
            "options:      " + options.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " "),
            "registry:     \(registry)",
            "scale:        \(scale)",
            "parameters:   \(parameters) in \(tensorCount) tensors (one set of weights)",
            "ema:          " + (ema ?? "none"),
            "dtype:        \(dtype)",
            "first keys:",
        ]
        lines += firstKeys.map { "  " + $0 }
        return lines.joined(separator: "\n")
    }

    /// One JSON object (sorted keys).
    public var json: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data = (try? encoder.encode(self)) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
    }
}

/// `morph convert`: any checkpoint to safetensors with `morph.*` metadata, checked to load strictly.
public enum CheckpointConverter {
    /// Converts `input` to `output` (safetensors, F32). `arch`/`options` override detection as in `ModelLoader`.
    /// Returns the loaded model so the caller can report what was written.
    /// - Throws: `PipelineError.usage` when `output` is the input or not `.safetensors`; `PipelineError.model`
    ///   when the checkpoint does not load strictly into the registry model; write errors name the output.
    @discardableResult
    public static func convert(_ input: URL, to output: URL, arch: String? = nil,
                               options: [String: String] = [:]) throws -> LoadedModel {
        guard output.pathExtension.lowercased() == "safetensors" else {
            throw PipelineError.usage("\(output.path): the output must be a .safetensors file")
        }
        if FileManager.default.fileExists(atPath: output.path),
           let a = try? FileManager.default.attributesOfItem(atPath: input.path)[.systemFileNumber] as? Int,
           let b = try? FileManager.default.attributesOfItem(atPath: output.path)[.systemFileNumber] as? Int, a == b {
            throw PipelineError.usage("\(output.path): output is the input file; refusing to overwrite it")
        }
        let loaded = try ModelLoader.load(input, arch: arch, options: options)
        // Write the model's own state dict: exactly the keys and order it loads, with stale stats dropped.
        let tensors = loaded.model.stateDict()
        var metadata = loaded.configuration.metadata
        // The built network's own factor: a configuration named by `--arch` alone leaves it to the default.
        metadata[ArchitectureConfiguration.MetadataKey.scale] = String(loaded.traits.scale)
        metadata["morph.source"] = input.lastPathComponent
        do {
            try SafeTensors.write(tensors, metadata: metadata, to: output)
        } catch {
            throw PipelineError.model(file: output.path, PipelineError.cause(error, dropping: output.path))
        }
        return loaded
    }
}
