import Foundation

/// Errors of training: bad data folders, unreadable run state, impossible configurations.
public enum TrainError: Error, CustomStringConvertible, Equatable {
    /// A dataset folder is missing or holds no images.
    case dataset(path: String, String)
    /// An option value cannot work (named option, value, why).
    case badOption(option: String, value: String, String)
    /// A run folder's file is missing, unreadable or inconsistent with the options.
    case runState(file: String, String)
    /// Writing a run file failed.
    case io(file: String, String)

    public var description: String {
        switch self {
        case let .dataset(path, message): return "\(path): \(message)"
        case let .badOption(option, value, message): return "--\(option) \(value): \(message)"
        case let .runState(file, message): return "\(file): \(message)"
        case let .io(file, message): return "\(file): \(message)"
        }
    }
}
