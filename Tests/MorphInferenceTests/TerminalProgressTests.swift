import Foundation
import XCTest
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// Progress as the `morph` binary draws it: on a terminal (a pseudo-terminal here) a redrawn bar with rate and ETA,
/// for the tiles of one image and for the files of the batch; through a pipe plain lines with no terminal codes.
/// `MORPH_PROGRESS_AFTER=0` shows an image's tiles at once instead of after a second, so no test depends on speed.
final class TerminalProgressTests: XCTestCase {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// The arguments of one tiled upscale of the 160×160 astronaut into `folder`: 24-px tiles, kept as given.
    private func upscale(into folder: URL) -> [String] {
        ["upscale", Self.repository.appendingPathComponent("samples/photos/astronaut.png").path, "-o",
         folder.appendingPathComponent("out.png").path, "--model", "morph-sr-x4", "--tile", "24", "--overlap", "4",
         "--tile-exact", "off"]
    }

    /// Runs morph with stderr (and stdout) on a new pseudo-terminal; returns the exit code and what the terminal got.
    private func runOnTerminal(_ arguments: [String], environment extra: [String: String]) throws -> (code: Int32, screen: String) {
        var master: Int32 = -1, slave: Int32 = -1
        guard openpty(&master, &slave, nil, nil, nil) == 0 else { throw POSIXError(.ENOTTY) }
        let reader = FileHandle(fileDescriptor: master, closeOnDealloc: true)
        let terminal = FileHandle(fileDescriptor: slave, closeOnDealloc: false)
        let process = Process()
        process.executableURL = MorphBinary.url
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(extra) { $1 }
        process.standardOutput = terminal
        process.standardError = terminal
        let screen = Screen(), fd = master
        let drained = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            // The master reads until every copy of the slave is closed (EIO on Linux).
            var buffer = [UInt8](repeating: 0, count: 4096)
            while true {
                let n = read(fd, &buffer, buffer.count)
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { break }
                screen.append(buffer[0..<n])
            }
            drained.signal()
        }
        try process.run()
        close(slave)
        process.waitUntilExit()
        drained.wait()
        _ = reader
        return (process.terminationStatus, screen.text)
    }

    /// What the terminal received, appended from the reading thread.
    private final class Screen: @unchecked Sendable {
        private let lock = NSLock()
        private var data = Data()
        func append(_ bytes: ArraySlice<UInt8>) { lock.lock(); data.append(contentsOf: bytes); lock.unlock() }
        var text: String { lock.lock(); defer { lock.unlock() }; return String(decoding: data, as: UTF8.self) }
    }

    func testATerminalGetsARedrawnBarWithRateAndETA() throws {
        let folder = try PipelineFixtures.scratch()
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try runOnTerminal(upscale(into: folder), environment: ["MORPH_PROGRESS_AFTER": "0"])
        XCTAssertEqual(result.code, 0, result.screen)
        let redraws = result.screen.components(separatedBy: "\r\u{1B}[2K").dropFirst()
        let tiles = try NSRegularExpression(pattern: #"^astronaut\.png [█░]{24} tiles (\d+)/(\d+) [0-9.]+ (tiles/s|s/tile) ETA \d+:\d\d$"#)
        let tileBars = redraws.filter { tiles.firstMatch(in: $0, range: NSRange($0.startIndex..., in: $0)) != nil }
        XCTAssertFalse(tileBars.isEmpty, "no tile bar drawn: \(result.screen.debugDescription)")
        XCTAssertTrue(tileBars.allSatisfy { !$0.contains("\n") }, "a bar is redrawn in place, not a new line")
        let files = try NSRegularExpression(pattern: #"^upscale [█]{24} 1/1 [0-9.]+ (files/s|s/file) ETA \d+:\d\d"#)
        XCTAssertTrue(redraws.contains { files.firstMatch(in: $0, range: NSRange($0.startIndex..., in: $0)) != nil },
                      "no file bar: \(result.screen.debugDescription)")
    }

    func testAPipeGetsPlainLines() throws {
        let folder = try PipelineFixtures.scratch()
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try MorphBinary.run(upscale(into: folder), environment: ["MORPH_PROGRESS_AFTER": "0"])
        XCTAssertEqual(result.code, 0, result.err)
        XCTAssertFalse(result.err.contains("\u{1B}") || result.err.contains("\r"), result.err.debugDescription)
        let lines = result.err.split(separator: "\n").filter { $0.hasPrefix("astronaut.png ") }
        XCTAssertFalse(lines.isEmpty, result.err)
        XCTAssertTrue(lines.allSatisfy { $0.contains(" tiles ") && $0.contains(" ETA ") }, "\(lines)")
        XCTAssertTrue(result.err.contains("upscale ████████████████████████ 1/1 "), result.err)
    }

    /// A batch whose files are all skipped (or all fail) has no rate to show.
    func testABatchOfSkippedFilesShowsNoRate() throws {
        let folder = try PipelineFixtures.scratch()
        defer { try? FileManager.default.removeItem(at: folder) }
        let arguments = ["upscale", Self.repository.appendingPathComponent("samples/photos/chelsea.png").path, "-o", folder.path,
                         "--model", "morph-sr-x4", "--skip-existing"]
        XCTAssertEqual(try MorphBinary.run(arguments).code, 0)
        let again = try MorphBinary.run(arguments)
        XCTAssertEqual(again.code, 0, again.err)
        XCTAssertTrue(again.err.contains("upscale ████████████████████████ 1/1 skipped chelsea.png\n"), again.err)
        XCTAssertFalse(again.err.contains("/s") || again.err.contains("s/") || again.err.contains("(null)"), again.err)
    }
}
