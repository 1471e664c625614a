import Foundation
import XCTest
@testable import MorphImage

/// Folder walks end on symbolic-link cycles and walk each folder once.
final class FolderCycleTests: XCTestCase {
    func testLinksBackToTheFolderAreSkippedAndNamedOnce() throws {
        let dir = try TestImages.folder()
        let fm = FileManager.default
        try fm.createDirectory(at: dir.appendingPathComponent("sub"), withIntermediateDirectories: true)
        for name in ["a.png", "sub/b.png"] { fm.createFile(atPath: dir.appendingPathComponent(name).path, contents: Data([1])) }
        // Two links back to the root, one to its parent-of-sub (the root again, via sub), one to sub itself.
        try fm.createSymbolicLink(atPath: dir.appendingPathComponent("loop1").path, withDestinationPath: dir.path)
        try fm.createSymbolicLink(atPath: dir.appendingPathComponent("loop2").path, withDestinationPath: ".")
        try fm.createSymbolicLink(atPath: dir.appendingPathComponent("sub/up").path, withDestinationPath: "..")
        try fm.createSymbolicLink(atPath: dir.appendingPathComponent("again").path, withDestinationPath: "sub")
        let (files, skipped) = try ImageFiles.scan(dir)
        let rel = files.map { String($0.path.dropFirst(dir.path.count + 1)) }
        // Names are walked in sorted order, so `again` reaches sub first and `sub` itself is the repeat.
        XCTAssertEqual(rel, ["a.png", "again/b.png"], "each image once")
        XCTAssertEqual(skipped.count, 4, "\(skipped)")
        for link in ["loop1", "loop2", "sub", "again/up"] {
            XCTAssertEqual(skipped.filter { $0.hasPrefix("skipping " + dir.appendingPathComponent(link).path + ":") }.count, 1,
                           "\(link) named once in \(skipped)")
        }
        XCTAssertEqual(try ImageFiles.discover(dir).count, 2)
    }
}
