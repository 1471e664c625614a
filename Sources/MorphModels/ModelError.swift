/// Errors raised while building a model from a name and options, or running it on a bad input.
public enum ModelError: Error, CustomStringConvertible, Equatable {
    /// No architecture has this name.
    case unknownArchitecture(String, known: [String])
    /// The architecture takes no option of this name.
    case unknownOption(architecture: String, option: String, known: [String])
    /// An option's value could not be parsed or is out of range.
    case badOptionValue(architecture: String, option: String, value: String, expected: String)
    /// The options parse but describe no valid network.
    case invalidConfiguration(architecture: String, String)
    /// The input tensor does not fit the model (channels, size).
    case badInput(model: String, String)

    public var description: String {
        switch self {
        case let .unknownArchitecture(name, known):
            return "unknown architecture '\(name)' (known: \(known.joined(separator: ", ")))"
        case let .unknownOption(arch, option, known):
            return "\(arch): unknown option '\(option)' (known: \(known.sorted().joined(separator: ", ")))"
        case let .badOptionValue(arch, option, value, expected):
            return "\(arch): option \(option)=\(value) is invalid, expected \(expected)"
        case let .invalidConfiguration(arch, message):
            return "\(arch): \(message)"
        case let .badInput(model, message):
            return "\(model): \(message)"
        }
    }
}
