import Foundation
import MorphSupport
import MorphTensor

extension SafeTensors {
    /// Encodes tensors as safetensors bytes: F32, or F16/BF16 rounded to nearest even.
    /// Tensors keep the given order in the header and body; `metadata` becomes `__metadata__`.
    public static func serialize(_ tensors: [(String, Tensor)], metadata: [String: String] = [:],
                                 dtype: DType = .f32) throws -> Data {
        guard [.f32, .f16, .bf16].contains(dtype) else {
            throw CheckpointError.unsupportedDType(file: "(writing)", key: "*", dtype: dtype.rawValue)
        }
        var seen = Set<String>()
        var header = "{"
        if !metadata.isEmpty {
            let pairs = try metadata.keys.sorted().map { "\(try jsonString($0)):\(try jsonString(metadata[$0] ?? ""))" }
            header += "\"__metadata__\":{\(pairs.joined(separator: ","))}"
        }
        var offset = 0
        for (name, tensor) in tensors {
            guard name != "__metadata__", seen.insert(name).inserted else {
                throw CheckpointError.malformed(file: "(writing)", reason: "duplicate or reserved tensor name '\(name)'")
            }
            let bytes = tensor.count * dtype.byteSize
            if header.count > 1 { header += "," }
            header += "\(try jsonString(name)):{\"dtype\":\"\(dtype.rawValue)\",\"shape\":\(tensor.shape),"
                + "\"data_offsets\":[\(offset),\(offset + bytes)]}"
            offset += bytes
        }
        header += "}"
        // Pad the header with spaces so the body starts 8-byte aligned, as the reference writer does.
        while (header.utf8.count % 8) != 0 { header += " " }
        var out = Data(capacity: 8 + header.utf8.count + offset)
        var length = UInt64(header.utf8.count).littleEndian
        withUnsafeBytes(of: &length) { out.append(contentsOf: $0) }
        out.append(contentsOf: Array(header.utf8))
        for (_, tensor) in tensors {
            let n = tensor.count
            let src = tensor.data
            switch dtype {
            case .f32:
                var chunk = [UInt8](repeating: 0, count: 4 * n)
                chunk.withUnsafeMutableBytes { dst in
                    for i in 0..<n { dst.storeBytes(of: src[i].bitPattern.littleEndian, toByteOffset: 4 * i, as: UInt32.self) }
                }
                out.append(contentsOf: chunk)
            case .f16, .bf16:
                var chunk = [UInt8](repeating: 0, count: 2 * n)
                chunk.withUnsafeMutableBytes { dst in
                    for i in 0..<n {
                        let h = dtype == .f16 ? floatToHalf(src[i]) : floatToBFloat16(src[i])
                        dst.storeBytes(of: h.littleEndian, toByteOffset: 2 * i, as: UInt16.self)
                    }
                }
                out.append(contentsOf: chunk)
            default:
                break  // refused above
            }
        }
        return out
    }

    /// Writes a safetensors file atomically: a temporary file in the same folder, then a rename.
    /// - Throws: `CheckpointError.io` naming the file when it cannot be written.
    public static func write(_ tensors: [(String, Tensor)], metadata: [String: String] = [:],
                             dtype: DType = .f32, to url: URL) throws {
        let bytes = try serialize(tensors, metadata: metadata, dtype: dtype)
        try writeAtomically(bytes, to: url)
    }

    /// Writes `bytes` to a hidden temporary file beside `url`, then renames it over `url`.
    static func writeAtomically(_ bytes: Data, to url: URL) throws {
        do { try FileSystem.write(bytes, to: url) } catch let failure as FileSystem.WriteFailure {
            throw CheckpointError.io(file: url.path, reason: failure.message)
        }
    }

    /// A JSON string literal for `s`.
    static func jsonString(_ s: String) throws -> String {
        let data = try JSONSerialization.data(withJSONObject: [s], options: [.fragmentsAllowed])
        let text = String(decoding: data, as: UTF8.self)
        return String(text.dropFirst().dropLast())  // strip the array brackets
    }

    /// IEEE 754 binary32 to binary16 with round-to-nearest-even; overflow gives infinity, NaN stays NaN.
    public static func floatToHalf(_ f: Float) -> UInt16 {
        let x = f.bitPattern
        let sign = UInt16((x >> 16) & 0x8000)
        let exponent = Int((x >> 23) & 0xFF)
        var mantissa = x & 0x7F_FFFF
        if exponent == 0xFF { return sign | 0x7C00 | (mantissa != 0 ? 0x200 | UInt16(mantissa >> 13) : 0) }
        let e = exponent - 127 + 15
        if e >= 31 { return sign | 0x7C00 }
        if e <= 0 {
            if e < -10 { return sign }
            mantissa |= 0x80_0000
            let shift = UInt32(14 - e)
            var h = mantissa >> shift
            let rest = mantissa & ((1 << shift) - 1)
            let half = UInt32(1) << (shift - 1)
            if rest > half || (rest == half && (h & 1) == 1) { h += 1 }
            return sign | UInt16(h)
        }
        var h = (UInt32(e) << 10) | (mantissa >> 13)
        let rest = mantissa & 0x1FFF
        if rest > 0x1000 || (rest == 0x1000 && (h & 1) == 1) { h += 1 }  // a carry may round up to infinity
        return sign | UInt16(h)
    }

    /// IEEE 754 binary32 to bfloat16 with round-to-nearest-even; NaN stays a quiet NaN.
    public static func floatToBFloat16(_ f: Float) -> UInt16 {
        let x = f.bitPattern
        if f.isNaN { return UInt16(x >> 16) | 0x40 }
        let rounding = 0x7FFF + ((x >> 16) & 1)
        return UInt16((x &+ rounding) >> 16)
    }
}
