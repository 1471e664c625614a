import Foundation
import XCTest
import MorphSupport

/// The one owner of path resolution: `FileSystem.realPath` (realpath(3)), and `resolved`/`sameFile` built on it.
final class FileSystemPathTests: XCTestCase {
    func testRealPathResolvesLinksAndMissingPathsAreNil() throws {
        let fm = FileManager.default
        let base = URL(fileURLWithPath: FileSystem.realPath(NSTemporaryDirectory()) ?? NSTemporaryDirectory())
            .appendingPathComponent("morph-realpath-\(UUID().uuidString)")
        let real = base.appendingPathComponent("real"), link = base.appendingPathComponent("link")
        try fm.createDirectory(at: real, withIntermediateDirectories: true)
        defer { try? fm.removeItem(at: base) }
        try fm.createSymbolicLink(atPath: link.path, withDestinationPath: real.path)
        try Data("x".utf8).write(to: real.appendingPathComponent("f.txt"))

        XCTAssertEqual(FileSystem.realPath(link.appendingPathComponent("f.txt").path), real.appendingPathComponent("f.txt").path)
        XCTAssertEqual(FileSystem.realPath(link.path + "/../link/./f.txt"), real.appendingPathComponent("f.txt").path)
        XCTAssertNil(FileSystem.realPath(link.appendingPathComponent("absent.txt").path))
        // A file not written yet resolves through its folder.
        XCTAssertEqual(FileSystem.resolved(link.appendingPathComponent("new.png").path), real.appendingPathComponent("new.png").path)
        XCTAssertTrue(FileSystem.sameFile(link.appendingPathComponent("f.txt").path, real.appendingPathComponent("f.txt").path))
        XCTAssertFalse(FileSystem.sameFile(link.appendingPathComponent("f.txt").path, real.appendingPathComponent("g.txt").path))
    }
}
