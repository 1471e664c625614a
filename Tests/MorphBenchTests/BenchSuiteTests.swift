import XCTest
@testable import MorphBench
import MorphTensor

/// `BenchSuite.run`'s wiring: what a companion (PyTorch's server, in `morph bench --pytorch`) is told and what the
/// records get from it, and the interleaved sgemms behind `sgemm_ratio`.
final class BenchSuiteTests: XCTestCase {
    /// Takes every case but `sgemm_2048`, notes each call and answers a fixed number of seconds.
    final class NotingCompanion: BenchCompanion {
        let answer: Double
        var begun: [String] = [], runs: [Bool] = [], ended = 0
        init(answer: Double) { self.answer = answer }
        func begin(_ name: String) throws -> Bool {
            begun.append(name)
            return name != "sgemm_2048"
        }
        func morphRan(timed: Bool, seconds: Double) { runs.append(timed) }
        func end() throws -> Double? {
            ended += 1
            return answer
        }
    }

    func testCompanionHearsOfEveryRunAndGivesVsPytorch() throws {
        let companion = NotingCompanion(answer: 0.5)
        let bench = Benchmark(warmup: 1, repeats: 3, budgetSeconds: 60)
        let records = try BenchSuite.run(quick: true, filter: "conv4x4_s2_c128", benchmark: bench,
                                         companion: companion) { _ in }
        XCTAssertEqual(records.map(\.name), ["sgemm_2048", "conv4x4_s2_c128_256_64x64"])
        XCTAssertEqual(companion.begun, records.map(\.name))
        // Only the case it took: one warm-up and three timed runs, then one end.
        XCTAssertEqual(companion.runs, [false, true, true, true])
        XCTAssertEqual(companion.ended, 1)
        XCTAssertNil(records[0].vsPytorch)
        let conv = records[1]
        XCTAssertEqual(conv.pytorchSeconds, 0.5)
        XCTAssertEqual(try XCTUnwrap(conv.vsPytorch), conv.seconds / 0.5, accuracy: 1e-12)
    }

    func testSgemmRatioOnlyForConvolutionsAndFromTheirOwnRuns() throws {
        let bench = Benchmark(warmup: 0, repeats: 2, budgetSeconds: 60)
        var reported: [String] = []
        let records = try BenchSuite.run(quick: true, filter: "conv4x4_s2_c128", benchmark: bench) { reported.append($0.name) }
        XCTAssertEqual(reported, records.map(\.name))
        XCTAssertNil(records[0].sgemmRatio)
        let conv = records[1]
        // The conv's GFLOP/s count the direct method's 2·K·C·4² flops per output pixel (32² of them).
        XCTAssertGreaterThan(try XCTUnwrap(conv.sgemmRatio), 0)
        XCTAssertEqual(try XCTUnwrap(conv.gflops), 2 * 256 * 128 * 16 * 32 * 32 / conv.seconds / 1e9, accuracy: 1e-6)
    }
}
