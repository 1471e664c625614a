import ArgumentParser
import Foundation
import MorphImage

/// `morph metrics`: PSNR and SSIM per file and their mean, as BasicSR computes them.
struct MetricsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "metrics",
        abstract: "PSNR and SSIM of test images against reference images (BasicSR's definitions).",
        discussion: "Files are paired by relative path and name (extensions may differ). Exit code 1 when a file could not be measured.")

    @Option(help: "Reference (ground-truth) image or folder.")
    var ref: String

    @Option(help: "Test image or folder, mirroring the reference tree.")
    var test: String

    @Option(help: "Pixels dropped on each side before measuring (BasicSR's crop_border; usually the scale).")
    var cropBorder: Int = 0

    @Flag(help: "Measure the Y channel of YCbCr (BT.601) instead of RGB.")
    var yChannel = false

    @Option(help: "Also write the table as CSV to this file.")
    var csv: String?

    func validate() throws {
        guard cropBorder >= 0 else { throw ValidationError("--crop-border must be ≥ 0") }
    }

    func run() throws {
        let table: MetricsTable
        do {
            table = try MetricsTable(reference: URL(fileURLWithPath: ref), test: URL(fileURLWithPath: test),
                                     options: ImageMetrics.Options(cropBorder: cropBorder, yChannel: yChannel))
        } catch {
            FileHandle.standardError.write(Data("morph: \(error)\n".utf8))
            throw ExitCode(2)
        }
        let width = max(4, table.rows.map(\.file.count).max() ?? 4)
        print("file".padding(toLength: width, withPad: " ", startingAt: 0) + "        psnr      ssim")
        for row in table.rows {
            print(row.file.padding(toLength: width, withPad: " ", startingAt: 0)
                  + String(format: "  %10.4f  %8.6f", row.result.psnr, row.result.ssim))
        }
        if let mean = table.mean {
            print("mean".padding(toLength: width, withPad: " ", startingAt: 0)
                  + String(format: "  %10.4f  %8.6f", mean.psnr, mean.ssim) + "  (\(table.rows.count) files)")
        }
        for failure in table.failures {
            FileHandle.standardError.write(Data("morph: \(failure)\n".utf8))
        }
        if let csv {
            do {
                try Data(table.csv.utf8).write(to: URL(fileURLWithPath: csv), options: .atomic)
            } catch {
                FileHandle.standardError.write(Data("morph: \(csv): cannot write CSV: \(error.localizedDescription)\n".utf8))
                throw ExitCode(2)
            }
        }
        if !table.failures.isEmpty || table.rows.isEmpty { throw ExitCode(1) }
    }
}
