import Foundation

/// The small models Morph trained itself, shipped as `models/<name>.safetensors` in the repository:
/// `--model NAME` (and a recipe's `model: NAME`) finds them by name. `datasets.md` gives the command and the
/// data that trained each one.
///
/// The file is looked for in `$MORPH_MODELS` first, then in `models/` (or `share/morph/models/`) of the first of
/// `RepositoryFiles.searchRoots` that has it (the checkout or installation holding the running `morph`, then the
/// current folder).
public enum BuiltinModels {
    /// One built-in model.
    public struct Entry: Sendable {
        /// The name `--model` takes.
        public let name: String
        /// The command it is made for.
        public let task: ModelPurpose
        /// What it does, in a few words.
        public let summary: String
    }

    /// Every built-in model.
    public static let all: [Entry] = [
        Entry(name: "morph-light2dark", task: .translate,
              summary: "light to dark variants of wallpaper artworks (pix2pix, resnet_6blocks generator, ngf 16)"),
        Entry(name: "morph-sr-x4", task: .upscale,
              summary: "×4 photo super-resolution (SRVGGNetCompact, 32 features, 8 convs, L1 on bicubic LR)"),
        Entry(name: "morph-inpaint", task: .inpaint,
              summary: "fills masked regions of photos (pull–push fill refined by a small LaMa of Fourier convolutions, ngf 16, L1)"),
    ]

    /// The built-in names, in `all` order.
    public static var names: [String] { all.map(\.name) }

    /// Whether `name` is a built-in model's name.
    public static func isBuiltin(_ name: String) -> Bool { all.contains { $0.name == name } }

    /// Whether `text` reads as a model name rather than a path: no folder separator and no checkpoint extension.
    public static func looksLikeName(_ text: String) -> Bool {
        !text.contains("/") && !ModelLoader.extensions.contains(URL(fileURLWithPath: text).pathExtension.lowercased())
    }

    /// The file of built-in `name`: `$MORPH_MODELS/<name>.safetensors` when that exists, otherwise
    /// `models/<name>.safetensors` in the checkout or installation (`share/morph/models`) holding `morph`.
    /// - Throws: `PipelineError.model` for an unknown name (listing the built-ins and pointing at the catalogue)
    ///   or a built-in whose file is not installed (naming where it was looked for).
    public static func locate(_ name: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws -> URL {
        guard isBuiltin(name) else {
            throw PipelineError.model(file: name, "no such checkpoint file or folder, and not a built-in model "
                + "(built-ins: \(names.joined(separator: ", ")); morph models lists the downloadable ones)")
        }
        if let folder = environment["MORPH_MODELS"], !folder.isEmpty {
            let url = URL(fileURLWithPath: folder).appendingPathComponent("\(name).safetensors")
            if FileManager.default.fileExists(atPath: url.path) { return url }
        }
        let relative = "models/\(name).safetensors"
        guard let url = RepositoryFiles.locate(relative) else {
            throw PipelineError.model(file: name, "built-in model not installed: no \(relative) above the morph "
                + "executable (or share/morph/\(relative) of its installation) or in the current folder")
        }
        return url
    }
}
