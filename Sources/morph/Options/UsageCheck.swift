import ArgumentParser
import Foundation
import MorphOptions
import MorphSupport

/// Misspelled command names and long options, caught before ArgumentParser parses, as one line with a
/// "did you mean" (the spelling rule recipes use): ArgumentParser would run the command's own checks first, so
/// `morph train cyclegan --dat x` said "a new run needs --data", and its messages carry a usage block.
enum UsageCheck {
    /// Long options every command accepts besides its own.
    static let builtIn: Set<String> = ["help", "experimental-dump-help"]

    /// The one-line problem with `arguments` (the program name left out), or nil when ArgumentParser should parse them.
    static func problem(in arguments: [String]) -> String? {
        var command: ParsableCommand.Type = Morph.self
        var path = ["morph"]
        var rest = arguments[...]
        // Down the subcommands the arguments name.
        while let word = rest.first, !command.configuration.subcommands.isEmpty {
            let subcommands = command.configuration.subcommands
            if let next = subcommands.first(where: { $0._commandName == word }) {
                command = next
                path.append(word)
                rest = rest.dropFirst()
                continue
            }
            if word.hasPrefix("-") || word == "help" { break }
            if let near = Spelling.nearest(word, among: subcommands.map { $0._commandName }) {
                return "unknown command '\(word)' (did you mean '\(near)'?)"
            }
            if command.configuration.defaultSubcommand == nil {
                return "unknown command '\(word)' (\(path.joined(separator: " ")) --help lists the commands)"
            }
            break
        }
        if !command.configuration.subcommands.isEmpty {
            guard let fallback = command.configuration.defaultSubcommand else { return nil }
            command = fallback
        }
        return unknownOption(in: rest, names: OptionNames(command), shortNames: shortNames(of: command),
                             command: path.joined(separator: " "))
    }

    /// The one-letter names of `command`'s options and flags, `-h` included.
    static func shortNames<T: ParsableArguments>(of command: T.Type) -> Set<String> {
        var names: Set<String> = ["h"]
        guard let root = try? JSONSerialization.jsonObject(with: Data(command._dumpHelp().utf8)) as? [String: Any],
              let arguments = (root["command"] as? [String: Any])?["arguments"] as? [[String: Any]] else { return names }
        for argument in arguments {
            for name in argument["names"] as? [[String: Any]] ?? [] where name["kind"] as? String == "short" {
                if let letter = name["name"] as? String { names.insert(letter) }
            }
        }
        return names
    }

    /// The first `--name` that `names` lacks (or `-x` that `shortNames` lacks), skipping the value after each long
    /// option that takes one, up to `--`.
    static func unknownOption(in words: ArraySlice<String>, names: OptionNames, shortNames: Set<String>,
                              command: String) -> String? {
        var index = words.startIndex
        while index < words.endIndex {
            let word = words[index]
            index += 1
            if word == "--" { return nil }
            if word.count == 2, word.hasPrefix("-"), let letter = word.last, letter.isLetter,
               !shortNames.contains(String(letter)) {
                // Only a different case is a near miss of one letter (`-O` for `-o`).
                let hint = shortNames.first { $0.lowercased() == letter.lowercased() }.map { "did you mean '-\($0)'?" }
                    ?? "\(command) --help lists the options"
                return "unknown option '\(word)' (\(hint))"
            }
            guard word.hasPrefix("--") else { continue }
            let name = String(word.dropFirst(2).prefix { $0 != "=" })
            if names.options.contains(name) {
                if !word.contains("=") { index += 1 }
                continue
            }
            if names.flags.contains(name) || builtIn.contains(name) { continue }
            let hint = Spelling.nearest(name, among: names.all).map { "did you mean '--\($0)'?" }
                ?? "\(command) --help lists the options"
            return "unknown option '--\(name)' (\(hint))"
        }
        return nil
    }
}
