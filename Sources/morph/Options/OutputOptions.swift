import ArgumentParser

/// Where results go and how they are written: shared by translate, upscale and inpaint.
struct OutputOptions: ParsableArguments {
    @Option(name: .shortAndLong, help: "Output folder (mirrors the input tree) or, for a single input file, an output file.")
    var output: String

    @Option(help: "Output format; default: the input's own format.")
    var format: OutputFormat?

    @Option(help: "JPEG/WebP quality (1-100).")
    var quality: Int = 92

    @Flag(help: "Skip inputs whose output already exists.")
    var skipExisting = false

    @Option(help: "Files processed in parallel (useful when tiles are small).")
    var jobs: Int = 1

    func validate() throws {
        guard (1...100).contains(quality) else { throw ValidationError("--quality must be between 1 and 100") }
        guard jobs >= 1 else { throw ValidationError("--jobs must be at least 1") }
    }
}
