import MorphInference

extension ImageRunOptions {
    /// The settings an image command's output options and inference settings make.
    init(output: OutputOptions, tiling: TilingOptions, inference: InferenceOptions, loadSize: Int? = nil) {
        self.init(format: output.format?.imageFormat, quality: output.quality, skipExisting: output.skipExisting,
                  jobs: output.jobs, inference: inference, loadSize: loadSize, tileExact: tiling.tileExact == .on,
                  suffix: output.suffix)
    }
}
