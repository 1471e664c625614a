import Foundation
import XCTest
@testable import MorphSupport

/// The progress line: count, rate and ETA, counting only the work done since the reporter started.
final class ProgressReporterTests: XCTestCase {
    func testETACountsOnlyTheItemsDoneSinceTheStart() {
        // A resumed run: 40 of 100 steps were done before; 10 more take 10 s, so 50 remain at 1 step/s.
        let reporter = ProgressReporter(total: 100, label: "epoch 3/5", unit: "steps", interactive: false, initial: 40)
        reporter.advance(by: 10)
        let line = reporter.line(now: Date().addingTimeInterval(10), status: "")
        XCTAssertTrue(line.hasPrefix("epoch 3/5 "), line)
        XCTAssertTrue(line.contains(" 50/100 "), line)
        XCTAssertTrue(line.contains("ETA 0:50"), line)
        XCTAssertTrue(line.contains("1.0 steps/s") || line.contains("1.0 s/step"), line)
    }

    func testRelabelChangesTheNextLine() {
        let reporter = ProgressReporter(total: 4, label: "epoch 1/2", unit: "steps", interactive: false)
        reporter.advance()
        reporter.relabel("epoch 2/2")
        XCTAssertTrue(reporter.line(now: Date(), status: "loss 1").hasPrefix("epoch 2/2 "))
        XCTAssertTrue(reporter.line(now: Date(), status: "loss 1").hasSuffix(" loss 1"))
    }

    func testTimeFormat() {
        XCTAssertEqual(ProgressReporter.format(seconds: 59.6), "1:00")
        XCTAssertEqual(ProgressReporter.format(seconds: 3725), "1:02:05")
        XCTAssertEqual(ProgressReporter.format(seconds: -3), "0:00")
    }
}

/// Skipped (and failed) files take no work, so they stay out of the rate.
final class ProgressReporterSkipTests: XCTestCase {
    func testSkippedFilesDoNotInflateTheRate() {
        let reporter = ProgressReporter(total: 10, label: "upscale", interactive: false)
        reporter.advance(by: 9, skipped: true)
        reporter.advance()
        // One file of work in about two seconds: 0.5 files/s, not 5.
        let line = reporter.line(now: Date().addingTimeInterval(2), status: "")
        XCTAssertTrue(line.contains(" 10/10 2.0 s/file "), line)
    }

    /// Nothing but skipped or failed files: no rate to show (it printed "0.0 s/(null)": a bare 0 went to
    /// String(format:) as an Int).
    func testOnlySkippedFilesShowNoRate() {
        let reporter = ProgressReporter(total: 2, label: "upscale", interactive: false)
        reporter.advance(by: 2, skipped: true)
        let line = reporter.line(now: Date().addingTimeInterval(1), status: "b.png")
        XCTAssertEqual(line, "upscale ████████████████████████ 2/2 b.png")
        let slow = ProgressReporter(total: 4, label: "train", unit: "steps", interactive: false)
        slow.advance()
        XCTAssertTrue(slow.line(now: Date().addingTimeInterval(4), status: "").hasSuffix(" 1/4 4.0 s/step ETA 0:12"),
                      slow.line(now: Date().addingTimeInterval(4), status: ""))
    }
}
