import Foundation

/// One architecture as Morph describes it everywhere: a registry name (`resnet_9blocks`, `rrdbnet`, `n_layers`…)
/// and its constructor options, by the registry's keys. Detection returns it, `ArchitectureRegistry` builds from it,
/// training names its networks with it and checkpoints store it as `morph.*` metadata.
///
/// Super-resolution networks carry their factor as an option (`scale` for rrdbnet, `upscale` for srresnet and srvgg);
/// `scale` reads it.
public struct ArchitectureConfiguration: Equatable, Sendable, CustomStringConvertible {
    /// One option value: an integer, a string or a flag.
    public enum Value: Equatable, Sendable, CustomStringConvertible, Codable {
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

    /// The option keys that hold a super-resolution network's factor.
    public static let scaleKeys = ["scale", "upscale"]

    /// The registry name.
    public var name: String
    /// Constructor options by the registry's keys (`n_blocks`, `ngf`, `norm`…); absent ones take the registry default.
    public var options: [String: Value]

    /// Creates a configuration.
    public init(name: String, options: [String: Value] = [:]) {
        self.name = name
        self.options = options
    }

    /// Creates a configuration from options given as text (the CLI's `--option key=value`, recipes).
    public init(name: String, parsing options: [String: String]) {
        self.init(name: name, options: options.mapValues(Value.init(parsing:)))
    }

    /// The options as text, as the registry parses them.
    public var textOptions: [String: String] { options.mapValues(\.description) }

    /// The output/input size ratio: the `scale` or `upscale` option, else 1 (translators, discriminators, inpainters).
    public var scale: Int {
        Self.scaleKeys.lazy.compactMap { self.int($0) }.first ?? 1
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

    /// `name key=value …`, keys sorted.
    public var description: String {
        ([name] + options.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }).joined(separator: " ")
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

    /// The configuration as safetensors metadata (`morph.arch`, `morph.options` JSON with sorted keys, `morph.scale`).
    public var metadata: [String: String] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data = (try? encoder.encode(options)) ?? Data("{}".utf8)
        return [MetadataKey.arch: name, MetadataKey.options: String(decoding: data, as: UTF8.self),
                MetadataKey.scale: String(scale)]
    }

    /// Reads a configuration back from metadata; nil when `morph.arch` is absent. A `morph.scale` above 1 with no
    /// factor among the options (files that stored it only there) becomes the `scale` option, which every
    /// super-resolution network accepts.
    /// - Throws: `CheckpointError.malformed` when `morph.options` or `morph.scale` is unreadable.
    public init?(metadata: [String: String], file: String = "") throws {
        guard let name = metadata[MetadataKey.arch] else { return nil }
        var options: [String: Value] = [:]
        if let text = metadata[MetadataKey.options] {
            do { options = try JSONDecoder().decode([String: Value].self, from: Data(text.utf8)) } catch {
                throw CheckpointError.malformed(file: file, reason: "morph.options is not a JSON object of numbers, strings and flags")
            }
        }
        if let text = metadata[MetadataKey.scale] {
            guard let s = Int(text), s >= 1, s <= 16 else {
                throw CheckpointError.malformed(file: file, reason: "morph.scale '\(text)' is not an integer from 1 to 16")
            }
            if s > 1, !Self.scaleKeys.contains(where: { options[$0] != nil }) { options["scale"] = .int(s) }
        }
        self.init(name: name, options: options)
    }
}
