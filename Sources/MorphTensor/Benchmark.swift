import Foundation

/// Times a piece of work: warm-up runs, then the median of repeated runs.
public struct Benchmark {
    /// Untimed runs before measuring.
    public var warmup: Int
    /// Timed runs; the median is reported.
    public var repeats: Int
    /// Stop repeating once the timed runs took this many seconds in all (at least one timed run).
    public var budgetSeconds: Double
    /// Called after each run of `median`'s body with its seconds, warm-ups included (`timed` false), outside the
    /// timing and the budget. `morph bench --pytorch` runs PyTorch's same case here, so the two sides of a ratio
    /// alternate run by run.
    public var afterEachRun: ((_ timed: Bool, _ seconds: Double) -> Void)?

    public init(warmup: Int = 1, repeats: Int = 5, budgetSeconds: Double = 10) {
        self.warmup = warmup
        self.repeats = repeats
        self.budgetSeconds = budgetSeconds
    }

    /// Median wall-clock seconds of `body`.
    public func median(_ body: () throws -> Void) rethrows -> Double {
        for _ in 0..<warmup {
            afterEachRun?(false, try Benchmark.seconds(body))
        }
        var times: [Double] = []
        for _ in 0..<max(1, repeats) {
            times.append(try Benchmark.seconds(body))
            afterEachRun?(true, times[times.count - 1])
            if times.reduce(0, +) > budgetSeconds { break }
        }
        return Benchmark.median(of: times)
    }

    /// Wall-clock seconds of one run of `body`.
    public static func seconds(_ body: () throws -> Void) rethrows -> Double {
        let t0 = DispatchTime.now().uptimeNanoseconds
        try body()
        return Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9
    }

    /// The median of non-empty `times`; of an even count, the upper of the two middle ones.
    public static func median(of times: [Double]) -> Double { times.sorted()[times.count / 2] }

    /// Peak resident set size of this process so far, in bytes.
    public static func peakRSSBytes() -> Int {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return usage.ru_maxrss * 1024
    }
}
