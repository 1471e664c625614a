import Foundation
import XCTest
import MorphInference

/// Sharding, the batch runner and the manifest.
final class ShardTests: XCTestCase {
    func testShardsCoverEveryFileExactlyOnce() {
        let files = (0..<100).map { "dir/\(($0 * 37) % 100).png" }.shuffled()
        var seen: [String] = []
        for i in 0..<3 {
            let shard = Shard(parsing: "\(i)/3")!
            seen += shard.select(files, key: { $0 })
        }
        XCTAssertEqual(seen.count, 100)
        XCTAssertEqual(Set(seen), Set(files))
        // Deterministic whatever the input order.
        XCTAssertEqual(Shard(index: 1, count: 3).select(files, key: { $0 }),
                       Shard(index: 1, count: 3).select(files.reversed(), key: { $0 }))
    }

    func testBadShardTextIsRejected() {
        XCTAssertNil(Shard(parsing: "3/3"))
        XCTAssertNil(Shard(parsing: "-1/2"))
        XCTAssertNil(Shard(parsing: "1"))
        XCTAssertNil(Shard(parsing: "a/b"))
    }
}

final class BatchRunnerTests: XCTestCase {
    func testFailingFilesAreListedAndTheBatchGoesOn() {
        let jobs = (0..<5).map { BatchJob(input: URL(fileURLWithPath: "/in/\($0).png"), output: URL(fileURLWithPath: "/tmp/none/\($0).png")) }
        struct Broken: Error, CustomStringConvertible { var description: String { "not an image" } }
        var processed: [Int] = []
        let summary = BatchRunner(interactive: false).run(jobs) { job in
            let n = Int(job.input.deletingPathExtension().lastPathComponent)!
            if n == 2 { throw Broken() }
            processed.append(n)
        }
        XCTAssertEqual(processed, [0, 1, 3, 4])
        XCTAssertEqual(summary.done, 4)
        XCTAssertEqual(summary.failures.map(\.path), ["/in/2.png"])
        XCTAssertEqual(summary.failures.first?.cause, "not an image")
        XCTAssertEqual(summary.exitCode, 1)
    }

    func testManifestResumesWithSameModel() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("morph-manifest-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let out = folder.appendingPathComponent("a.png")
        try Data([1]).write(to: out)
        let input = URL(fileURLWithPath: "/in/a.png")
        try Manifest(folder: folder).record(input: input, output: out, modelHash: "h1", status: "done")
        let reopened = Manifest(folder: folder)
        XCTAssertTrue(reopened.isDone(input: input, output: out, modelHash: "h1"))
        XCTAssertFalse(reopened.isDone(input: input, output: out, modelHash: "h2"))
        try FileManager.default.removeItem(at: out)
        XCTAssertFalse(reopened.isDone(input: input, output: out, modelHash: "h1"))
    }
}
