import Foundation
import MorphTensor
import MorphNN
import MorphModels

/// One benchmark result: a JSON line of `morph bench --json`.
public struct BenchRecord: Codable, Equatable {
    public var name: String
    public var seconds: Double
    public var gflops: Double?
    /// GFLOP/s over the GFLOP/s of 2048³ sgemms run between this case's own runs, one after each (convolutions).
    public var sgemmRatio: Double?
    /// Morph's seconds over PyTorch's seconds for the same work on this machine (lower is better).
    public var vsPytorch: Double?
    public var pytorchSeconds: Double?
    public var peakRSSMiB: Double?
    /// Seconds per pixel of a large image over seconds per pixel of a small one (1: time linear in pixels).
    public var pixelTimeRatio: Double?
    /// Morph's worker threads (and so OpenBLAS' work) for this record.
    public var threads: Int?
    /// Seconds at 1 thread over seconds at `threads` (`--scaling`).
    public var speedup: Double?
    public var note: String?

    enum CodingKeys: String, CodingKey {
        case name, seconds, gflops, note, threads, speedup
        case sgemmRatio = "sgemm_ratio", vsPytorch = "vs_pytorch", pytorchSeconds = "pytorch_seconds", peakRSSMiB = "peak_rss_mib"
        case pixelTimeRatio = "pixel_time_ratio"
    }

    public init(name: String, seconds: Double, gflops: Double? = nil) {
        self.name = name
        self.seconds = seconds
        self.gflops = gflops
    }
}

/// A named benchmark: how to run it and its floating-point work.
public struct BenchCase {
    public let name: String
    /// Part of `--quick`.
    public let quick: Bool
    /// Whether `sgemm_ratio` applies (convolution kernels).
    public let isConvolution: Bool
    /// Runs the case and returns its record (without ratios).
    public let run: (Benchmark) throws -> BenchRecord

    public init(name: String, quick: Bool, isConvolution: Bool = false, run: @escaping (Benchmark) throws -> BenchRecord) {
        self.name = name
        self.quick = quick
        self.isConvolution = isConvolution
        self.run = run
    }
}

/// Work timed beside Morph's runs of a case (PyTorch's same case, `PyTorchReference.Session`), told of each of
/// Morph's runs as it ends, so that both sides of a ratio see the same machine load.
public protocol BenchCompanion: AnyObject {
    /// Prepares case `name`; false when the companion has no such case.
    func begin(_ name: String) throws -> Bool
    /// Morph's run of the prepared case took `seconds` (a warm-up unless `timed`). Errors wait for `end`.
    func morphRan(timed: Bool, seconds: Double)
    /// Frees the case and returns the median of as many timed runs as Morph's (nil without any), or the first error.
    func end() throws -> Double?
}

/// The benchmarks of `morph bench`: raw sgemm, convolution kernels and whole models.
public enum BenchSuite {
    /// Every case, in report order. Other modules' cases are appended by `extraCases`.
    public static func cases() -> [BenchCase] {
        var list: [BenchCase] = [sgemm2048()]
        list += [
            conv("conv3x3_c256_64x64", cin: 256, cout: 256, size: 64, k: 3, pad: 1),
            convBackward("conv3x3_c256_64x64_backward", cin: 256, cout: 256, size: 64),
            conv("conv3x3_c64_256x256", cin: 64, cout: 64, size: 256, k: 3, pad: 1),
            conv("conv7x7_c3_64_256x256", cin: 3, cout: 64, size: 256, k: 7, pad: 3),
            convTranspose("convT3x3_s2_c256_128_64x64"),
            conv("conv3x3_s2_c64_128_128x128", cin: 64, cout: 128, size: 128, k: 3, pad: 1, stride: 2),
            conv("conv4x4_s2_c128_256_64x64", cin: 128, cout: 256, size: 64, k: 4, pad: 1, stride: 2),
            convTranspose("convT4x4_s2_c256_64_64x64", cin: 256, cout: 64, k: 4, padding: 1, outputPadding: 0),
        ]
        list += modelCases()
        list += trainCases()
        list += streamingCases()
        return list
    }

    /// The whole-model records of `--quick` (forward passes and training steps): what `--scaling` runs.
    public static var modelRecordNames: [String] { (modelCases() + trainCases()).filter(\.quick).map(\.name) }

    /// Runs the chosen cases; `sgemm_2048` always runs first as the report's reference. A convolution's `sgemm_ratio`
    /// divides by the median of 2048³ sgemms timed between its own runs, so that a slow spell of the machine slows
    /// both sides of the ratio.
    /// `extra` holds further cases (`PipelineBench`'s `inpaint_512_hole64`), run after the rest.
    /// `names`, when given, keeps only the cases of those names. A `companion` that knows a case runs beside it
    /// and gives the record `pytorch_seconds` and `vs_pytorch`.
    public static func run(quick: Bool, filter: String?, names: Set<String>? = nil, benchmark: Benchmark,
                           extra: [BenchCase] = [], companion: BenchCompanion? = nil,
                           report: (BenchRecord) -> Void) throws -> [BenchRecord] {
        let all = cases() + extra
        var chosen = all.filter {
            (!quick || $0.quick) && (filter.map($0.name.contains) ?? true) && (names?.contains($0.name) ?? true)
        }
        if !chosen.contains(where: { $0.name == "sgemm_2048" }) { chosen.insert(all[0], at: 0) }
        var records: [BenchRecord] = []
        var reference: SgemmReference?
        for c in chosen {
            var bench = benchmark
            let paired = try companion?.begin(c.name) ?? false
            var sgemmSeconds: [Double] = []
            let sgemm = c.isConvolution ? reference ?? SgemmReference() : nil
            reference = reference ?? sgemm
            if sgemm != nil || paired {
                bench.afterEachRun = { timed, seconds in
                    if let s = sgemm?.time(), timed { sgemmSeconds.append(s) }
                    if paired { companion?.morphRan(timed: timed, seconds: seconds) }
                }
            }
            var r = try c.run(bench)
            if paired, let seconds = try companion?.end(), seconds > 0 {
                r.pytorchSeconds = seconds
                r.vsPytorch = r.seconds / seconds
            }
            if let g = r.gflops, !sgemmSeconds.isEmpty {
                r.sgemmRatio = g / SgemmReference.gflops(seconds: Benchmark.median(of: sgemmSeconds))
            }
            r.threads = Parallel.workers
            records.append(r)
            report(r)
        }
        return records
    }

    // MARK: Kernels

    static func sgemm2048() -> BenchCase {
        BenchCase(name: "sgemm_2048", quick: true) { bench in
            let sgemm = SgemmReference()
            let s = bench.median { _ = sgemm.time() }
            var record = BenchRecord(name: "sgemm_2048", seconds: s, gflops: SgemmReference.gflops(seconds: s))
            record.note = "OpenBLAS core \(BLAS.coreName)"
            return record
        }
    }

    /// A forward conv of a `size`² image; its GFLOP/s count the direct method's multiply-adds.
    static func conv(_ name: String, cin: Int, cout: Int, size: Int, k: Int, pad: Int, stride: Int = 1) -> BenchCase {
        BenchCase(name: name, quick: true, isConvolution: true) { bench in
            var rng = SeededRNG(seed: 2)
            let x = Tensor.uniform([1, cin, size, size], rng: &rng)
            let w = Tensor.uniform([cout, cin, k, k], low: -0.1, high: 0.1, rng: &rng)
            let s = try bench.median { _ = try withoutGrad { try x.conv2d(weight: w, stride: stride, padding: pad) } }
            let out = (size + 2 * pad - k) / stride + 1
            let flops = 2.0 * Double(cout * cin * k * k) * Double(out * out)
            return BenchRecord(name: name, seconds: s, gflops: flops / s / 1e9)
        }
    }

    static func convBackward(_ name: String, cin: Int, cout: Int, size: Int) -> BenchCase {
        BenchCase(name: name, quick: true, isConvolution: true) { bench in
            var rng = SeededRNG(seed: 3)
            let x = Tensor.uniform([1, cin, size, size], rng: &rng)
            let w = Tensor.uniform([cout, cin, 3, 3], low: -0.1, high: 0.1, rng: &rng)
            x.requiresGrad = true
            w.requiresGrad = true
            let g = Tensor.uniform([1, cout, size, size], rng: &rng)
            let y = try x.conv2d(weight: w, padding: 1)
            let s = try bench.median { try y.backward(g, retainGraph: true) }
            let flops = 2 * 2.0 * Double(cout * cin * 9) * Double(size * size)
            return BenchRecord(name: name, seconds: s, gflops: flops / s / 1e9)
        }
    }

    /// A stride-2 transposed conv of a 64² image (the ResNet and U-Net generators' up-sampling).
    static func convTranspose(_ name: String, cin: Int = 256, cout: Int = 128, k: Int = 3, padding: Int = 1,
                              outputPadding: Int = 1) -> BenchCase {
        BenchCase(name: name, quick: true, isConvolution: true) { bench in
            var rng = SeededRNG(seed: 4)
            let x = Tensor.uniform([1, cin, 64, 64], rng: &rng)
            let w = Tensor.uniform([cin, cout, k, k], low: -0.1, high: 0.1, rng: &rng)
            let s = try bench.median {
                _ = try withoutGrad {
                    try x.convTranspose2d(weight: w, stride: 2, padding: padding, outputPadding: outputPadding)
                }
            }
            let flops = 2.0 * Double(cin * cout * k * k) * Double(64 * 64)
            return BenchRecord(name: name, seconds: s, gflops: flops / s / 1e9)
        }
    }
}

/// One 2048³ `cblas_sgemm` (C = A·B, uniform operands), the unit of `sgemm_ratio`.
final class SgemmReference {
    static let size = 2048
    private let a: Tensor, b: Tensor, c: Tensor

    init() {
        var rng = SeededRNG(seed: 1)
        a = Tensor.uniform([SgemmReference.size, SgemmReference.size], rng: &rng)
        b = Tensor.uniform([SgemmReference.size, SgemmReference.size], rng: &rng)
        c = Tensor.zeros([SgemmReference.size, SgemmReference.size])
    }

    /// Runs the product once and returns its seconds.
    func time() -> Double {
        let n = SgemmReference.size
        return Benchmark.seconds { BLAS.sgemm(m: n, n: n, k: n, a: a.data, lda: n, b: b.data, ldb: n, c: c.data, ldc: n) }
    }

    /// GFLOP/s of one product that took `seconds`.
    static func gflops(seconds: Double) -> Double { 2 * pow(Double(size), 3) / seconds / 1e9 }
}
