import ArgumentParser
import Foundation
import MorphImage
import MorphPipeline
import MorphRecipes

extension OutputFormat {
    /// The MorphImage format.
    var imageFormat: ImageFormat {
        switch self {
        case .png: return .png
        case .jpg: return .jpeg
        case .webp: return .webp
        case .tif: return .tiff
        }
    }
}

extension TilingOptions {
    /// The tile setting: a size, whole image (0) or auto.
    var tileSetting: TileSetting {
        tileSize.map { .size($0) } ?? .auto
    }
}

/// Runs an image command and prints the summary; exit 0 all done, 1 some failed, 2 usage or model error.
func runImageCommand(_ runner: ImageCommandRunner, label: String) throws {
    let summary = try CLIFailure.guarding {
        try runner.run(label: label) { FileHandle.standardError.write(Data("morph: \($0)\n".utf8)) }
    }
    CLIFailure.summariseWarnings()
    print(summary.report)
    if summary.exitCode != 0 { throw ExitCode(summary.exitCode) }
}

extension OutputOptions {
    /// The run options these output settings, `tiling` and `inference` make.
    func runOptions(_ tiling: TilingOptions, inference: InferenceOptions, loadSize: Int? = nil) -> ImageRunOptions {
        ImageRunOptions(format: format?.imageFormat, quality: quality, skipExisting: skipExisting, jobs: jobs,
                        inference: inference, loadSize: loadSize, tileExact: tiling.tileExact == .on, suffix: suffix)
    }
}
