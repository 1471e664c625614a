import Foundation
import MorphOptions
import Yams

extension RecipeParser {
    /// The keys of an image step that the recipe resolves itself (paths against its folder) before its command's
    /// parser sees them.
    static let resolvedKeys: Set<String> = ["task", "input", "model", "output", "mask"]

    /// Parses an image step's keys as its command's options, by the command's own names and through its own parser:
    /// each key on its own first (an issue at its value), then all together (an issue at the step).
    static func imageOptions(_ command: ImageCommand, values: [String: (key: Node, value: Node)], model: String?,
                             output: URL?, mask: URL?, node: Node, issues: inout [RecipeIssue]) -> ImageCommandOptions? {
        let names = command.optionNames
        var base = ["--model=\(model ?? "-")", "--output=\(output?.path ?? "-")"]
        if command == .inpaint { base.append("--mask=\(mask?.path ?? "-")") }
        let before = issues.count
        var arguments: [String] = []
        for (key, entry) in values.sorted(by: { $0.key < $1.key }) where !resolvedKeys.contains(key) {
            guard let tokens = commandLine(key, entry.value, names, issues: &issues) else { continue }
            do { _ = try command.parse(base + tokens) } catch {
                issues.append(issue(entry.value, command.message(for: error)))
                continue
            }
            arguments += tokens
        }
        guard issues.count == before else { return nil }
        do { return try command.parse(base + arguments) } catch {
            issues.append(issue(node, command.message(for: error)))
            return nil
        }
    }

    /// A step key and its value as command-line words: `--name=value` (once per list item for a repeatable option),
    /// `--flag` for a true flag, `--no-flag` or nothing for a false one.
    static func commandLine(_ key: String, _ value: Node, _ names: OptionNames, issues: inout [RecipeIssue]) -> [String]? {
        if names.flags.contains(key) {
            guard let flag = value.bool else {
                issues.append(issue(value, "'\(key)' must be true or false, got '\(value.string ?? "a collection")'"))
                return nil
            }
            // A false flag is its inversion when it has one (`dropout: false` is `--no-dropout`).
            return flag ? ["--\(key)"] : names.flags.contains("no-\(key)") ? ["--no-\(key)"] : []
        }
        var items = [value]
        if case .sequence(let list) = value, names.repeating.contains(key) { items = Array(list) }
        var words: [String] = []
        for item in items {
            guard case .scalar(let scalar) = item, !scalar.string.isEmpty else {
                issues.append(issue(item, "'\(key)' must be a single value"
                    + (names.repeating.contains(key) ? " or a list of them" : "") + ", got '\(item.string ?? "a collection")'"))
                return nil
            }
            words.append("--\(key)=\(scalar.string)")
        }
        return words
    }
}
