import Foundation

/// One option an architecture takes: its name, default and what values it accepts.
public struct OptionSpec: Equatable, CustomStringConvertible {
    /// What values an option accepts.
    public enum Kind: Equatable {
        /// An integer in the closed range.
        case int(ClosedRange<Int>)
        /// true/false (also 1/0, yes/no).
        case bool
        /// One of the listed words.
        case choice([String])
    }

    /// The option's name, as the reference code spells it (`ngf`, `num_feat`).
    public let key: String
    /// The value used when the option is not given.
    public let defaultValue: String
    /// Accepted values.
    public let kind: Kind
    /// Other names accepted for the same option (`upscale` for `scale`).
    public let aliases: [String]

    /// Creates a spec.
    public init(_ key: String, _ defaultValue: String, _ kind: Kind, aliases: [String] = []) {
        self.key = key
        self.defaultValue = defaultValue
        self.kind = kind
        self.aliases = aliases
    }

    /// What a valid value looks like, for error messages.
    public var expected: String {
        switch kind {
        case let .int(range): return "an integer in \(range.lowerBound)…\(range.upperBound)"
        case .bool: return "true or false"
        case let .choice(words): return "one of \(words.joined(separator: ", "))"
        }
    }

    public var description: String { "\(key)=\(defaultValue) (\(expected))" }
}

/// Options for one architecture, parsed and checked against its specs: every value valid, no unknown key.
public struct ArchitectureOptions {
    /// The architecture these options are for (for messages).
    public let architecture: String
    private let values: [String: String]

    /// Validates `raw` (string keys and values, e.g. from a recipe or the CLI) against `specs`,
    /// filling defaults.
    /// - Throws: `ModelError.unknownOption` or `ModelError.badOptionValue`, naming the key and value.
    public init(architecture: String, specs: [OptionSpec], raw: [String: String]) throws {
        self.architecture = architecture
        var byName: [String: OptionSpec] = [:]
        for spec in specs {
            byName[spec.key] = spec
            for alias in spec.aliases { byName[alias] = spec }
        }
        var values: [String: String] = [:]
        for spec in specs { values[spec.key] = spec.defaultValue }
        for key in raw.keys.sorted() {
            guard let spec = byName[key], let value = raw[key] else {
                throw ModelError.unknownOption(architecture: architecture, option: key, known: specs.map(\.key))
            }
            let trimmed = value.trimmingCharacters(in: .whitespaces).lowercased()
            guard ArchitectureOptions.accepts(spec, trimmed) else {
                throw ModelError.badOptionValue(architecture: architecture, option: key, value: value,
                                                expected: spec.expected)
            }
            values[spec.key] = trimmed
        }
        self.values = values
    }

    /// The integer option `key`.
    public func int(_ key: String) throws -> Int {
        guard let s = values[key], let v = Int(s) else { throw missing(key) }
        return v
    }

    /// The boolean option `key`.
    public func bool(_ key: String) throws -> Bool {
        guard let s = values[key], let v = ArchitectureOptions.parseBool(s) else { throw missing(key) }
        return v
    }

    /// The choice option `key` as an enum.
    public func choice<E: RawRepresentable>(_ key: String, as type: E.Type = E.self) throws -> E
        where E.RawValue == String {
        guard let s = values[key], let v = E(rawValue: s) else { throw missing(key) }
        return v
    }

    /// The effective value of every option, defaults included.
    public var all: [String: String] { values }

    private func missing(_ key: String) -> ModelError {
        .invalidConfiguration(architecture: architecture, "option \(key) is not defined for this architecture")
    }

    private static func accepts(_ spec: OptionSpec, _ value: String) -> Bool {
        switch spec.kind {
        case let .int(range): return Int(value).map(range.contains) ?? false
        case .bool: return parseBool(value) != nil
        case let .choice(words): return words.contains(value)
        }
    }

    private static func parseBool(_ s: String) -> Bool? {
        switch s {
        case "true", "1", "yes", "on": return true
        case "false", "0", "no", "off": return false
        default: return nil
        }
    }
}
