import ArgumentParser
import Foundation
import MorphBench
import MorphTensor

/// `morph bench`: kernel and model timings as ratios measured on this machine.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure sgemm, convolution and model speed on this machine.",
        discussion: """
        Convolution records carry sgemm_ratio: their GFLOP/s over cblas_sgemm 2048³ in the same run. \
        With --pytorch, bench/pytorch_reference.py times the same work with PyTorch on this machine and \
        each record gets vs_pytorch = Morph seconds / PyTorch seconds; PyTorch times each case right after Morph.
        """)

    @Flag(help: "One JSON object per line.")
    var json = false

    @Flag(help: "Fewer cases and repeats.")
    var quick = false

    @Option(help: "Only cases whose name contains this text.")
    var filter: String?

    @Flag(help: "Also time PyTorch with bench/pytorch_reference.py (needs python3 with torch).")
    var pytorch = false

    @Option(help: "Path of pytorch_reference.py (default: bench/pytorch_reference.py in the repository).")
    var pytorchScript: String?

    func run() throws {
        let bench = quick ? Benchmark(warmup: 1, repeats: 3, budgetSeconds: 5) : Benchmark(warmup: 1, repeats: 7, budgetSeconds: 20)
        let reference = pytorch ? try PyTorchReference.session(script: pytorchScript, quick: quick) : nil
        if !json {
            print("name".padding(toLength: 30, withPad: " ", startingAt: 0) + "   seconds    GFLOP/s  sgemm_ratio  vs_pytorch")
        }
        _ = try BenchSuite.run(quick: quick, filter: filter, benchmark: bench, extra: PipelineBench.cases()) { record in
            var r = record
            // PyTorch times the same case right after Morph, so both see the same machine load.
            if let torch = try? reference?.seconds(r.name) {
                r.pytorchSeconds = torch
                r.vsPytorch = r.seconds / torch
            }
            if json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.sortedKeys]
                if let data = try? encoder.encode(r), let line = String(data: data, encoding: .utf8) { print(line) }
            } else {
                func f(_ v: Double?, _ fmt: String) -> String { String(format: fmt, v ?? .nan).replacingOccurrences(of: "nan", with: "  -") }
                print(r.name.padding(toLength: 30, withPad: " ", startingAt: 0)
                      + f(r.seconds, "%10.4f") + f(r.gflops, "%11.1f") + f(r.sgemmRatio, "%13.2f") + f(r.vsPytorch, "%12.2f")
                      + (r.peakRSSMiB.map { String(format: "   peak RSS %.0f MiB", $0) } ?? "")
                      + (r.pixelTimeRatio.map { String(format: "   pixel_time_ratio %.2f", $0) } ?? ""))
            }
            fflush(stdout)
        }
    }
}
