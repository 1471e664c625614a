import Foundation
import Hummingbird
import HummingbirdTesting
@testable import MorphServe
import MorphTrain
import XCTest

/// The runs endpoints read what `morph train` writes: `config.json` (by `RunFolder`), `log.csv` (by `TrainLog`),
/// `samples/`.
final class ServeRunsTests: XCTestCase {
    var sandbox: ServeSandbox!

    override func setUpWithError() throws { sandbox = try ServeSandbox() }
    override func tearDown() { sandbox.remove() }

    /// A run folder `name` with `steps` logged rows of two losses, `max_steps` 10.
    func makeRun(_ name: String, steps: Int) throws -> TrainLog {
        let run = RunFolder(sandbox.runs.appendingPathComponent(name))
        try run.prepare()
        var options = TrainOptions(model: .inpaint)
        options.maxSteps = 10
        try run.writeConfig(options)
        let log = try TrainLog(url: run.log, lossNames: ["G_L1", "G_GAN"], keepUpTo: nil)
        for step in 1...steps {
            try log.append(iteration: step, epoch: 1, losses: ["G_L1": 1 / Float(step), "G_GAN": 0.5], lr: 1e-4, seconds: 0.01)
        }
        try ServeFixtures.png(width: 8, height: 8).write(to: run.samples.appendingPathComponent("latest_composite.png"))
        return log
    }

    func testRunsListSummaryLogAndSamples() async throws {
        _ = try makeRun("alpha", steps: 4)
        _ = try makeRun("beta", steps: 10)
        try FileManager.default.createDirectory(at: sandbox.runs.appendingPathComponent("not-a-run"), withIntermediateDirectories: true)
        try await sandbox.withClient(sandbox.configuration()) { client in
            let list = try await client.execute(uri: "/api/runs", method: .get)
            let runs = list.json["runs"] as? [[String: Any]] ?? []
            XCTAssertEqual(runs.map { $0["name"] as? String }, ["alpha", "beta"])
            let alpha = runs[0]
            XCTAssertEqual(alpha["kind"] as? String, "inpaint")
            XCTAssertEqual(alpha["step"] as? Int, 4)
            XCTAssertEqual(alpha["state"] as? String, "running", "its log was written just now")
            XCTAssertEqual((alpha["losses"] as? [String: Double])?["G_L1"] ?? 0, 0.25, accuracy: 1e-6)
            XCTAssertEqual(alpha["samples"] as? [String], ["latest_composite.png"])
            XCTAssertEqual(runs[1]["state"] as? String, "finished")

            let log = try await client.execute(uri: "/api/runs/alpha/log", method: .get).json
            XCTAssertEqual(log["columns"] as? [String], ["iteration", "epoch", "G_L1", "G_GAN", "lr", "seconds"])
            let rows = log["rows"] as? [[Double]] ?? []
            XCTAssertEqual(rows.map { $0[0] }, [1, 2, 3, 4])
            XCTAssertEqual(rows[1][2], 0.5, accuracy: 1e-6)

            let sample = try await client.execute(uri: "/api/runs/alpha/samples/latest_composite.png", method: .get)
            XCTAssertEqual(sample.status, .ok)
            XCTAssertEqual(sample.headers[.contentType], "image/png")
            XCTAssertEqual(sample.data, try ServeFixtures.png(width: 8, height: 8))
            let missing = try await client.execute(uri: "/api/runs/nobody/log", method: .get)
            XCTAssertEqual(missing.status, .notFound)
        }
    }

    func testAStoppedRunIsToldFromARunningOne() throws {
        _ = try makeRun("old", steps: 3)
        let catalog = RunCatalog(root: sandbox.runs)
        XCTAssertEqual(try catalog.summary(of: "old")["state"] as? String, "running")
        XCTAssertEqual(try catalog.summary(of: "old", now: Date().addingTimeInterval(120))["state"] as? String, "stopped")
    }

    func testEventsStreamTheLogThenTheRowsAddedWhileFollowing() async throws {
        let log = try makeRun("live", steps: 2)
        try await sandbox.withClient(sandbox.configuration()) { client in
            async let stream = client.execute(uri: "/api/runs/live/events?until=5", method: .get)
            try await Task.sleep(for: .milliseconds(900))
            for step in 3...5 {
                try log.append(iteration: step, epoch: 1, losses: ["G_L1": 0.1, "G_GAN": 0.2], lr: 1e-4, seconds: 0.01)
            }
            let response = try await stream
            XCTAssertEqual(response.headers[.contentType], "text/event-stream")
            let events = String(buffer: response.body).components(separatedBy: "\n\n").filter { $0.hasPrefix("event:") }
            XCTAssertTrue(events.first?.hasPrefix("event: log\ndata: ") == true, events.first ?? "none")
            let first = try JSONSerialization.jsonObject(with: Data(events[0].dropFirst("event: log\ndata: ".count).utf8)) as? [String: Any]
            XCTAssertEqual((first?["rows"] as? [[Double]])?.count, 2)
            let added = events.dropFirst().filter { $0.hasPrefix("event: rows") }.flatMap { event -> [[Double]] in
                let json = try? JSONSerialization.jsonObject(with: Data(event.dropFirst("event: rows\ndata: ".count).utf8)) as? [String: Any]
                return json?["rows"] as? [[Double]] ?? []
            }
            XCTAssertEqual(added.map { $0[0] }, [3, 4, 5])
        }
    }

    func testALogRewrittenByAResumeIsSentWhole() throws {
        let tail = RunCatalog.parse(header: "iteration,epoch,a,lr,seconds", lines: ["1,1,0.5,0.1,0.2", "2,1,nan,0.1,0.2", "3,1,0.4,0.1", "x,1,1,1,1"])
        XCTAssertEqual(tail.rows.count, 2, "a partial row and a non-numeric row are skipped")
        XCTAssertTrue(tail.rows[1][2].isNaN)
    }
}
