import Foundation
import MorphTensor

/// A loaded model checkpoint: ordered Float32 tensors with their source format,
/// stored element types and metadata. Loads safetensors and both `.pth` layouts,
/// choosing by the file's first bytes, never by its extension.
public struct Checkpoint {
    /// The file formats Morph reads.
    public enum Format: String {
        case safetensors, pthZip = "pth-zip", pthLegacy = "pth-legacy"
    }

    /// Tensors in file order, keys as stored (after unwrapping `params_ema` and similar, before any renaming).
    public var tensors: [(String, Tensor)]
    /// The format the tensors came from.
    public var format: Format
    /// How many tensors had each stored element type (`F32`, `F16`, `BF16`, `I64`...).
    public var dtypeCounts: [String: Int]
    /// String metadata (safetensors `__metadata__`; for `.pth`, `morph.wrapper` names the unwrapped key).
    public var metadata: [String: String]

    /// Creates a checkpoint from tensors.
    public init(tensors: [(String, Tensor)], format: Format = .safetensors, dtypeCounts: [String: Int] = [:],
                metadata: [String: String] = [:]) {
        self.tensors = tensors
        self.format = format
        self.dtypeCounts = dtypeCounts.isEmpty && !tensors.isEmpty ? ["F32": tensors.count] : dtypeCounts
        self.metadata = metadata
    }

    /// The stored element types in one word: `F16`, or `F32+I64` when mixed (most common first).
    public var dtype: String {
        dtypeCounts.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
            .map(\.key).joined(separator: "+")
    }

    /// Tensors by key.
    public var stateDict: [String: Tensor] { Dictionary(tensors, uniquingKeysWith: { a, _ in a }) }

    /// Shapes by key, as architecture detection wants them.
    public var shapes: [String: [Int]] { Dictionary(tensors.map { ($0.0, $0.1.shape) }, uniquingKeysWith: { a, _ in a }) }

    /// The tensor stored under `key`.
    public subscript(key: String) -> Tensor? { tensors.first { $0.0 == key }?.1 }

    /// The total number of values in all tensors.
    public var valueCount: Int { tensors.reduce(0) { $0 + $1.1.count } }

    /// The checkpoint with `KeyRemap.normalize` applied (no `module.` prefix, BasicSR names for old ESRGAN files).
    public func normalized() -> Checkpoint {
        var copy = self
        copy.tensors = KeyRemap.normalize(tensors)
        return copy
    }

    /// The architecture: from `morph.arch` metadata when present, else detected from the normalized keys and shapes.
    /// - Throws: `CheckpointError` when the metadata is unreadable or nothing matches.
    public func architecture() throws -> ArchitectureConfiguration {
        if let stored = try ArchitectureConfiguration(metadata: metadata) { return stored }
        return try ArchitectureDetection.detect(shapes: normalized().shapes)
    }

    /// Loads a checkpoint of any supported format.
    /// - Throws: `CheckpointError` naming the file and the problem.
    public static func load(contentsOf url: URL) throws -> Checkpoint {
        let handle: FileHandle
        do { handle = try FileHandle(forReadingFrom: url) } catch {
            throw CheckpointError.io(file: url.path, reason: "cannot open: \(error.localizedDescription)")
        }
        let head = handle.readData(ofLength: 16)
        try? handle.close()
        let bytes = [UInt8](head)
        // Safetensors first: its 8-byte header length may itself begin with 0x80.
        if bytes.count > 8, bytes[8] == UInt8(ascii: "{") { return try loadSafeTensors(url) }
        if bytes.starts(with: [0x50, 0x4B, 0x03, 0x04]) || bytes.first == 0x80 { return try loadPyTorch(url) }
        let hex = bytes.prefix(8).map { String(format: "%02x", $0) }.joined(separator: " ")
        throw CheckpointError.malformed(file: url.path, reason:
            "unrecognised checkpoint format (first bytes \(hex)); expected safetensors or a PyTorch .pth")
    }

    static func loadSafeTensors(_ url: URL) throws -> Checkpoint {
        let data: Data
        do { data = try Data(contentsOf: url, options: .alwaysMapped) } catch {
            throw CheckpointError.io(file: url.path, reason: "cannot read: \(error.localizedDescription)")
        }
        let (tensors, metadata) = try SafeTensors.parse(data, file: url.path)
        var counts: [String: Int] = [:]
        for (_, name) in try SafeTensors.dtypeNames(data, file: url.path) { counts[name, default: 0] += 1 }
        return Checkpoint(tensors: tensors, format: .safetensors, dtypeCounts: counts, metadata: metadata)
    }

    static func loadPyTorch(_ url: URL) throws -> Checkpoint {
        let file = try PyTorchCheckpoint.read(contentsOf: url)
        let (wrapper, refs) = try StateDict.flatten(file.object, file: url.path)
        var tensors: [(String, Tensor)] = []
        var counts: [String: Int] = [:]
        tensors.reserveCapacity(refs.count)
        for (key, ref) in refs {
            tensors.append((key, try file.tensor(ref)))
            counts[ref.storage.dtype.safetensorsName, default: 0] += 1
        }
        var metadata: [String: String] = [:]
        if let wrapper { metadata["morph.wrapper"] = wrapper }
        if let form = PyTorchCheckpoint.form(of: file.object) { metadata["morph.form"] = form }
        return Checkpoint(tensors: tensors, format: file.layout == .zip ? .pthZip : .pthLegacy,
                          dtypeCounts: counts, metadata: metadata)
    }

    /// Writes the tensors and metadata as safetensors (atomically), in `dtype` (F32, F16 or BF16).
    /// - Throws: `CheckpointError.io` when the file cannot be written.
    public func write(to url: URL, dtype: SafeTensors.DType = .f32) throws {
        try SafeTensors.write(tensors, metadata: metadata, dtype: dtype, to: url)
    }
}

extension SafeTensors {
    /// The stored dtype name of every tensor in a safetensors header.
    static func dtypeNames(_ data: Data, file: String) throws -> [String: String] {
        let json = try header(data, file: file).json
        var out: [String: String] = [:]
        for (key, value) in json where key != "__metadata__" {
            if let info = value as? [String: Any], let dtype = info["dtype"] as? String { out[key] = dtype }
        }
        return out
    }
}
