import Foundation

/// A model architecture as Morph's registry names it: a name, its options and the upscale factor.
public struct ArchitectureSpec: Equatable, CustomStringConvertible {
    /// One option value: an integer, a string or a flag.
    public enum Value: Equatable, CustomStringConvertible, Codable {
        case int(Int), string(String), bool(Bool)

        /// An option given as text: an integer, `true` / `false`, or else a string.
        public init(parsing raw: String) {
            if let i = Int(raw) { self = .int(i) } else if raw == "true" || raw == "false" { self = .bool(raw == "true") } else {
                self = .string(raw)
            }
        }

        public init(from decoder: Decoder) throws {
            let c = try decoder.singleValueContainer()
            if let b = try? c.decode(Bool.self) { self = .bool(b) } else if let i = try? c.decode(Int.self) {
                self = .int(i)
            } else {
                self = .string(try c.decode(String.self))
            }
        }

        public func encode(to encoder: Encoder) throws {
            var c = encoder.singleValueContainer()
            switch self {
            case let .int(v): try c.encode(v)
            case let .string(s): try c.encode(s)
            case let .bool(b): try c.encode(b)
            }
        }

        public var description: String {
            switch self {
            case let .int(v): return "\(v)"
            case let .string(s): return s
            case let .bool(b): return b ? "true" : "false"
            }
        }
    }

    /// The architecture name: `resnet`, `unet`, `rrdbnet`, `srvgg`, `srresnet`, `nlayer`, `pixel`.
    public var name: String
    /// Constructor options (e.g. `n_blocks`, `ngf`, `norm`).
    public var options: [String: Value]
    /// The output/input size ratio (1 for image-to-image translators and discriminators).
    public var scale: Int

    /// Creates a spec.
    public init(name: String, options: [String: Value] = [:], scale: Int = 1) {
        self.name = name
        self.options = options
        self.scale = scale
    }

    /// An integer option, if present.
    public func int(_ key: String) -> Int? {
        if case let .int(v)? = options[key] { return v }
        return nil
    }

    /// A string option, if present.
    public func string(_ key: String) -> String? {
        if case let .string(v)? = options[key] { return v }
        return nil
    }

    /// A flag option, if present.
    public func bool(_ key: String) -> Bool? {
        if case let .bool(v)? = options[key] { return v }
        return nil
    }

    public var description: String {
        let opts = options.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        return "\(name) ×\(scale) \(opts)"
    }

    // MARK: Safetensors metadata

    /// The metadata keys Morph writes into safetensors files.
    public enum MetadataKey {
        /// The architecture name.
        public static let arch = "morph.arch"
        /// The options as a JSON object string.
        public static let options = "morph.options"
        /// The scale as a decimal string.
        public static let scale = "morph.scale"
    }

    /// The spec as safetensors metadata (`morph.arch`, `morph.options` JSON, `morph.scale`).
    public var metadata: [String: String] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data = (try? encoder.encode(options)) ?? Data("{}".utf8)
        return [MetadataKey.arch: name, MetadataKey.options: String(decoding: data, as: UTF8.self),
                MetadataKey.scale: String(scale)]
    }

    /// Reads a spec back from metadata; nil when `morph.arch` is absent.
    /// - Throws: `CheckpointError.malformed` when `morph.options` or `morph.scale` is unreadable.
    public init?(metadata: [String: String], file: String = "") throws {
        guard let name = metadata[MetadataKey.arch] else { return nil }
        var options: [String: Value] = [:]
        if let text = metadata[MetadataKey.options] {
            do { options = try JSONDecoder().decode([String: Value].self, from: Data(text.utf8)) } catch {
                throw CheckpointError.malformed(file: file, reason: "morph.options is not a JSON object of numbers, strings and flags")
            }
        }
        var scale = 1
        if let text = metadata[MetadataKey.scale] {
            guard let s = Int(text), s >= 1, s <= 16 else {
                throw CheckpointError.malformed(file: file, reason: "morph.scale '\(text)' is not an integer from 1 to 16")
            }
            scale = s
        }
        self.init(name: name, options: options, scale: scale)
    }
}
