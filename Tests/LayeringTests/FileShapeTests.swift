import Foundation
import XCTest

/// The house rules a newcomer relies on when finding their way: no Swift file over 400 lines, and every type of the
/// `morph` executable in a file of its own name.
final class FileShapeTests: XCTestCase {
    /// The Swift files below `folder` (relative to the package root), with their text.
    static func swiftFiles(under folder: String) -> [(path: String, text: String)] {
        let base = ImportLayeringTests.root.appendingPathComponent(folder)
        guard let walker = FileManager.default.enumerator(atPath: base.path) else { return [] }
        return walker.compactMap { $0 as? String }.filter { $0.hasSuffix(".swift") }.sorted().compactMap { relative in
            guard let text = try? String(contentsOf: base.appendingPathComponent(relative), encoding: .utf8) else { return nil }
            return (folder + "/" + relative, text)
        }
    }

    func testNoSwiftFileIsOver400Lines() {
        let files = Self.swiftFiles(under: "Sources") + Self.swiftFiles(under: "Tests")
        XCTAssertGreaterThan(files.count, 200)
        let long = files.map { ($0.path, $0.text.split(separator: "\n", omittingEmptySubsequences: false).count) }
            .filter { $0.1 > 401 }.map { "\($0.0): \($0.1) lines" }
        XCTAssertEqual(long, [])
    }

    func testEveryCLITypeHasItsOwnFile() throws {
        let declaration = try NSRegularExpression(
            pattern: #"^(?:public |private |fileprivate |internal )?(?:final )?(?:struct|enum|class|actor|protocol) (\w+)"#,
            options: .anchorsMatchLines)
        let files = Self.swiftFiles(under: "Sources/morph")
        XCTAssertGreaterThan(files.count, 10)
        for (path, text) in files {
            let range = NSRange(text.startIndex..., in: text)
            let names = declaration.matches(in: text, range: range).compactMap { Range($0.range(at: 1), in: text).map { String(text[$0]) } }
            let stem = URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
            XCTAssertLessThanOrEqual(names.count, 1, "\(path) declares \(names)")
            if let name = names.first { XCTAssertEqual(name, stem, "\(path) declares \(name)") }
        }
    }
}
