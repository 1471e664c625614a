import XCTest
@testable import MorphTensor

/// `Benchmark.median`: which runs it reports to `afterEachRun`, and that what the hook spends stays out of the budget.
final class BenchmarkTests: XCTestCase {
    func testAfterEachRunSeesEveryRunOutsideTheBudget() {
        var bench = Benchmark(warmup: 2, repeats: 5, budgetSeconds: 0.01)
        var calls: [(timed: Bool, seconds: Double)] = []
        // The hook sleeps past the whole budget at each call; only the bodies' time may count against it.
        bench.afterEachRun = { timed, seconds in
            calls.append((timed, seconds))
            usleep(20_000)
        }
        var runs = 0
        let median = bench.median { runs += 1 }
        XCTAssertEqual(runs, 7)
        XCTAssertEqual(calls.map(\.timed), [false, false, true, true, true, true, true])
        XCTAssertTrue(calls.allSatisfy { $0.seconds >= 0 && $0.seconds < 0.01 })
        XCTAssertEqual(median, calls.filter(\.timed).map(\.seconds).sorted()[2])
    }

    func testBudgetStopsOnTheBodiesTime() {
        let bench = Benchmark(warmup: 0, repeats: 10, budgetSeconds: 0.015)
        var runs = 0
        _ = bench.median {
            runs += 1
            usleep(10_000)
        }
        // At least 10 ms a run: the budget is passed after the second run at the latest (the first, if it slept long).
        XCTAssertTrue((1...2).contains(runs), "\(runs) runs")
    }
}
