import Foundation
import MorphSupport
import MorphCheckpoint
import MorphModels
import MorphNN
import MorphTensor

/// The files of a training run:
///
///     RUN/config.json                         every option (read back by --resume)
///     RUN/log.csv                             iteration, epoch, every loss, lr, seconds
///     RUN/report.html, RUN/samples/*.png      the latest sample grid and loss curves
///     RUN/checkpoints/latest_net_<N>.safetensors, <epoch>_net_<N>.safetensors   each network
///     RUN/checkpoints/latest_state.safetensors, <epoch>_state.safetensors       optimizers, schedules,
///                                             pools, generator states, iteration and epoch
///     RUN/checkpoints/latest                  JSON naming the iteration of the complete latest set
///
/// Every file is written to a temporary name in its folder and renamed into place, so an interrupted
/// write never leaves a torn file; a checkpoint set is staged whole before any of it replaces the
/// previous one (`CheckpointSet`), so `latest` always names a complete set, even after `kill -9`.
public struct RunFolder {
    /// The run's root folder.
    public let root: URL

    /// A run folder at `root` (not created until `prepare()`).
    public init(_ root: URL) { self.root = root }

    public var config: URL { root.appendingPathComponent("config.json") }
    public var log: URL { root.appendingPathComponent("log.csv") }
    public var report: URL { root.appendingPathComponent("report.html") }
    public var samples: URL { root.appendingPathComponent("samples") }
    public var checkpoints: URL { root.appendingPathComponent("checkpoints") }
    public var latestMarker: URL { checkpoints.appendingPathComponent("latest") }

    /// The checkpoint of network `name` for `tag` (`latest` or an epoch number).
    public func network(_ name: String, tag: String = "latest") -> URL {
        checkpoints.appendingPathComponent("\(tag)_net_\(name).safetensors")
    }

    /// The training-state file for `tag`.
    public func state(tag: String = "latest") -> URL { checkpoints.appendingPathComponent("\(tag)_state.safetensors") }

    /// Creates the folders.
    /// - Throws: `TrainError.io` when they cannot be made.
    public func prepare() throws {
        for folder in [root, checkpoints, samples] {
            do { try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true) } catch {
                throw TrainError.io(file: folder.path, "cannot create folder: \(error.localizedDescription)")
            }
        }
    }

    /// Writes `data` to `url` through a temporary file in the same folder and a rename.
    /// - Throws: `TrainError.io` naming the file.
    public static func writeAtomically(_ data: Data, to url: URL) throws {
        do { try FileSystem.write(data, to: url) } catch let failure as FileSystem.WriteFailure {
            throw TrainError.io(file: url.path, failure.message)
        }
    }

    /// Writes the options as `config.json`.
    public func writeConfig(_ options: TrainOptions) throws {
        try RunFolder.writeAtomically(try RunFolder.encode(options), to: config)
    }

    /// Reads `config.json`.
    /// - Throws: `TrainError.runState` naming the file when it is missing or unreadable.
    public func readConfig() throws -> TrainOptions {
        guard let data = try? Data(contentsOf: config) else {
            throw TrainError.runState(file: config.path, "cannot read the run's options (is this a run folder?)")
        }
        do { return try RunFolder.decoder.decode(TrainOptions.self, from: data) } catch {
            throw TrainError.runState(file: config.path, "unreadable options: \(error)")
        }
    }

    static func encode<T: Encodable>(_ value: T) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return try encoder.encode(value)
    }

    static var decoder: JSONDecoder {
        JSONDecoder()
    }
}

/// Where a run stands: everything besides the weights that a resumed run needs to continue exactly.
public struct TrainPosition: Codable, Equatable {
    /// Optimizer steps taken (batches trained) in total.
    public var iteration: Int = 0
    /// The current epoch, from 1.
    public var epoch: Int = 1
    /// Batches of the current epoch already trained.
    public var epochBatch: Int = 0
    /// Sum of the headline loss over the current epoch's batches (the plateau policy's metric).
    public var epochLossSum: Double = 0
    /// Training seconds so far.
    public var seconds: Double = 0

    /// A run's starting position.
    public init() {}
}

/// Saves and restores the full state of a run (`RunFolder` layout).
struct RunCheckpoint {
    let run: RunFolder
    let options: TrainOptions

    /// The state-file metadata key holding the JSON state.
    static let stateKey = "morph.train_state"

    /// Serialisable non-tensor state.
    struct State: Codable {
        var position: TrainPosition
        var optimizers: [String: [String: String]]
        var schedules: [String: [String: String]]
        var pools: [String: PoolState]
        var dropout: [String: [String]]
        var generators: [String: [String]]?
    }

    struct PoolState: Codable {
        var count: Int
        var rng: [String]
    }

    /// Writes the networks and state as `latest` (and as `epoch` when given), then the `latest` marker.
    func save(model: TrainableModel, schedules: [(String, LRSchedule)], position: TrainPosition, epochTag: Int?) throws {
        var tags = ["latest"]
        if let epochTag { tags.append(String(epochTag)) }
        let stamp = ["morph.iteration": String(position.iteration), "morph.epoch": String(position.epoch)]
        let averages = Dictionary(model.averages.map { ($0.network, $0.ema) }, uniquingKeysWith: { a, _ in a })
        var set = CheckpointSet(run: run)
        for (name, net, architecture) in model.networks {
            var metadata = RunCheckpoint.architectureMetadata(architecture)
            metadata.merge(stamp) { a, _ in a }
            metadata["morph.network"] = name
            var entries = net.stateDict()
            if let ema = averages[name] {
                // Real-ESRGAN's layout: the trained weights as `params`, the average (what inference loads) as `params_ema`.
                entries = entries.map { ("params.\($0.0)", $0.1) } + ema.stateDict.map { ("params_ema.\($0.0)", $0.1) }
                metadata["morph.ema_decay"] = String(ema.decay)
            }
            let data = try SafeTensors.serialize(entries, metadata: metadata)
            for tag in tags { set.add(data, as: run.network(name, tag: tag)) }
        }
        var tensors: [(String, Tensor)] = []
        var optimizers: [String: [String: String]] = [:]
        for (name, opt) in model.optimizers {
            for (key, t) in opt.stateTensors() { tensors.append(("optimizer.\(name).\(key)", t)) }
            optimizers[name] = opt.stateScalars.mapValues { String($0) }
        }
        var pools: [String: PoolState] = [:]
        for (name, pool) in model.pools {
            for (i, image) in pool.images.enumerated() { tensors.append(("pool.\(name).\(i)", image)) }
            pools[name] = PoolState(count: pool.images.count, rng: pool.rng.state.map { String($0) })
        }
        var dropout: [String: [String]] = [:]
        for (name, layer) in model.dropoutLayers { dropout[name] = layer.rng.state.map { String($0) } }
        let state = State(position: position, optimizers: optimizers,
                          schedules: Dictionary(uniqueKeysWithValues: schedules.map { ($0.0, $0.1.state.mapValues { String($0) }) }),
                          pools: pools, dropout: dropout,
                          generators: model.generators.mapValues { $0.state.map { String($0) } })
        var metadata = stamp
        metadata[RunCheckpoint.stateKey] = String(decoding: try RunFolder.encode(state), as: UTF8.self)
        let stateData = try SafeTensors.serialize(tensors, metadata: metadata)
        for tag in tags { set.add(stateData, as: run.state(tag: tag)) }
        try set.commit(marker: try RunFolder.encode(["iteration": position.iteration, "epoch": position.epoch]))
    }

    /// Restores networks, optimizers, schedules, pools and generators from the `latest` set (after finishing
    /// an interrupted commit); a run without any checkpoint yet restarts at iteration 0.
    /// - Throws: `TrainError.runState` naming the file that is missing, unreadable or from another iteration.
    func restore(model: TrainableModel, schedules: [(String, LRSchedule)]) throws -> TrainPosition {
        try CheckpointSet.recover(run)
        // A run stopped before its first checkpoint starts again from the beginning (its options are saved).
        guard FileManager.default.fileExists(atPath: run.latestMarker.path) else { return TrainPosition() }
        guard let markerData = try? Data(contentsOf: run.latestMarker),
              let marker = try? JSONDecoder().decode([String: Int].self, from: markerData), let iteration = marker["iteration"] else {
            throw TrainError.runState(file: run.latestMarker.path, "no complete checkpoint to resume from")
        }
        func load(_ url: URL) throws -> ([(String, Tensor)], [String: String]) {
            let result: ([(String, Tensor)], [String: String])
            do { result = try SafeTensors.read(contentsOf: url) } catch {
                throw TrainError.runState(file: url.path, "\(error)")
            }
            guard result.1["morph.iteration"] == String(iteration) else {
                throw TrainError.runState(file: url.path,
                    "is from iteration \(result.1["morph.iteration"] ?? "?"), but latest names iteration \(iteration)")
            }
            return result
        }
        let averages = Dictionary(model.averages.map { ($0.network, $0.ema) }, uniquingKeysWith: { a, _ in a })
        for (name, net, _) in model.networks {
            let url = run.network(name)
            let (tensors, _) = try load(url)
            do {
                if let ema = averages[name] {
                    func part(_ prefix: String) -> [(String, Tensor)] {
                        tensors.filter { $0.0.hasPrefix(prefix) }.map { (String($0.0.dropFirst(prefix.count)), $0.1) }
                    }
                    try net.load(stateDict: part("params."))
                    try ema.load(Dictionary(part("params_ema."), uniquingKeysWith: { a, _ in a }))
                } else {
                    try net.load(stateDict: tensors)
                }
            } catch { throw TrainError.runState(file: url.path, "\(error)") }
        }
        let url = run.state()
        let (tensors, metadata) = try load(url)
        guard let text = metadata[RunCheckpoint.stateKey],
              let state = try? RunFolder.decoder.decode(State.self, from: Data(text.utf8)) else {
            throw TrainError.runState(file: url.path, "no readable \(RunCheckpoint.stateKey) metadata")
        }
        let byKey = Dictionary(tensors, uniquingKeysWith: { a, _ in a })
        do {
            for (name, opt) in model.optimizers {
                let prefix = "optimizer.\(name)."
                let own = byKey.filter { $0.key.hasPrefix(prefix) }
                try opt.load(state: Dictionary(uniqueKeysWithValues: own.map { (String($0.key.dropFirst(prefix.count)), $0.value) }),
                             scalars: try RunCheckpoint.doubles(state.optimizers[name] ?? [:], url))
            }
            for (name, schedule) in schedules {
                try schedule.load(state: try RunCheckpoint.doubles(state.schedules[name] ?? [:], url))
            }
            for (name, pool) in model.pools {
                guard let saved = state.pools[name] else { throw TrainError.runState(file: url.path, "no state for pool \(name)") }
                let images = try (0..<saved.count).map { i -> Tensor in
                    guard let t = byKey["pool.\(name).\(i)"] else {
                        throw TrainError.runState(file: url.path, "pool \(name) lacks image \(i)")
                    }
                    return t
                }
                try pool.restore(images: images, rng: SeededRNG(state: try RunCheckpoint.words(saved.rng, url)))
            }
            for (name, words) in state.generators ?? [:] where model.generators[name] != nil {
                model.generators[name] = SeededRNG(state: try RunCheckpoint.words(words, url))
            }
            for (name, layer) in model.dropoutLayers {
                guard let words = state.dropout[name] else { throw TrainError.runState(file: url.path, "no state for \(name)") }
                layer.rng = SeededRNG(state: try RunCheckpoint.words(words, url))
            }
        } catch let error as TrainError {
            throw error
        } catch {
            throw TrainError.runState(file: url.path, "\(error)")
        }
        return state.position
    }

    /// `morph.arch` / `morph.options` metadata naming the registry architecture, so `morph translate` and
    /// `morph info` rebuild the network without guessing.
    /// Every option is spelled out (defaults included), so the file names its network completely.
    static func architectureMetadata(_ architecture: ArchitectureConfiguration) -> [String: String] {
        ((try? ArchitectureRegistry.resolved(architecture)) ?? architecture).metadata
    }

    static func doubles(_ strings: [String: String], _ url: URL) throws -> [String: Double] {
        try strings.mapValues { s in
            guard let v = Double(s) else { throw TrainError.runState(file: url.path, "'\(s)' is not a number") }
            return v
        }
    }

    static func words(_ strings: [String], _ url: URL) throws -> [UInt64] {
        let words = strings.compactMap { UInt64($0) }
        guard words.count == 4, strings.count == 4 else {
            throw TrainError.runState(file: url.path, "a generator state needs four 64-bit words, got \(strings)")
        }
        return words
    }
}
