import ArgumentParser
import Foundation
import MorphSupport

/// The named arguments of an ArgumentParser group by long name (as its JSON help dump lists them): which take a
/// value, which are flags, which repeat. A recipe step turns its keys into the command line with them.
public struct OptionNames: Equatable {
    /// Options that take a value (`--tile 256`).
    public private(set) var options: Set<String> = []
    /// Flags (`--eval`), including both spellings of an inversion (`--dropout`, `--no-dropout`).
    public private(set) var flags: Set<String> = []
    /// Options that may be given more than once (`--option a=1 --option b=2`).
    public private(set) var repeating: Set<String> = []
    /// The values an option takes when they are a fixed list (an enum's cases).
    public private(set) var values: [String: [String]] = [:]

    /// Every name, options and flags.
    public var all: Set<String> { options.union(flags) }

    /// The names of `type`'s options and flags, leaving out `--help`.
    public init<T: ParsableArguments>(_ type: T.Type) {
        let dump = Data(type._dumpHelp().utf8)
        guard let root = try? JSONSerialization.jsonObject(with: dump) as? [String: Any],
              let command = root["command"] as? [String: Any],
              let arguments = command["arguments"] as? [[String: Any]] else { return }
        for argument in arguments {
            let kind = argument["kind"] as? String
            let names = (argument["names"] as? [[String: Any]] ?? [])
                .filter { $0["kind"] as? String == "long" }.compactMap { $0["name"] as? String }
                .filter { $0 != "help" && $0 != "experimental-dump-help" }
            if kind == "flag" { flags.formUnion(names) }
            if kind == "option" {
                options.formUnion(names)
                if argument["isRepeating"] as? Bool == true { repeating.formUnion(names) }
                if let list = argument["allValues"] as? [String] { for name in names { values[name] = list } }
            }
        }
    }

    /// The first line of an ArgumentParser message, without its "Error: " prefix.
    static func oneLine(_ message: String) -> String {
        let line = ErrorText.firstLine(message)
        return line.hasPrefix("Error: ") ? String(line.dropFirst(7)) : line
    }
}
