import Foundation
import MorphSupport
import MorphImage
import MorphTrain
import MorphOptions
import Yams

/// Reads a YAML recipe into a `Recipe`, collecting every problem with its line and column.
///
/// A recipe is either one step at the top level or `steps:` with a list of steps:
/// ```yaml
/// name: horse to zebra, then ×4
/// steps:
///   - task: translate
///     model: models/horse2zebra.pth
///     input: photos
///     output: zebras
///   - task: upscale            # no input: works on the files the previous step wrote
///     model: morph-sr-x4
///     output: zebras-x4
/// ```
/// A train step's output is a run folder: a later step may name it as its `model`, but cannot chain from it.
public enum RecipeParser {
    static let topKeys: Set<String> = ["name", "description", "steps"]
    /// The keys of every step; an image step also takes its command's options, a train step `kind` and `options`.
    static let commonKeys: Set<String> = ["task", "model", "input", "output"]
    static let trainKeys: Set<String> = ["kind", "options"]
    /// The trainers this build has, for messages.
    static var trainKinds: String { TrainModelKind.allCases.map(\.rawValue).sorted().joined(separator: ", ") }

    /// The keys a step of `task` takes (every task's for an unknown one).
    static func stepKeys(_ task: RecipeTask?) -> Set<String> {
        guard let task else { return RecipeTask.allCases.reduce(commonKeys) { $0.union(stepKeys($1)) } }
        return commonKeys.union(task.imageCommand?.optionNames.all ?? trainKeys)
    }

    /// Parses and validates the recipe at `url`, resolving relative paths against its folder.
    /// Command-line overrides replace the first step's input and the last step's output.
    public static func load(_ url: URL, environment: RecipeEnvironment = RecipeEnvironment(),
                            inputOverride: URL? = nil, outputOverride: URL? = nil) throws -> Recipe {
        let text: String
        do { text = try String(contentsOf: url, encoding: .utf8) } catch {
            throw RecipeError(file: url.path, issues: [RecipeIssue(line: 0, column: 0,
                message: "cannot read the recipe: " + ErrorText.line(error, dropping: url.path))])
        }
        return try parse(text, file: url, environment: environment, inputOverride: inputOverride, outputOverride: outputOverride)
    }

    /// Parses recipe text. `file` gives the folder for relative paths and the name for messages.
    public static func parse(_ text: String, file: URL, environment: RecipeEnvironment = RecipeEnvironment(),
                             inputOverride: URL? = nil, outputOverride: URL? = nil) throws -> Recipe {
        var issues: [RecipeIssue] = []
        if let (line, message) = YAMLDepthCheck.problem(in: text) {
            throw RecipeError(file: file.path, issues: [RecipeIssue(line: line, column: 1, message: message)])
        }
        let root: Node
        do {
            guard let node = try Yams.compose(yaml: text) else {
                throw RecipeError(file: file.path, issues: [RecipeIssue(line: 1, column: 1, message: "the recipe is empty")])
            }
            root = node
        } catch let error as RecipeError {
            throw error
        } catch let error as YamlError {
            throw RecipeError(file: file.path, issues: [yamlIssue(error)])
        } catch {
            throw RecipeError(file: file.path, issues: [RecipeIssue(line: 0, column: 0, message: "\(error)")])
        }
        guard case .mapping(let top) = root else {
            throw RecipeError(file: file.path, issues: [issue(root, "a recipe is a mapping with 'steps:' or one step's keys")])
        }
        let base = file.absoluteURL.standardizedFileURL.deletingLastPathComponent()
        var name: String?
        var stepNodes: [Node] = []
        if top.keys.contains(where: { $0.string == "steps" }) {
            for (key, value) in top {
                let k = key.string ?? ""
                if !topKeys.contains(k) {
                    let keys = stepKeys(nil)
                    issues.append(issue(key, "unknown key '\(k)'\(suggestion(k, topKeys.union(keys)))" +
                                        (keys.contains(k) ? " (step keys belong inside 'steps')" : "")))
                } else if k == "name" {
                    name = value.string
                } else if k == "steps" {
                    guard case .sequence(let seq) = value, !seq.isEmpty else {
                        issues.append(issue(value, "'steps' must be a non-empty list"))
                        continue
                    }
                    stepNodes = Array(seq)
                }
            }
        } else {
            name = top[Node("name")]?.string
            var single = top
            single[Node("name")] = nil
            single[Node("description")] = nil
            stepNodes = [.mapping(single)]
        }
        var steps: [RecipeStep] = []
        var previous: Previous = .none
        var runFolders: Set<String> = []
        for (index, node) in stepNodes.enumerated() {
            let isFirst = index == 0, isLast = index == stepNodes.count - 1
            if let step = parseStep(node, base: base, previous: previous, runFolders: runFolders,
                                    environment: environment, inputOverride: isFirst ? inputOverride : nil,
                                    outputOverride: isLast ? outputOverride : nil, issues: &issues) {
                steps.append(step)
                if step.task == .train {
                    previous = .trainRun
                    runFolders.insert(step.output.path)
                } else {
                    previous = .images(step.output)
                }
            } else if case .mapping(let map) = node, map[Node("task")]?.string == "train" {
                // An invalid train step still makes its run folder: later steps may name it without more errors.
                previous = .trainRun
                if let out = map[Node("output")]?.string { runFolders.insert(resolve(out, base: base).path) }
            } else {
                previous = .invalid
            }
        }
        issues.sort { ($0.line, $0.column) < ($1.line, $1.column) }
        guard issues.isEmpty else { throw RecipeError(file: file.path, issues: issues) }
        return Recipe(name: name, steps: steps, file: file)
    }

    // MARK: Steps

    /// A recipe path: `~` expanded, relative paths taken from the recipe's folder.
    static func resolve(_ s: String, base: URL) -> URL {
        let expanded = (s as NSString).expandingTildeInPath
        return expanded.hasPrefix("/") ? URL(fileURLWithPath: expanded).standardized
                                       : base.appendingPathComponent(expanded).standardized
    }

    /// What the step before gives a step without `input`.
    enum Previous {
        /// This is the first step.
        case none
        /// Images in this folder (or file).
        case images(URL)
        /// A training run folder, which holds no images to chain from.
        case trainRun
        /// The step before was invalid (its problems are reported already).
        case invalid
    }

    static func parseStep(_ node: Node, base: URL, previous: Previous, runFolders: Set<String>,
                          environment: RecipeEnvironment, inputOverride: URL?, outputOverride: URL?,
                          issues: inout [RecipeIssue]) -> RecipeStep? {
        guard case .mapping(let map) = node else {
            issues.append(issue(node, "a step must be a mapping of keys to values"))
            return nil
        }
        let before = issues.count
        var values: [String: (key: Node, value: Node)] = [:]
        for (key, value) in map {
            guard let k = key.string else { issues.append(issue(key, "keys must be strings")); continue }
            values[k] = (key, value)
        }
        let allowed = stepKeys(values["task"]?.value.string.flatMap(RecipeTask.init(rawValue:)))
        for (k, entry) in values where !allowed.contains(k) {
            if trainKeys.contains(k) {
                issues.append(issue(entry.key, "'\(k)' is only valid in a train step"))
            } else {
                issues.append(issue(entry.key, "unknown key '\(k)'\(suggestion(k, allowed))"))
            }
            values[k] = nil
        }
        func string(_ k: String) -> String? {
            guard let entry = values[k] else { return nil }
            guard case .scalar(let s) = entry.value, !s.string.isEmpty else {
                issues.append(issue(entry.value, "'\(k)' must be a non-empty string"))
                return nil
            }
            return s.string
        }
        func path(_ s: String) -> URL { resolve(s, base: base) }

        guard let taskName = string("task") else {
            if values["task"] == nil { issues.append(issue(node, "missing 'task' (one of \(RecipeTask.allCases.map(\.rawValue).joined(separator: ", ")))")) }
            return nil
        }
        guard let task = RecipeTask(rawValue: taskName) else {
            issues.append(issue(values["task"]!.value, "unknown task '\(taskName)' (one of \(RecipeTask.allCases.map(\.rawValue).joined(separator: ", ")))"))
            return nil
        }
        var model = string("model")
        if task != .train {
            if model == nil && values["model"] == nil { issues.append(issue(node, "missing 'model' for a \(task.rawValue) step")) }
            if let model, environment.checkFiles, !environment.allowMissingModels, !environment.isBuiltinModel(model),
               !runFolders.contains(path(model).path), !FileManager.default.fileExists(atPath: path(model).path) {
                let builtins = environment.builtinNames.isEmpty ? ""
                    : "; built-in models: " + environment.builtinNames.joined(separator: ", ")
                issues.append(issue(values["model"]!.value,
                                    "model '\(model)' not found (no file \(path(model).path))\(builtins)"))
            }
            if let m = model, !environment.isBuiltinModel(m) { model = path(m).path }
        }
        var chainedFrom: URL?
        if case let .images(folder) = previous { chainedFrom = folder }
        var input: URL? = inputOverride ?? string("input").map(path) ?? chainedFrom
        if input == nil && values["input"] == nil {
            switch previous {
            case .none: issues.append(issue(node, "missing 'input' (only later steps may omit it)"))
            case .trainRun: issues.append(issue(node, "missing 'input' (the step before trains a model; its run folder holds no images)"))
            case .images, .invalid: break
            }
        }
        if task == .train && inputOverride == nil && values["input"] == nil && chainedFrom != nil {
            issues.append(issue(node, "a train step needs 'input' (its data folder)"))
        }
        if let i = input, inputOverride == nil, values["input"] != nil, environment.checkFiles,
           !FileManager.default.fileExists(atPath: i.path) {
            issues.append(issue(values["input"]!.value, "input '\(i.path)' does not exist"))
            input = nil
        }
        let output = outputOverride ?? string("output").map(path)
        if output == nil && values["output"] == nil { issues.append(issue(node, "missing 'output'")) }
        var mask: URL?
        if let m = task == .inpaint ? string("mask") : nil {
            mask = path(m)
            if environment.checkFiles, !FileManager.default.fileExists(atPath: mask!.path) {
                issues.append(issue(values["mask"]!.value, "mask '\(m)' does not exist"))
            }
        }
        if task == .inpaint && values["mask"] == nil { issues.append(issue(node, "an inpaint step needs 'mask' (a file or a folder)")) }

        var step = RecipeStep(task: task, model: model, input: input ?? base, output: output ?? base, line: (node.mark?.line ?? 0))
        step.chained = inputOverride == nil && values["input"] == nil && chainedFrom != nil
        step.mask = mask
        if let command = task.imageCommand {
            step.image = imageOptions(command, values: values, model: model, output: output, mask: mask, node: node,
                                      issues: &issues)
        } else {
            if let k = string("kind") {
                if let kind = TrainModelKind(rawValue: k) { step.trainKind = kind } else {
                    issues.append(issue(values["kind"]!.value, "kind must be one of \(trainKinds), got '\(k)'"))
                }
            } else if values["kind"] == nil {
                issues.append(issue(node, "a train step needs 'kind' (\(trainKinds))"))
            }
            if let kind = step.trainKind {
                step.train = trainOptions(kind, options: values["options"], input: input, output: output, node: node,
                                          issues: &issues)
            }
        }
        return issues.count == before ? step : nil
    }

    // MARK: Messages

    static func issue(_ node: Node, _ message: String) -> RecipeIssue {
        RecipeIssue(line: node.mark?.line ?? 0, column: node.mark?.column ?? 0, message: message)
    }

    static func yamlIssue(_ error: YamlError) -> RecipeIssue {
        switch error {
        case let .scanner(_, problem, mark, _), let .parser(_, problem, mark, _):
            return RecipeIssue(line: mark.line, column: mark.column, message: "YAML syntax: \(problem)")
        case let .composer(_, problem, mark, _):
            return RecipeIssue(line: mark.line, column: mark.column, message: "YAML: \(problem)")
        default:
            return RecipeIssue(line: 0, column: 0, message: "YAML: \(error)")
        }
    }

    /// " (did you mean 'x'?)" for a near miss (the spelling rule the command line uses too), or "".
    static func suggestion(_ word: String, _ candidates: Set<String>) -> String {
        Spelling.nearest(word, among: candidates).map { " (did you mean '\($0)'?)" } ?? ""
    }
}
