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
        Convolution records carry sgemm_ratio: their GFLOP/s over that of cblas_sgemm 2048³ runs timed between \
        their own (one after each). \
        With --pytorch, bench/pytorch_reference.py times the same work with PyTorch on this machine and \
        each record gets vs_pytorch = Morph seconds / PyTorch seconds; PyTorch runs each case beside Morph (one run after \
        each of Morph's when those take 0.25 s or more, else its runs right after Morph's; both medians over the same \
        number of runs), on the same number of threads. Every record carries threads; --scaling adds speedup (seconds at 1 thread over \
        seconds at this count). The OpenBLAS core and configuration go to stderr, with a warning when the core is a \
        generic fallback on a CPU with AVX2.
        """)

    @Flag(help: "One JSON object per line.")
    var json = false

    @Flag(help: "Fewer cases; the median of 5 timed runs (or of those done within 15 s) after one warm-up.")
    var quick = false

    @Option(help: "Only cases whose name contains this text.")
    var filter: String?

    @Flag(help: "Also time PyTorch with bench/pytorch_reference.py (needs python3 with torch).")
    var pytorch = false

    @Option(help: "Path of pytorch_reference.py (default: bench/pytorch_reference.py in the repository).")
    var pytorchScript: String?

    @Option(help: "Worker threads for Morph's kernels, which also run all of OpenBLAS' work; PyTorch gets the same number (default: MORPH_THREADS, else OPENBLAS_NUM_THREADS, else every CPU this process may use).")
    var threads: Int?

    @Flag(help: "Run the whole-model records at 1, 2, 4, … threads up to the CPU count, each with its speed-up over 1 thread.")
    var scaling = false

    func validate() throws {
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1 (got \(threads))") }
    }

    func run() throws {
        let bench = quick ? Benchmark(warmup: 1, repeats: 5, budgetSeconds: 15) : Benchmark(warmup: 1, repeats: 7, budgetSeconds: 20)
        if let threads { Parallel.setWorkers(threads) }
        BLAS.startSingleThreaded()
        FileHandle.standardError.write(Data(("morph bench: \(Parallel.workers) threads of \(ProcessInfoCores.available) CPUs; "
            + "OpenBLAS core \(BLAS.coreName) (\(BLAS.config))\n").utf8))
        if !json {
            print("name".padding(toLength: 30, withPad: " ", startingAt: 0)
                  + "   seconds    GFLOP/s  sgemm_ratio  vs_pytorch" + (scaling ? "  threads  speed-up" : ""))
        }
        guard scaling else {
            try measure(bench: bench, names: nil) { $0 }
            return
        }
        var oneThread: [String: Double] = [:]
        for count in BenchCommand.scalingCounts(upTo: threads ?? ProcessInfoCores.available) {
            Parallel.setWorkers(count)
            try measure(bench: bench, names: Set(["sgemm_2048"] + BenchSuite.modelRecordNames)) { record in
                var r = record
                if count == 1 { oneThread[r.name] = r.seconds }
                r.speedup = oneThread[r.name].map { $0 / r.seconds }
                return r
            }
        }
    }

    /// 1, 2, 4, … below `cores`, then `cores` itself.
    static func scalingCounts(upTo cores: Int) -> [Int] {
        var counts: [Int] = []
        var t = 1
        while t < cores { counts.append(t); t *= 2 }
        return counts + [max(1, cores)]
    }

    /// Runs the chosen cases at the current thread count, timing PyTorch beside each when asked, and prints each record.
    private func measure(bench: Benchmark, names: Set<String>?, adjust: (BenchRecord) -> BenchRecord) throws {
        let reference = pytorch
            ? try PyTorchReference.session(script: pytorchScript, threads: Parallel.workers) : nil
        _ = try BenchSuite.run(quick: quick || scaling, filter: filter, names: names, benchmark: bench,
                               extra: PipelineBench.cases(), companion: reference) { record in
            let r = adjust(record)
            if json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.sortedKeys]
                if let data = try? encoder.encode(r), let line = String(data: data, encoding: .utf8) { print(line) }
            } else {
                func f(_ v: Double?, _ fmt: String) -> String { String(format: fmt, v ?? .nan).replacingOccurrences(of: "nan", with: "  -") }
                print(r.name.padding(toLength: 30, withPad: " ", startingAt: 0)
                      + f(r.seconds, "%10.4f") + f(r.gflops, "%11.1f") + f(r.sgemmRatio, "%13.2f") + f(r.vsPytorch, "%12.2f")
                      + (scaling ? String(format: "%9d", r.threads ?? 0) + f(r.speedup, "%10.2f") : "")
                      + (r.peakRSSMiB.map { String(format: "   peak RSS %.0f MiB", $0) } ?? "")
                      + (r.pixelTimeRatio.map { String(format: "   pixel_time_ratio %.2f", $0) } ?? ""))
            }
            fflush(stdout)
        }
    }
}
