import ArgumentParser
import Foundation
import MorphImage
import MorphInference

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
    let summary: BatchSummary
    do { summary = try runner.run(label: label) } catch { throw modelFailure(error) }
    print(summary.report)
    if summary.exitCode != 0 { throw ExitCode(summary.exitCode) }
}
