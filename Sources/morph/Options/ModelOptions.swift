import ArgumentParser

/// Which model to run and how to override what detection finds: shared by translate, upscale and convert.
struct ModelOptions: ParsableArguments {
    @Option(name: .long, help: "Checkpoint (.pth, .pt, .ckpt, .safetensors), a training run folder, or a built-in model name.")
    var model: String

    @OptionGroup var architecture: ArchitectureOverride
}
