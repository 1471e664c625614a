import ArgumentParser

/// Which model to run and how to override what detection finds: shared by translate, upscale and convert.
public struct ModelOptions: ParsableArguments {
    /// The defaults (ArgumentParser fills in what the command line gives).
    public init() {}

    @Option(name: .long, help: "Checkpoint (.pth, .pt, .ckpt, .safetensors), a training run folder, or a built-in model name.")
    public var model: String

    @OptionGroup public var architecture: ArchitectureOverride
}
