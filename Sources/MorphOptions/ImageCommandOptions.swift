import ArgumentParser
import MorphInference
import MorphModels

/// The image commands whose options a recipe step takes.
public enum ImageCommand: String, CaseIterable, Sendable {
    case translate, upscale, inpaint

    /// The names of the command's options and flags.
    public var optionNames: OptionNames {
        switch self {
        case .translate: return OptionNames(TranslateOptions.self)
        case .upscale: return OptionNames(UpscaleOptions.self)
        case .inpaint: return OptionNames(InpaintOptions.self)
        }
    }

    /// Parses `arguments` (`--name value`, `--flag`) as the command line of this command, defaults filled in.
    /// - Throws: ArgumentParser's error; `message(for:)` words it.
    public func parse(_ arguments: [String]) throws -> ImageCommandOptions {
        switch self {
        case .translate: return .translate(try TranslateOptions.parse(arguments))
        case .upscale: return .upscale(try UpscaleOptions.parse(arguments))
        case .inpaint: return .inpaint(try InpaintOptions.parse(arguments))
        }
    }

    /// One line for an error of `parse`, as the command line would print it (without "Error: ").
    public func message(for error: Error) -> String {
        let text: String
        switch self {
        case .translate: text = TranslateOptions.message(for: error)
        case .upscale: text = UpscaleOptions.message(for: error)
        case .inpaint: text = InpaintOptions.message(for: error)
        }
        return OptionNames.oneLine(text)
    }
}

/// The options of one run of an image command, from its command line or a recipe step.
public enum ImageCommandOptions {
    case translate(TranslateOptions)
    case upscale(UpscaleOptions)
    case inpaint(InpaintOptions)

    /// `--model`, `--arch` and `--option`.
    public var model: ModelOptions {
        switch self {
        case let .translate(o): return o.model
        case let .upscale(o): return o.model
        case let .inpaint(o): return o.model
        }
    }

    /// Where and how results are written.
    public var output: OutputOptions {
        switch self {
        case let .translate(o): return o.output
        case let .upscale(o): return o.output
        case let .inpaint(o): return o.output
        }
    }

    /// The settings of the batch.
    public var runOptions: ImageRunOptions {
        switch self {
        case let .translate(o): return o.runOptions
        case let .upscale(o): return o.runOptions
        case let .inpaint(o): return o.runOptions
        }
    }

    /// Which generator of a CycleGAN run folder (`--direction`; AtoB for upscale and inpaint).
    public var direction: TranslationDirection {
        if case let .translate(o) = self { return o.direction }
        return .aToB
    }
}
