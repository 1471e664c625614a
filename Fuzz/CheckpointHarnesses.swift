import Foundation
@testable import MorphCheckpoint
import MorphModels
import MorphTensor

/// Harnesses for the checkpoint readers. Every load runs under a `LoadBudget` like the real one
/// (8× the input size + 64 MiB), so declared sizes past it must end in an error, not an allocation.
enum CheckpointHarnesses {
    static let file = "fuzz-input"

    static func budget(_ data: Data) -> LoadBudget {
        LoadBudget(file: file, limit: LoadBudget.fileMultiple * data.count + LoadBudget.baseBytes)
    }

    /// A per-process scratch file, for the readers that take a path.
    static let scratch: URL = {
        let dir = ProcessInfo.processInfo.environment["TMPDIR"] ?? "/tmp"
        return URL(fileURLWithPath: dir).appendingPathComponent("morph-fuzz-\(getpid()).bin")
    }()

    /// Materialises every tensor of a parsed checkpoint (exercising offsets, strides and the budget).
    static func materialise(_ ckpt: PyTorchCheckpoint) {
        guard let (_, refs) = try? StateDict.flatten(ckpt.object, file: file) else { return }
        for (_, ref) in refs { _ = try? ckpt.tensor(ref) }
    }

    /// The unpickler with a storage table; each storage the pickle names gets bytes from the input
    /// (repeated), so tensor views are read back too.
    static func pickle(_ data: Data) {
        let budget = budget(data)
        let table = PyTorchCheckpoint.StorageTable(file: file)
        var unpickler = Unpickler(data: data, file: file, budget: budget, persistentLoad: table.load)
        guard let object = try? unpickler.load() else { return }
        var storages: [String: Data] = [:]
        for (key, ref) in table.refs {
            let bytes = ref.count * ref.dtype.byteSize
            guard bytes <= 1 << 20, (try? budget.charge(bytes, for: "storage")) != nil else { return }
            var storage = Data(count: bytes)
            if !data.isEmpty { for i in 0..<bytes { storage[i] = data[data.startIndex + i % data.count] } }
            storages[key] = storage
        }
        materialise(PyTorchCheckpoint(object: object, layout: .zip, file: file, storages: storages, budget: budget))
    }

    /// The `.pth` zip reader (ZIPFoundation underneath), through the public loader.
    static func pthZip(_ data: Data) {
        guard (try? data.write(to: scratch)) != nil else { return }
        if let ckpt = try? PyTorchCheckpoint.read(contentsOf: scratch) { materialise(ckpt) }
        if let ckpt = try? Checkpoint.load(contentsOf: scratch) { _ = try? ckpt.architecture() }
    }

    /// The legacy reader on bytes in memory.
    static func pthLegacy(_ data: Data) {
        if let ckpt = try? PyTorchCheckpoint.readLegacy(data, file: file, budget: budget(data)) { materialise(ckpt) }
    }

    /// The safetensors reader, then what `morph info` does with the result.
    static func safetensors(_ data: Data) {
        guard let (tensors, metadata) = try? SafeTensors.parse(data, file: file, budget: budget(data)) else { return }
        _ = try? SafeTensors.dtypeNames(data, file: file)
        let ckpt = Checkpoint(tensors: tensors, metadata: metadata)
        _ = try? ckpt.architecture()
    }

    /// Architecture detection on a state dict given as text: one `key dim dim ...` per line, and
    /// `@key=value` lines for metadata (`morph.arch`, `morph.options`...).
    static func architecture(_ data: Data) {
        var shapes: [(String, [Int])] = []
        var metadata: [String: String] = [:]
        for line in String(decoding: data, as: UTF8.self).split(separator: "\n").prefix(4096) {
            if line.hasPrefix("@"), let eq = line.firstIndex(of: "=") {
                metadata[String(line[line.index(after: line.startIndex)..<eq])] = String(line[line.index(after: eq)...])
                continue
            }
            let parts = line.split(separator: " ")
            guard let key = parts.first else { continue }
            shapes.append((String(key), parts.dropFirst().prefix(8).compactMap { Int($0) }))
        }
        // The configuration a file's metadata names, and the size check a loader makes before building it: hostile
        // names and option values must end in an error, never a trap.
        if let configuration = try? ArchitectureConfiguration(metadata: metadata) {
            _ = try? ArchitectureRegistry.parameterCount(configuration)
        }
        let normalized = KeyRemap.normalize(shapes)
        if let detected = try? ArchitectureDetection.detect(shapes: Dictionary(normalized, uniquingKeysWith: { a, _ in a })) {
            _ = try? ArchitectureRegistry.parameterCount(detected)
        }
    }
}
