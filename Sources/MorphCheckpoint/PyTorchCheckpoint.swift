import Foundation
import MorphTensor
import ZIPFoundation

/// A PyTorch `.pth` file read without running any of its code: the unpickled
/// object (dicts, lists, tensor references) plus the raw storages the tensors view.
/// Reads both the zip format (torch >= 1.6) and the legacy pickle-stream format.
public struct PyTorchCheckpoint {
    /// The two on-disk layouts of `torch.save`.
    public enum Layout: String {
        case zip = "pth-zip", legacy = "pth-legacy"
    }

    /// The unpickled top-level object.
    public let object: PickleValue
    /// The layout the file used.
    public let layout: Layout
    /// The file, for error messages.
    public let file: String
    /// Raw little-endian storage bytes by storage key.
    let storages: [String: Data]
    /// The load's memory budget; materialised tensors draw on it too.
    let budget: LoadBudget

    /// The magic number the legacy format pickles first.
    static let legacyMagic: [UInt8] = [0x6C, 0xFC, 0x9C, 0x46, 0xF9, 0x20, 0x6A, 0xA8, 0x50, 0x19]
    /// The largest `data.pkl` Morph reads.
    static let maxPickleBytes = 1 << 30

    /// Reads a `.pth` file of either layout, choosing by its first bytes. What the file declares is
    /// allocated from `budget` (by default `LoadBudget.forFile` for its size).
    /// - Throws: `CheckpointError` naming the file and the problem (including refused globals and
    ///   `.overBudget`).
    public static func read(contentsOf url: URL, budget: LoadBudget? = nil) throws -> PyTorchCheckpoint {
        let data: Data
        do { data = try Data(contentsOf: url, options: .alwaysMapped) } catch {
            throw CheckpointError.io(file: url.path, reason: "cannot read: \(error.localizedDescription)")
        }
        let budget = try budget ?? LoadBudget.forFile(url.path, size: data.count)
        if data.starts(with: [0x50, 0x4B, 0x03, 0x04]) { return try readZip(url, budget: budget) }
        if data.first == 0x80 { return try readLegacy(data, file: url.path, budget: budget) }
        throw CheckpointError.malformed(file: url.path, reason: "not a PyTorch checkpoint (neither a zip archive nor a pickle)")
    }

    // MARK: Persistent ids

    /// Collects the storages a pickle names, checking each key keeps one dtype and size.
    final class StorageTable {
        var refs: [String: StorageRef] = [:]
        var order: [String] = []
        let file: String
        init(file: String) { self.file = file }

        /// Interprets `('storage', type, key, location, size[, view_metadata])`.
        func load(_ pid: PickleValue) throws -> PickleValue {
            func fail(_ r: String) -> CheckpointError { .malformed(file: file, reason: "bad persistent id: \(r)") }
            guard let items = pid.sequence, items.count >= 5 else { throw fail("\(pid.summary) is not a storage tuple") }
            guard items[0].stringValue == "storage" else {
                throw fail("type \(items[0].summary) is not 'storage' (saved modules are not supported)")
            }
            guard case let .global(_, typeName) = items[1],
                  let dtype = StorageDType(storageName: typeName) ?? StorageDType(torchName: typeName) else {
                throw fail("storage type \(items[1].summary) is not one Morph reads")
            }
            guard let key = items[2].stringValue ?? items[2].intValue.map(String.init) else {
                throw fail("storage key \(items[2].summary)")
            }
            guard let count = items[4].intValue, count >= 0, count < 1 << 40 else {
                throw fail("storage size \(items[4].summary)")
            }
            let ref = StorageRef(key: key, dtype: dtype, count: count)
            if let existing = refs[key] {
                guard existing.dtype == dtype, existing.count == count else {
                    throw fail("storage '\(key)' is named with two different types or sizes")
                }
            } else {
                refs[key] = ref
                order.append(key)
            }
            if items.count >= 6, let view = items[5].sequence {
                // Legacy storage view: (view_key, offset, view_size) into the root storage.
                guard view.count == 3, let offset = view[1].intValue, let size = view[2].intValue,
                      offset >= 0, size >= 0, size <= count, offset <= count - size else {
                    throw fail("storage view \(items[5].summary) outside storage '\(key)' of \(count) elements")
                }
                return .storage(StorageRef(key: key, dtype: dtype, count: size, elementOffset: offset))
            }
            return .storage(ref)
        }
    }

    // MARK: Zip layout

    static func readZip(_ url: URL, budget: LoadBudget) throws -> PyTorchCheckpoint {
        let file = url.path
        let math = CheckedArithmetic(file: file)
        func fail(_ r: String) -> CheckpointError { .malformed(file: file, reason: r) }
        try ZipDirectoryCheck.validate(url)
        let archive: Archive
        do { archive = try Archive(url: url, accessMode: .read) } catch {
            throw fail("not a readable zip archive (\(error))")
        }
        guard let pklEntry = archive.first(where: { $0.path == "data.pkl" || $0.path.hasSuffix("/data.pkl") }) else {
            throw fail("zip archive has no data.pkl; it is not a PyTorch checkpoint")
        }
        let prefix = String(pklEntry.path.dropLast("data.pkl".count))
        if let order = archive[prefix + "byteorder"] {
            let text = String(decoding: try extract(order, from: archive, limit: 16, budget: budget), as: UTF8.self)
            guard text.trimmingCharacters(in: .whitespacesAndNewlines) == "little" else {
                throw fail("byte order '\(text)' is not supported (only little-endian)")
            }
        }
        let pickle = try extract(pklEntry, from: archive, limit: maxPickleBytes, budget: budget)
        let table = StorageTable(file: file)
        var unpickler = Unpickler(data: pickle, file: file, budget: budget, persistentLoad: table.load)
        let object = try TorchScriptModules.naming(archive[prefix + "constants.pkl"] != nil, file: file) { try unpickler.load() }
        var storages: [String: Data] = [:]
        for key in table.order {
            guard let ref = table.refs[key] else { continue }
            let path = prefix + "data/" + key
            guard let entry = archive[path] else { throw fail("storage '\(key)' is missing (no entry \(path))") }
            let needed = try math.multiply(ref.count, ref.dtype.byteSize, "the size of storage '\(key)'")
            guard entry.uncompressedSize >= UInt64(needed) else {
                throw fail("storage '\(key)' has \(entry.uncompressedSize) bytes, needs \(needed)")
            }
            storages[key] = try extract(entry, from: archive, limit: needed, budget: budget, truncating: true)
            guard storages[key]?.count == needed else { throw fail("storage '\(key)' is truncated") }
        }
        return PyTorchCheckpoint(object: object, layout: .zip, file: file, storages: storages, budget: budget)
    }

    /// Stops an extraction once enough bytes have arrived.
    private struct EnoughBytes: Error {}

    /// Extracts an entry: at most `limit` bytes, charged to `budget` before any is allocated. A larger
    /// declared size is refused unless `truncating` (then only the first `limit` bytes are inflated);
    /// an entry inflating to more than it declared (a deflate bomb) is refused.
    static func extract(_ entry: Entry, from archive: Archive, limit: Int, budget: LoadBudget,
                        truncating: Bool = false) throws -> Data {
        let file = budget.file
        guard truncating || entry.uncompressedSize <= UInt64(limit) else {
            throw CheckpointError.malformed(file: file, reason: "\(entry.path) declares \(entry.uncompressedSize) bytes (limit \(limit))")
        }
        let expected = Int(min(entry.uncompressedSize, UInt64(max(0, limit))))
        try budget.charge(expected, for: "zip entry \(entry.path) (\(entry.uncompressedSize) bytes declared)")
        var out = Data()
        out.reserveCapacity(expected)
        do {
            _ = try archive.extract(entry, skipCRC32: true) { chunk in
                let room = expected - out.count
                if chunk.count > room {
                    out.append(chunk.prefix(room))
                    throw EnoughBytes()
                }
                out.append(chunk)
            }
        } catch is EnoughBytes {
            if !truncating {
                throw CheckpointError.malformed(file: file, reason: "\(entry.path) inflates to more than the \(expected) bytes it declares")
            }
        } catch {
            throw CheckpointError.malformed(file: file, reason: "cannot extract \(entry.path): \(error)")
        }
        return out
    }

    // MARK: Legacy layout

    static func readLegacy(_ data: Data, file: String, budget: LoadBudget) throws -> PyTorchCheckpoint {
        func fail(_ r: String) -> CheckpointError { .malformed(file: file, reason: r) }
        let refuse: Unpickler.PersistentLoader = { _ in throw fail("unexpected persistent id in the legacy header") }
        var header = Unpickler(data: data, file: file, budget: budget, persistentLoad: refuse)
        guard case let .bigInt(magic) = try header.load(), magic == legacyMagic else {
            throw fail("not a PyTorch checkpoint (the legacy magic number is missing)")
        }
        guard let version = try header.load().intValue, version == 1001 else {
            throw fail("unsupported legacy protocol version")
        }
        guard let sysInfo = try header.load().dictValue else { throw fail("legacy sys info is not a dict") }
        if case let .bool(little)? = sysInfo["little_endian"], !little {
            throw fail("big-endian checkpoints are not supported")
        }
        let table = StorageTable(file: file)
        var body = Unpickler(data: data, offset: header.position, file: file, budget: budget, persistentLoad: table.load)
        let object = try body.load()
        var keysReader = Unpickler(data: data, offset: body.position, file: file, budget: budget, persistentLoad: refuse)
        guard let keyValues = try keysReader.load().sequence else { throw fail("legacy storage key list is not a list") }
        var position = keysReader.position
        var storages: [String: Data] = [:]
        for value in keyValues {
            guard let key = value.stringValue ?? value.intValue.map(String.init) else {
                throw fail("storage key \(value.summary) is not a string")
            }
            guard let ref = table.refs[key] else { throw fail("storage '\(key)' is stored but never used") }
            guard position <= data.count, data.count - position >= 8 else { throw fail("storage '\(key)' is truncated (no element count)") }
            let count = LittleEndian.unsigned(data[(data.startIndex + position)..<(data.startIndex + position + 8)])
            position += 8
            let available = UInt64(data.count - position)
            guard count <= available / UInt64(ref.dtype.byteSize) else {
                throw fail("storage '\(key)' claims \(count) elements but only \(available) bytes remain")
            }
            let bytes = Int(count) * ref.dtype.byteSize
            guard Int(count) >= ref.count else {
                throw fail("storage '\(key)' holds \(count) elements, the pickle says \(ref.count)")
            }
            let start = data.startIndex + position
            storages[key] = data[start..<(start + bytes)]
            position += bytes
        }
        return PyTorchCheckpoint(object: object, layout: .legacy, file: file, storages: storages, budget: budget)
    }

    // MARK: Tensors

    /// Copies the values a tensor reference views into a new Float32 tensor,
    /// honouring storage offsets and (non-contiguous) strides. Its memory is charged to the load's budget,
    /// so many views of one storage cannot multiply memory past it.
    public func tensor(_ ref: TensorRef) throws -> Tensor {
        let storage = ref.storage
        guard let raw = storages[storage.key] else {
            throw CheckpointError.malformed(file: file, reason: "storage '\(storage.key)' has no data")
        }
        let size = storage.dtype.byteSize
        let math = CheckedArithmetic(file: file)
        let storageEnd = try math.add(storage.elementOffset, storage.count, "storage '\(storage.key)' extent")
        guard try math.multiply(storageEnd, size, "storage '\(storage.key)' size") <= raw.count else {
            throw CheckpointError.malformed(file: file, reason: "storage '\(storage.key)' is shorter than declared")
        }
        let elements = try math.count(ref.shape, "tensor of shape \(ref.shape)")
        let viewEnd = try math.extent(offset: ref.offset, shape: ref.shape, strides: ref.strides, "tensor view \(ref.shape)")
        guard elements == 0 || viewEnd <= storage.count else {
            throw CheckpointError.malformed(file: file, reason: "tensor view \(ref.shape) exceeds storage '\(storage.key)'")
        }
        try budget.charge(try math.multiply(elements, MemoryLayout<Float>.size, "tensor size"),
                          for: "a tensor of shape \(ref.shape)")
        let out = Tensor(zeros: ref.shape, zeroed: false)
        let n = out.count
        if n == 0 { return out }
        raw.withUnsafeBytes { (bytes: UnsafeRawBufferPointer) in
            let base = bytes.baseAddress! + (storage.elementOffset + ref.offset) * size
            let contiguous = ref.strides == Tensor.contiguousStrides(ref.shape)
            if contiguous {
                storage.dtype.decode(from: base, into: out.data, count: n)
                return
            }
            // Strided gather: walk the index odometer, decoding one element at a time.
            let rank = ref.shape.count
            var index = [Int](repeating: 0, count: rank)
            var elementOffset = 0
            for i in 0..<n {
                storage.dtype.decode(from: base + elementOffset * size, into: out.data + i, count: 1)
                var d = rank - 1
                while d >= 0 {
                    index[d] += 1
                    elementOffset += ref.strides[d]
                    if index[d] < ref.shape[d] { break }
                    elementOffset -= ref.strides[d] * ref.shape[d]
                    index[d] = 0
                    d -= 1
                }
            }
        }
        return out
    }
}

extension StorageDType {
    /// Converts `count` little-endian elements at `src` to Float32 (one decoder for both formats).
    func decode(from src: UnsafeRawPointer, into dst: UnsafeMutablePointer<Float>, count: Int) {
        SafeTensors.decode(safetensorsDType, from: src, into: dst, count: count)
    }

    /// The same element type as safetensors names it.
    var safetensorsDType: SafeTensors.DType {
        switch self {
        case .float32: return .f32
        case .float16: return .f16
        case .bfloat16: return .bf16
        case .float64: return .f64
        case .int64: return .i64
        case .int32: return .i32
        case .int16: return .i16
        case .int8: return .i8
        case .uint8: return .u8
        case .bool: return .bool
        }
    }
}
