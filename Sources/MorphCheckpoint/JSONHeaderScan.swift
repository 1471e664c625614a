import Foundation

/// A single pass over a JSON text (a safetensors header) before it is parsed: it refuses nesting deeper
/// than a small limit (so no recursive parser ever sees deep input) and repeated keys in any object
/// (JSON parsers keep the last one silently, which would let a file hide a tensor).
enum JSONHeaderScan {
    /// One open object or array.
    private struct Level {
        let isObject: Bool
        var expectKey: Bool
        var keys: Set<[UInt8]> = []
    }

    /// Checks `bytes`; returns nil when fine, else the problem.
    static func problem(in bytes: UnsafeRawBufferPointer, maxDepth: Int) -> String? {
        var levels: [Level] = []
        var i = 0
        let n = bytes.count
        while i < n {
            let c = bytes[i]
            switch c {
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                guard levels.count < maxDepth else { return "nested deeper than \(maxDepth) levels" }
                let object = c == UInt8(ascii: "{")
                levels.append(Level(isObject: object, expectKey: object))
                i += 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                guard levels.popLast() != nil else { return "unbalanced brackets" }
                i += 1
            case UInt8(ascii: ","):
                if let last = levels.indices.last, levels[last].isObject { levels[last].expectKey = true }
                i += 1
            case UInt8(ascii: "\""):
                var j = i + 1
                var token: [UInt8] = []
                var escaped = false
                while j < n, bytes[j] != UInt8(ascii: "\"") {
                    if bytes[j] == UInt8(ascii: "\\"), j + 1 < n {
                        escaped = true
                        token.append(bytes[j])
                        j += 1
                    }
                    token.append(bytes[j])
                    j += 1
                }
                guard j < n else { return "unterminated string" }
                if let last = levels.indices.last, levels[last].expectKey {
                    let key = escaped ? unescaped(token) : token
                    guard levels[last].keys.insert(key).inserted else {
                        return "the key \"\(String(decoding: key.prefix(60), as: UTF8.self))\" appears twice"
                    }
                    levels[last].expectKey = false
                }
                i = j + 1
            default:
                i += 1
            }
        }
        return nil
    }

    /// The bytes of a JSON string token with its escapes decoded (by the JSON parser, on a tiny flat input).
    private static func unescaped(_ token: [UInt8]) -> [UInt8] {
        let wrapped = Data([UInt8(ascii: "["), UInt8(ascii: "\"")] + token + [UInt8(ascii: "\""), UInt8(ascii: "]")])
        if let array = try? JSONSerialization.jsonObject(with: wrapped) as? [String], let s = array.first {
            return Array(s.utf8)
        }
        return token
    }
}
