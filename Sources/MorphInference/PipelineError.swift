import Foundation

/// Errors of the inference pipeline; each prints as one line, naming the file when there is one.
public enum PipelineError: Error, CustomStringConvertible, Equatable {
    /// The model file cannot be used: unreadable, unknown architecture, or its weights do not fit the model.
    case model(file: String, String)
    /// The command line asks for something impossible (output inside the input, no inputs, bad option).
    case usage(String)
    /// One input image cannot be processed.
    case input(file: String, String)

    public var description: String {
        switch self {
        case let .model(file, message): return "\(file): \(message)"
        case let .usage(message): return message
        case let .input(file, message): return "\(file): \(message)"
        }
    }

    /// Text of any error without a leading "`file`: " when it repeats `file`.
    static func cause(_ error: Error, dropping file: String) -> String {
        let text = String(describing: error)
        let prefix = file + ": "
        return text.hasPrefix(prefix) ? String(text.dropFirst(prefix.count)) : text
    }
}
