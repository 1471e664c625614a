import ArgumentParser

/// Where results go and how they are written: shared by translate, upscale and inpaint.
public struct OutputOptions: ParsableArguments {
    /// The defaults (ArgumentParser fills in what the command line gives).
    public init() {}

    @Option(name: .shortAndLong, help: "Output folder (mirrors the input tree) or, for a single input file, an output file.")
    public var output: String

    @Option(help: "Output format; default: the input's own format.")
    public var format: OutputFormat?

    @Option(help: "JPEG/WebP quality (1-100).")
    public var quality: Int = 92

    @Flag(help: "Skip inputs whose output already exists.")
    public var skipExisting = false

    @Option(help: "Files processed in parallel (useful when tiles are small).")
    public var jobs: Int = 1

    @Option(help: "Append _SUFFIX to each output file name in an output folder (photo.png → photo_SUFFIX.png).")
    public var suffix: String?

    public func validate() throws {
        guard (1...100).contains(quality) else { throw ValidationError("--quality must be between 1 and 100") }
        guard jobs >= 1 else { throw ValidationError("--jobs must be at least 1") }
    }
}
