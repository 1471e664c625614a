import Foundation
import XCTest
import MorphSupport

/// Foundation's file errors read as words, naming the path once.
final class ErrorTextTests: XCTestCase {
    struct Plain: Error, CustomStringConvertible { let text: String; var description: String { text } }

    func scratch() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("morph-errortext-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    func testFoundationErrorsReadAsWords() throws {
        let folder = try scratch()
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("file")
        try Data("x".utf8).write(to: file)
        do {
            try FileManager.default.createDirectory(at: file.appendingPathComponent("sub/deeper"), withIntermediateDirectories: true)
            XCTFail("a file is in the way")
        } catch {
            let line = ErrorText.line(error)
            XCTAssertTrue(line.hasSuffix(": \(file.path) is a file, not a folder"), line)
            XCTAssertFalse(line.contains("Domain"), line)
        }
        do {
            _ = try String(contentsOf: folder.appendingPathComponent("missing.yaml"), encoding: .utf8)
            XCTFail("missing")
        } catch {
            XCTAssertEqual(ErrorText.line(error, dropping: folder.appendingPathComponent("missing.yaml").path),
                           "no such file or folder")
        }
        XCTAssertEqual(ErrorText.line(Plain(text: "one\ntwo")), "one")
    }
}
