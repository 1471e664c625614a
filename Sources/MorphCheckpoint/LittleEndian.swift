import Foundation

/// Little-endian integers as checkpoint formats store them (safetensors' header length, the element counts of
/// legacy PyTorch files, pickle's integer opcodes, zip records).
enum LittleEndian {
    /// The unsigned value of up to 8 bytes, least significant first. Callers check the bytes are there.
    static func unsigned<Bytes: Collection>(_ bytes: Bytes) -> UInt64 where Bytes.Element == UInt8 {
        precondition(bytes.count <= 8, "more than 8 bytes for one integer")
        var value: UInt64 = 0
        for (i, byte) in bytes.enumerated() { value |= UInt64(byte) << (8 * UInt64(i)) }
        return value
    }
}
