import ArgumentParser
import MorphInference

/// Which model to run and how to override what detection finds: shared by translate, upscale and convert.
public struct ModelOptions: ParsableArguments {
    /// The defaults (ArgumentParser fills in what the command line gives).
    public init() {}

    @Option(name: .long, help: ArgumentHelp(
        "Checkpoint (.pth, .pt, .ckpt, .safetensors), a training run folder, a built-in model ("
            + BuiltinModels.names.joined(separator: ", ") + ") or a downloaded one (see morph models).",
        valueName: "model"))
    public var model: String

    @OptionGroup public var architecture: ArchitectureOverride
}
