import Foundation
import MorphOptions
import MorphTrain
import Yams

extension RecipeParser {
    /// `morph train` options a train step gives by its own keys: `input` is `--data`, `output` is `--out`, and a run
    /// already in the output folder is resumed.
    static let trainStepKeys: [String: String] = ["data": "input", "out": "output", "resume": "output"]

    /// Parses a train step's `options` as `morph train <kind>`'s command line, through that command's own parser: each
    /// option on its own first (an issue at its value, or at its name when the kind has no such option), then all
    /// together, then the checks the kind's trainer makes.
    static func trainOptions(_ kind: TrainModelKind, options entry: (key: Node, value: Node)?, input: URL?, output: URL?,
                             node: Node, issues: inout [RecipeIssue]) -> TrainOptions? {
        let names = kind.optionNames
        let base = ["--data=\(input?.path ?? "-")", "--out=\(output?.path ?? "-")"]
        let before = issues.count
        var arguments: [String] = []
        if let entry {
            guard case .mapping(let map) = entry.value else {
                issues.append(issue(entry.value, "'options' must be a mapping of option names to values"))
                return nil
            }
            for (k, v) in map {
                guard let key = k.string else { issues.append(issue(k, "option names must be strings")); continue }
                if let stepKey = trainStepKeys[key] {
                    issues.append(issue(k, "options: --\(key) is the step's '\(stepKey)'"))
                    continue
                }
                guard names.all.contains(key) else {
                    issues.append(issue(k, "options: --\(key) is not an option of morph train \(kind.rawValue)"
                        + suggestion(key, names.all.subtracting(trainStepKeys.keys))))
                    continue
                }
                guard let words = commandLine(key, v, names, issues: &issues) else { continue }
                do { _ = try kind.parse(base + words) } catch {
                    issues.append(issue(v, "options: " + kind.message(for: error)))
                    continue
                }
                arguments += words
            }
        }
        guard issues.count == before else { return nil }
        let options: TrainOptions
        do { options = try kind.parse(base + arguments).options } catch {
            issues.append(issue(entry?.value ?? node, "options: " + kind.message(for: error)))
            return nil
        }
        do {
            // The checks the kind's trainer makes before it starts.
            try options.validate()
        } catch {
            issues.append(issue(entry?.value ?? node, "options: \(error)"))
            return nil
        }
        return options
    }
}
