import Foundation
import MorphModels
import MorphInference

/// What a model does, as the API names it.
public enum ModelKind: String, Sendable, CaseIterable {
    case translate, upscale, inpaint
}

/// One model a request may name.
public struct ModelEntry: Sendable, Equatable {
    /// The name requests use: a built-in's name, a checkpoint's path relative to `--models`, or `runs/<run>`.
    public let name: String
    /// What it does.
    public let kind: ModelKind
    /// `builtin`, `folder` (under `--models`) or `run` (a training run under `--runs`).
    public let source: String
    /// A few words about it.
    public let summary: String
    /// Output size over input size (1 but for upscalers).
    public let scale: Int
}

/// The models the server may run, by name only: the built-ins that are installed, every checkpoint under the
/// `--models` folder, and the latest generators of the training runs under `--runs`. A model's kind comes
/// from loading it (cached by path, size and modification time); one that does not load is left out of the list.
public final class ModelCatalog: @unchecked Sendable {
    private let modelsFolder: ConfinedFolder?
    private let runsFolder: ConfinedFolder?
    private let environment: [String: String]
    private let lock = NSLock()
    private var cache: [String: (stamp: String, entry: Result<(Int, ModelKind), ServeError>)] = [:]

    /// A catalogue over the optional folders; `environment` locates the built-ins (`MORPH_MODELS`).
    public init(modelsFolder: URL?, runsFolder: URL?, environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.modelsFolder = modelsFolder.map(ConfinedFolder.init)
        self.runsFolder = runsFolder.map(ConfinedFolder.init)
        self.environment = environment
    }

    /// Every usable model, built-ins first, then `--models` checkpoints, then runs.
    public func list() -> [ModelEntry] {
        var entries: [ModelEntry] = []
        for builtin in BuiltinModels.all {
            if let entry = try? resolve(builtin.name).entry { entries.append(entry) }
        }
        if let folder = modelsFolder {
            for name in folder.files(extensions: ModelLoader.extensions, limit: 500) {
                if let entry = try? resolve(name).entry { entries.append(entry) }
            }
        }
        if let runs = runsFolder {
            for run in runs.subfolders() {
                if let entry = try? resolve("runs/" + run).entry { entries.append(entry) }
            }
        }
        return entries
    }

    /// The file (or run folder) of model `name` and what it is.
    /// - Throws: `ServeError.badRequest` for a name of the wrong shape or one leading outside its folder,
    ///   `ServeError.notFound` for an unknown name, `ServeError.wrongModel` for a checkpoint that does not load.
    public func resolve(_ name: String) throws -> (url: URL, entry: ModelEntry) {
        if let builtin = BuiltinModels.all.first(where: { $0.name == name }) {
            let url: URL
            do { url = try BuiltinModels.locate(name, environment: environment) } catch {
                throw ServeError.notFound("built-in model '\(name)' is not installed")
            }
            let (scale, kind) = try describe(url)
            return (url, ModelEntry(name: name, kind: kind, source: "builtin", summary: builtin.summary, scale: scale))
        }
        if name.hasPrefix("runs/") {
            guard let runs = runsFolder else { throw ServeError.notFound("no model '\(name)': the server has no --runs folder") }
            let folder = try runs.resolve(String(name.dropFirst(5)), allowNesting: false)
            let checkpoint: URL
            do { checkpoint = try ModelLoader.resolve(folder.path, direction: .aToB) } catch {
                throw ServeError.notFound("run '\(name.dropFirst(5))' has no generator checkpoint yet")
            }
            let (scale, kind) = try describe(checkpoint)
            return (folder, ModelEntry(name: name, kind: kind, source: "run", summary: "latest generator of training run \(name.dropFirst(5))", scale: scale))
        }
        guard let models = modelsFolder else {
            throw ServeError.notFound("no model '\(name)' (built-ins: \(BuiltinModels.names.joined(separator: ", ")))")
        }
        guard ModelLoader.extensions.contains(URL(fileURLWithPath: name).pathExtension.lowercased()) else {
            throw ServeError.notFound("no model '\(name)': neither a built-in nor a checkpoint under --models")
        }
        let url = try models.resolve(name)
        let (scale, kind) = try describe(url)
        return (url, ModelEntry(name: name, kind: kind, source: "folder", summary: "checkpoint under --models", scale: scale))
    }

    /// Scale and kind of a checkpoint, from its loaded network's traits (cached).
    private func describe(_ url: URL) throws -> (Int, ModelKind) {
        let attributes = try? FileManager.default.attributesOfItem(atPath: url.path)
        let stamp = "\(attributes?[.size] ?? 0)-\((attributes?[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0)"
        lock.lock()
        if let hit = cache[url.path], hit.stamp == stamp {
            lock.unlock()
            return try hit.entry.get()
        }
        lock.unlock()
        let result: Result<(Int, ModelKind), ServeError>
        do {
            let traits = try ModelLoader.load(url).traits
            if traits.role != .generator {
                result = .failure(.wrongModel("\(url.lastPathComponent) is a discriminator, not an image model"))
            } else if traits.inputChannels == 4 && traits.outputChannels == 3 && traits.scale == 1 {
                result = .success((1, .inpaint))
            } else if traits.scale > 1 {
                result = .success((traits.scale, .upscale))
            } else {
                result = .success((1, .translate))
            }
        } catch {
            result = .failure(.wrongModel("\(url.lastPathComponent) cannot be loaded: \(error)"))
        }
        lock.lock()
        cache[url.path] = (stamp, result)
        lock.unlock()
        return try result.get()
    }
}
