import MorphTensor

/// Errors raised by modules, state-dict loading, optimizers and schedules.
public enum NNError: Error, CustomStringConvertible, Equatable {
    /// A state dict does not fit the module: keys it lacks, keys the module does not have,
    /// and keys whose shapes differ (`key: module shape vs given shape`).
    case stateDictMismatch(missing: [String], unexpected: [String], shapeMismatches: [ShapeMismatch])
    /// A layer got an input it cannot handle.
    case badInput(layer: String, String)
    /// A saved optimizer or schedule state cannot be restored.
    case badState(owner: String, String)
    /// An argument outside the valid range.
    case invalidArgument(String)

    /// One key whose stored shape differs from the module's.
    public struct ShapeMismatch: Equatable, CustomStringConvertible {
        /// The state-dict key.
        public let key: String
        /// The module's shape for the key.
        public let expected: [Int]
        /// The shape given.
        public let got: [Int]

        public var description: String { "\(key): expected \(expected), got \(got)" }
    }

    public var description: String {
        switch self {
        case let .stateDictMismatch(missing, unexpected, mismatches):
            var parts: [String] = []
            if !missing.isEmpty { parts.append("missing keys \(NNError.list(missing))") }
            if !unexpected.isEmpty { parts.append("unexpected keys \(NNError.list(unexpected))") }
            if !mismatches.isEmpty {
                parts.append("shape mismatches [\(mismatches.map(\.description).joined(separator: "; "))]")
            }
            return "state dict does not match the model: " + parts.joined(separator: ", ")
        case let .badInput(layer, message):
            return "\(layer): \(message)"
        case let .badState(owner, message):
            return "\(owner) state: \(message)"
        case let .invalidArgument(message):
            return message
        }
    }

    /// Lists up to 20 keys, then a count of the rest.
    static func list(_ keys: [String]) -> String {
        let shown = keys.prefix(20).joined(separator: ", ")
        return keys.count > 20 ? "[\(shown), … and \(keys.count - 20) more]" : "[\(shown)]"
    }
}
