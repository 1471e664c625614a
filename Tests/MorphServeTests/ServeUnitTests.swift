import Foundation
import MorphServe
import XCTest

/// The queue, the child jobs, multipart parsing and confined names on their own.
final class ServeUnitTests: XCTestCase {
    func testOneJobPerModelRunsAndTheOthersQueueInOrder() async throws {
        let queue = InferenceQueue()
        try await queue.enter(model: "m", id: "a")
        let b = Task { try await queue.enter(model: "m", id: "b") }
        try await Task.sleep(for: .milliseconds(50))
        let c = Task { try await queue.enter(model: "m", id: "c") }
        try await Task.sleep(for: .milliseconds(50))
        try await queue.enter(model: "other", id: "d")
        let standings = await [queue.standing(of: "a"), queue.standing(of: "b"), queue.standing(of: "c"), queue.standing(of: "d")]
        XCTAssertEqual(standings, [.running(model: "m"), .queued(model: "m", position: 1), .queued(model: "m", position: 2), .running(model: "other")])
        do {
            try await queue.enter(model: "m", id: "a")
            XCTFail("a job id in use is refused")
        } catch let error as ServeError { XCTAssertEqual(error.status, 400) }
        b.cancel()
        await XCTAssertThrowsAsync(try await b.value)
        try await Task.sleep(for: .milliseconds(50))
        let afterCancel = await queue.standing(of: "c")
        XCTAssertEqual(afterCancel, .queued(model: "m", position: 1))
        await queue.leave(model: "m", id: "a")
        try await c.value
        let cRuns = await queue.standing(of: "c")
        XCTAssertEqual(cRuns, .running(model: "m"))
        await queue.leave(model: "m", id: "c")
        let gone = await queue.standing(of: "c")
        XCTAssertNil(gone)
    }

    func testCancellingAChildJobKillsTheProcess() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("child-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let pid = PidBox()
        let job = Task {
            try await ChildJob.run(URL(fileURLWithPath: "/bin/sleep"), arguments: ["30"], in: folder, environment: nil) { pid.set($0) }
        }
        try await Task.sleep(for: .milliseconds(300))
        let started = Date()
        XCTAssertGreaterThan(pid.value, 0)
        XCTAssertEqual(kill(pid.value, 0), 0, "the child runs")
        job.cancel()
        do {
            _ = try await job.value
            XCTFail("a cancelled job throws")
        } catch is CancellationError {}
        XCTAssertLessThan(Date().timeIntervalSince(started), 10)
        XCTAssertNotEqual(kill(pid.value, 0), 0, "the child is gone")

        let done = try await ChildJob.run(URL(fileURLWithPath: "/bin/sh"), arguments: ["-c", "echo hi; exit 3"], in: folder, environment: nil)
        XCTAssertEqual(done.status, 3)
        XCTAssertEqual(done.output, "hi\n")
    }

    func testMultipartFormsAreParsedAndBadOnesRefused() throws {
        let (type, body) = ServeFixtures.multipart([("model", nil, Data("m".utf8)), ("image", "a.png", Data([0, 13, 10, 45, 45, 1]))])
        let form = try MultipartForm(body: Data(body.readableBytesView), boundary: try MultipartForm.boundary(contentType: type))
        XCTAssertEqual(form.text("model"), "m")
        XCTAssertEqual(form.data("image"), Data([0, 13, 10, 45, 45, 1]))
        XCTAssertEqual(form.parts.last?.filename, "a.png")
        XCTAssertNil(form.data("mask"))
        XCTAssertThrowsError(try MultipartForm.boundary(contentType: "text/plain"))
        XCTAssertThrowsError(try MultipartForm.boundary(contentType: "multipart/form-data"))
        for bad in ["", "--b\r\nno headers end", "--b\r\nX-Other: 1\r\n\r\nvalue\r\n--b--", "--b\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nunterminated"] {
            XCTAssertThrowsError(try MultipartForm(body: Data(bad.utf8), boundary: "b"), bad)
        }
        let many = (0...MultipartForm.maxParts).map { ("f\($0)", String?.none, Data("x".utf8)) }
        let (manyType, manyBody) = ServeFixtures.multipart(many)
        XCTAssertThrowsError(try MultipartForm(body: Data(manyBody.readableBytesView), boundary: try MultipartForm.boundary(contentType: manyType)))
    }

    func testConfinedNamesRefuseEveryWayOut() throws {
        for name in ["..", "../a", "a/../b", "/etc/passwd", "a//b", "./a", "a/.", "", "a\\b", "a\u{0}b"] {
            XCTAssertFalse(ConfinedFolder.isPlainRelativeName(name), name)
        }
        XCTAssertTrue(ConfinedFolder.isPlainRelativeName("mine/model.safetensors"))
        XCTAssertFalse(ConfinedFolder.isPlainRelativeName("mine/model.safetensors", allowNesting: false))
    }
}

/// A process id set from the child's start callback.
final class PidBox: @unchecked Sendable {
    private let lock = NSLock()
    private var pid: Int32 = 0
    var value: Int32 { lock.lock(); defer { lock.unlock() }; return pid }
    func set(_ value: Int32) { lock.lock(); pid = value; lock.unlock() }
}

func XCTAssertThrowsAsync<T>(_ expression: @autoclosure () async throws -> T, file: StaticString = #filePath, line: UInt = #line) async {
    do {
        _ = try await expression()
        XCTFail("expected an error", file: file, line: line)
    } catch {}
}
