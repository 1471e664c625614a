import Foundation
import XCTest
import MorphInference
import TestSupport

/// `morph --version` (stamped at build time, with or without git) and `make install`'s layout, where the installed
/// `morph` finds its built-in models.
final class InstallAndVersionTests: XCTestCase {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    static func shell(_ arguments: [String], in folder: URL = repository) throws -> (code: Int32, out: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        process.currentDirectoryURL = folder
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let out = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, out)
    }

    func testVersionPrintsTheVersionAndTheCommit() throws {
        let version = try String(contentsOf: Self.repository.appendingPathComponent("VERSION"), encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let git = try Self.shell(["git", "rev-parse", "HEAD"])
        try XCTSkipUnless(git.code == 0, "not a git checkout")
        let result = try MorphBinary.run(["--version"])
        XCTAssertEqual(result.code, 0)
        XCTAssertEqual(result.out, "morph \(version) (commit \(git.out.trimmingCharacters(in: .whitespacesAndNewlines)))\n")
    }

    /// The stamp script reads a checkout's refs by hand (loose, packed, detached) and a `git archive`'s COMMIT file.
    func testStampScriptNeedsNoGitProgram() throws {
        let root = try PipelineFixtures.scratch()
        defer { try? FileManager.default.removeItem(at: root) }
        let script = Self.repository.appendingPathComponent("scripts/stamp-version.sh").path
        let out = root.appendingPathComponent("gen/MorphVersion.swift")
        func stamp() throws -> String {
            XCTAssertEqual(try Self.shell(["sh", script, root.path, out.path]).code, 0)
            return try String(contentsOf: out, encoding: .utf8)
        }
        try "2.3.4\n".write(to: root.appendingPathComponent("VERSION"), atomically: true, encoding: .utf8)
        try "$Format:%H$\n".write(to: root.appendingPathComponent("COMMIT"), atomically: true, encoding: .utf8)
        XCTAssertTrue(try stamp().contains("static let commit = \"unknown\""))
        let archived = String(repeating: "c", count: 40)
        try "\(archived)\n".write(to: root.appendingPathComponent("COMMIT"), atomically: true, encoding: .utf8)
        XCTAssertTrue(try stamp().contains("static let commit = \"\(archived)\""))
        XCTAssertTrue(try stamp().contains("static let version = \"2.3.4\""))
        let git = root.appendingPathComponent(".git")
        try FileManager.default.createDirectory(at: git.appendingPathComponent("refs/heads"), withIntermediateDirectories: true)
        try "ref: refs/heads/main\n".write(to: git.appendingPathComponent("HEAD"), atomically: true, encoding: .utf8)
        let packed = String(repeating: "a", count: 40)
        try "# pack-refs with: peeled\n\(packed) refs/heads/main\n".write(to: git.appendingPathComponent("packed-refs"),
                                                                         atomically: true, encoding: .utf8)
        XCTAssertTrue(try stamp().contains("static let commit = \"\(packed)\""))
        let loose = String(repeating: "b", count: 40)
        try "\(loose)\n".write(to: git.appendingPathComponent("refs/heads/main"), atomically: true, encoding: .utf8)
        XCTAssertTrue(try stamp().contains("static let commit = \"\(loose)\""))
        let detached = String(repeating: "d", count: 40)
        try "\(detached)\n".write(to: git.appendingPathComponent("HEAD"), atomically: true, encoding: .utf8)
        XCTAssertTrue(try stamp().contains("static let commit = \"\(detached)\""))
    }

    /// `make install-files PREFIX=…` (what `make install` runs after building) lays out bin/morph and
    /// share/morph/models; the installed morph, run from elsewhere, finds the built-ins there.
    func testInstalledMorphFindsItsModels() throws {
        let prefix = try PipelineFixtures.scratch()
        defer { try? FileManager.default.removeItem(at: prefix) }
        let make = try Self.shell(["make", "-s", "install-files", "PREFIX=\(prefix.path)", "MORPH_BIN=\(MorphBinary.url.path)"])
        XCTAssertEqual(make.code, 0, make.out)
        let installed = prefix.appendingPathComponent("bin/morph")
        XCTAssertTrue(FileManager.default.isExecutableFile(atPath: installed.path))
        for name in BuiltinModels.names {
            XCTAssertTrue(FileManager.default.fileExists(atPath: prefix.appendingPathComponent("share/morph/models/\(name).safetensors").path))
        }
        let process = Process()
        process.executableURL = installed
        process.arguments = ["info", "morph-sr-x4"]
        process.currentDirectoryURL = prefix
        var environment = ProcessInfo.processInfo.environment
        environment["MORPH_MODELS"] = prefix.appendingPathComponent("empty").path
        process.environment = environment
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let out = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0)
        XCTAssertTrue(out.hasPrefix("file:         \(prefix.path)/share/morph/models/morph-sr-x4.safetensors\n"), out)
    }
}
