import Foundation
import MorphOptions
import MorphTrain

/// What a recipe step does.
public enum RecipeTask: String, CaseIterable, Sendable {
    case translate, upscale, inpaint, train

    /// The image command whose options the step takes (nil for `train`).
    public var imageCommand: ImageCommand? { ImageCommand(rawValue: rawValue) }
}

/// One validated step of a recipe. Paths are resolved against the recipe's folder.
public struct RecipeStep {
    public var task: RecipeTask
    /// A built-in model name, or a checkpoint (or run folder) path resolved against the recipe's folder
    /// (not used by `train`).
    public var model: String?
    /// Input folder or file; for `train`, the data folder.
    public var input: URL
    /// Whether `input` is the previous step's output (the step gave no `input`): the step then works on
    /// exactly the files the previous step wrote.
    public var chained = false
    /// Output folder; for `train`, the run folder.
    public var output: URL
    /// Mask file or folder, for `inpaint`.
    public var mask: URL?
    /// For translate, upscale and inpaint: every option of the command, as the step sets them by the command's names
    /// (`quality: 90`, `tile: 256`, `eval: true`), with the command's defaults and checks.
    public var image: ImageCommandOptions?
    /// For `train`: what it trains.
    public var trainKind: TrainModelKind?
    /// For `train`: the run's options, from the step's `options` by their `morph train <kind>` names (`crop-size: 128`)
    /// through that command's own parser and checks.
    public var train: TrainOptions?
    /// The line of the step in the recipe file.
    public var line: Int
}

/// A parsed, validated recipe: steps run in order, each step's output may feed the next.
public struct Recipe {
    public var name: String?
    public var steps: [RecipeStep]
    /// The file the recipe came from.
    public var file: URL
}

/// One problem found in a recipe, with its position.
public struct RecipeIssue: Equatable, Sendable, CustomStringConvertible {
    public let line: Int
    public let column: Int
    public let message: String
    public var description: String { "line \(line), column \(column): \(message)" }
}

/// All problems of a recipe, reported together before anything runs.
public struct RecipeError: Error, CustomStringConvertible {
    public let file: String
    public let issues: [RecipeIssue]
    public var description: String {
        issues.map(line(for:)).joined(separator: "\n")
    }

    /// `FILE:LINE:COLUMN: message`, or `FILE: message` for a problem with the file as a whole (line 0).
    public func line(for issue: RecipeIssue) -> String {
        issue.line == 0 ? "\(file): \(issue.message)" : "\(file):\(issue.line):\(issue.column): \(issue.message)"
    }
}

/// What validation may check outside the recipe text.
public struct RecipeEnvironment {
    /// Whether a model string names a built-in model (then it needs no file).
    public var isBuiltinModel: (String) -> Bool
    /// Whether to require that input folders, masks and model files exist.
    public var checkFiles: Bool

    /// The built-in model names, listed when a model is neither a file nor a built-in.
    public var builtinNames: [String]
    /// Accept model files that do not exist yet (a dry run reports them instead).
    public var allowMissingModels = false

    public init(isBuiltinModel: @escaping (String) -> Bool = { _ in false }, checkFiles: Bool = true,
                builtinNames: [String] = []) {
        self.isBuiltinModel = isBuiltinModel
        self.checkFiles = checkFiles
        self.builtinNames = builtinNames
    }
}
