import Foundation
import MorphTensor

/// Errors raised while reading or writing checkpoint files.
public enum CheckpointError: Error, CustomStringConvertible {
    /// The file is not in the expected format; `reason` says what was wrong.
    case malformed(file: String, reason: String)
    /// The file uses a tensor type Morph does not read.
    case unsupportedDType(file: String, key: String, dtype: String)
    /// The file could not be read or written at all.
    case io(file: String, reason: String)
    /// A pickle names a global outside the allow-list; nothing was called.
    case forbiddenGlobal(file: String, name: String)
    /// The keys and shapes match no architecture Morph knows.
    case unknownArchitecture(found: String, expected: String)
    /// Loading would allocate more than the file's `LoadBudget` allows.
    case overBudget(file: String, what: String, limit: Int)

    public var description: String {
        switch self {
        case let .malformed(file, reason): return "\(file): \(reason)"
        case let .unsupportedDType(file, key, dtype): return "\(file): tensor '\(key)' has unsupported dtype \(dtype)"
        case let .io(file, reason): return "\(file): \(reason)"
        case let .forbiddenGlobal(file, name):
            return "\(file): refusing to load global \(name) (only PyTorch tensor and container types are allowed)"
        case let .unknownArchitecture(found, expected):
            return "cannot detect the architecture: found \(found); expected \(expected)"
        case let .overBudget(file, what, limit):
            return "\(file): \(what) would take more than the \(limit >> 20) MiB this file may use "
                + "(\(LoadBudget.fileMultiple)× its size + \(LoadBudget.baseBytes >> 20) MiB); "
                + "set \(LoadBudget.environmentVariable)=16G (or 'unlimited') to load a genuinely huge checkpoint"
        }
    }
}

/// The safetensors format: an 8-byte little-endian header length, a JSON
/// header mapping names to `{dtype, shape, data_offsets}` (plus an optional
/// `__metadata__` string map), then the raw little-endian tensor bytes.
public enum SafeTensors {
    /// Element types Morph reads; all become Float32 (integers and flags too, as the `.pth` reader does: a batch
    /// norm's `num_batches_tracked` is an I64 in files PyTorch's `safetensors.torch.save_file` writes).
    public enum DType: String, CaseIterable {
        case f32 = "F32", f16 = "F16", bf16 = "BF16", f64 = "F64"
        case i64 = "I64", i32 = "I32", i16 = "I16", i8 = "I8", u8 = "U8", bool = "BOOL"
        var byteSize: Int {
            switch self {
            case .f64, .i64: return 8
            case .f32, .i32: return 4
            case .f16, .bf16, .i16: return 2
            case .i8, .u8, .bool: return 1
            }
        }
    }

    /// The largest header Morph accepts (the format's own limit is 100 MB).
    static let maxHeaderBytes = 100_000_000

    /// Reads every tensor of a safetensors file, in header order, with its metadata.
    /// - Throws: `CheckpointError` naming the file and what was wrong.
    public static func read(contentsOf url: URL, budget: LoadBudget? = nil) throws -> (tensors: [(String, Tensor)], metadata: [String: String]) {
        let data: Data
        do { data = try Data(contentsOf: url, options: .alwaysMapped) } catch {
            throw CheckpointError.io(file: url.path, reason: "cannot read: \(error.localizedDescription)")
        }
        return try parse(data, file: url.path, budget: budget)
    }

    /// One tensor's header entry.
    struct HeaderEntry {
        let key: String, dtype: DType, shape: [Int], begin: Int, end: Int
    }

    /// Parses safetensors bytes already in memory. `file` names the source in errors; the tensors are
    /// allocated from `budget` (by default `LoadBudget.forFile` for the data's size).
    /// Repeated keys, nesting deeper than the format needs and overlapping data ranges are refused.
    public static func parse(_ data: Data, file: String, budget: LoadBudget? = nil) throws -> (tensors: [(String, Tensor)], metadata: [String: String]) {
        func fail(_ reason: String) -> CheckpointError { .malformed(file: file, reason: "not a valid safetensors file: \(reason)") }
        let budget = try budget ?? LoadBudget.forFile(file, size: data.count)
        let (json, bodyStart) = try header(data, file: file)
        let bodyLength = data.endIndex - bodyStart
        var metadata: [String: String] = [:]
        var entries: [HeaderEntry] = []
        for (key, value) in json {
            if key == "__metadata__" {
                guard let map = value as? [String: Any] else { throw fail("__metadata__ is not an object") }
                for (k, v) in map {
                    guard let s = v as? String else { throw fail("metadata '\(k)' is not a string") }
                    metadata[k] = s
                }
                continue
            }
            entries.append(try entry(key, value, bodyLength: bodyLength, file: file))
        }
        entries.sort { ($0.begin, $0.end) < ($1.begin, $1.end) }
        for (a, b) in zip(entries, entries.dropFirst()) where b.begin < a.end {
            throw fail("the data of '\(a.key)' and '\(b.key)' overlap (bytes \(a.begin)..<\(a.end) and \(b.begin)..<\(b.end))")
        }
        for e in entries {
            try budget.charge(e.shape.reduce(1, *) * MemoryLayout<Float>.size, for: "tensor '\(e.key)' of shape \(e.shape)")
        }
        var tensors: [(String, Tensor)] = []
        tensors.reserveCapacity(entries.count)
        data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
            let body = raw.baseAddress! + (bodyStart - data.startIndex)
            for e in entries {
                let t = Tensor(zeros: e.shape, zeroed: false)
                decode(e.dtype, from: body + e.begin, into: t.data, count: t.count)
                tensors.append((e.key, t))
            }
        }
        return (tensors, metadata)
    }

    /// The parsed JSON header and the index where the data starts. The header is scanned for repeated
    /// keys and deep nesting before the JSON parser sees it.
    static func header(_ data: Data, file: String) throws -> (json: [String: Any], bodyStart: Int) {
        func fail(_ reason: String) -> CheckpointError { .malformed(file: file, reason: "not a valid safetensors file: \(reason)") }
        guard data.count >= 8 else { throw fail("only \(data.count) bytes") }
        let headerLength = LittleEndian.unsigned(data.prefix(8))
        guard headerLength <= UInt64(maxHeaderBytes), headerLength <= UInt64(data.count - 8) else {
            throw fail("header length \(headerLength) exceeds the file size \(data.count)")
        }
        let headerStart = data.startIndex + 8
        let headerData = data[headerStart..<(headerStart + Int(headerLength))]
        if let problem = headerData.withUnsafeBytes({ JSONHeaderScan.problem(in: $0, maxDepth: 4) }) {
            throw fail("header JSON: \(problem)")
        }
        guard let json = try? JSONSerialization.jsonObject(with: headerData) as? [String: Any] else {
            throw fail("header is not a JSON object")
        }
        return (json, headerStart + Int(headerLength))
    }

    /// A non-negative whole JSON number no larger than `CheckedArithmetic.ceiling`, or nil.
    static func integer(_ any: Any) -> Int? {
        guard let number = any as? NSNumber else { return nil }
        let d = number.doubleValue
        guard d >= 0, d <= Double(CheckedArithmetic.ceiling), d == d.rounded(.towardZero) else { return nil }
        return Int(d)
    }

    /// Checks one tensor entry: known dtype, sane shape, offsets inside the data that match the shape.
    static func entry(_ key: String, _ value: Any, bodyLength: Int, file: String) throws -> HeaderEntry {
        func fail(_ reason: String) -> CheckpointError { .malformed(file: file, reason: "not a valid safetensors file: \(reason)") }
        guard let info = value as? [String: Any],
              let dtypeName = info["dtype"] as? String,
              let shapeAny = info["shape"] as? [Any], shapeAny.count <= 16,
              let offsetsAny = info["data_offsets"] as? [Any], offsetsAny.count == 2 else {
            throw fail("entry '\(key)' lacks dtype, shape or data_offsets")
        }
        guard let dtype = DType(rawValue: dtypeName) else {
            throw CheckpointError.unsupportedDType(file: file, key: key, dtype: dtypeName)
        }
        let shape = try shapeAny.map { any -> Int in
            guard let n = integer(any) else { throw fail("bad shape for '\(key)'") }
            return n
        }
        let offsets = try offsetsAny.map { any -> Int in
            guard let n = integer(any) else { throw fail("bad offsets for '\(key)'") }
            return n
        }
        let math = CheckedArithmetic(file: file)
        let elements = try math.count(shape, "shape of '\(key)'")
        let bytes = try math.multiply(elements, dtype.byteSize, "byte size of '\(key)'")
        guard offsets[0] <= offsets[1], offsets[1] <= bodyLength, offsets[1] - offsets[0] == bytes else {
            throw fail("'\(key)' has offsets \(offsets) that do not fit shape \(shape) \(dtypeName) in \(bodyLength) data bytes")
        }
        return HeaderEntry(key: key, dtype: dtype, shape: shape, begin: offsets[0], end: offsets[1])
    }

    /// Converts `count` little-endian elements of `dtype` at `src` to Float32.
    static func decode(_ dtype: DType, from src: UnsafeRawPointer, into dst: UnsafeMutablePointer<Float>, count: Int) {
        switch dtype {
        case .f32:
            for i in 0..<count { dst[i] = Float(bitPattern: UInt32(littleEndian: src.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self))) }
        case .f64:
            for i in 0..<count { dst[i] = Float(Double(bitPattern: UInt64(littleEndian: src.loadUnaligned(fromByteOffset: 8 * i, as: UInt64.self)))) }
        case .f16:
            for i in 0..<count { dst[i] = halfToFloat(UInt16(littleEndian: src.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self))) }
        case .bf16:
            for i in 0..<count {
                let bits = UInt16(littleEndian: src.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self))
                dst[i] = Float(bitPattern: UInt32(bits) << 16)
            }
        case .i64:
            for i in 0..<count { dst[i] = Float(Int64(littleEndian: src.loadUnaligned(fromByteOffset: 8 * i, as: Int64.self))) }
        case .i32:
            for i in 0..<count { dst[i] = Float(Int32(littleEndian: src.loadUnaligned(fromByteOffset: 4 * i, as: Int32.self))) }
        case .i16:
            for i in 0..<count { dst[i] = Float(Int16(littleEndian: src.loadUnaligned(fromByteOffset: 2 * i, as: Int16.self))) }
        case .i8:
            for i in 0..<count { dst[i] = Float(src.load(fromByteOffset: i, as: Int8.self)) }
        case .u8:
            for i in 0..<count { dst[i] = Float(src.load(fromByteOffset: i, as: UInt8.self)) }
        case .bool:
            for i in 0..<count { dst[i] = src.load(fromByteOffset: i, as: UInt8.self) != 0 ? 1 : 0 }
        }
    }

    /// IEEE 754 binary16 to binary32, including subnormals, infinities and NaN.
    static func halfToFloat(_ h: UInt16) -> Float {
        let sign = UInt32(h & 0x8000) << 16
        let exponent = Int((h >> 10) & 0x1F)
        let mantissa = UInt32(h & 0x3FF)
        if exponent == 0 {
            if mantissa == 0 { return Float(bitPattern: sign) }
            let value = Float(mantissa) * Float(sign: .plus, exponent: -24, significand: 1)
            return sign != 0 ? -value : value
        }
        if exponent == 31 { return Float(bitPattern: sign | 0x7F80_0000 | (mantissa << 13)) }
        return Float(bitPattern: sign | (UInt32(exponent + 112) << 23) | (mantissa << 13))
    }
}
