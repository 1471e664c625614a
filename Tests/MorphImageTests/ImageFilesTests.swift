import Foundation
import XCTest
@testable import MorphImage

final class ImageFilesTests: XCTestCase {
    func testDiscoveryIsRecursiveSortedAndCaseInsensitive() throws {
        let dir = try TestImages.folder()
        let fm = FileManager.default
        for sub in ["b", "a/deep", "out"] { try fm.createDirectory(at: dir.appendingPathComponent(sub), withIntermediateDirectories: true) }
        for name in ["z.PNG", "b/x.JpEg", "a/deep/y.tif", "a/w.webp", "a/v.TIFF", "notes.txt", ".hidden.png", "out/skip.png", "c.jpg"] {
            fm.createFile(atPath: dir.appendingPathComponent(name).path, contents: Data([1]))
        }
        let found = try ImageFiles.discover(dir, excluding: dir.appendingPathComponent("out"))
        let rel = found.map { String($0.path.dropFirst(dir.path.count + 1)) }
        XCTAssertEqual(rel, ["a/deep/y.tif", "a/v.TIFF", "a/w.webp", "b/x.JpEg", "c.jpg", "z.PNG"])
        XCTAssertEqual(try ImageFiles.discover(dir).count, 7)
        let single = dir.appendingPathComponent("c.jpg")
        XCTAssertEqual(try ImageFiles.discover(single), [single])
        XCTAssertThrowsError(try ImageFiles.discover(dir.appendingPathComponent("nope")))
    }

    func testMirroredPathsAndNestedOutputDetection() throws {
        let input = URL(fileURLWithPath: "/data/in"), output = URL(fileURLWithPath: "/data/out")
        let file = URL(fileURLWithPath: "/data/in/a/b/photo.JPG")
        XCTAssertEqual(ImageFiles.mirroredPath(for: file, inputRoot: input, outputRoot: output).path, "/data/out/a/b/photo.JPG")
        XCTAssertEqual(ImageFiles.mirroredPath(for: file, inputRoot: input, outputRoot: output, format: .png).path,
                       "/data/out/a/b/photo.png")
        XCTAssertEqual(ImageFiles.mirroredPath(for: file, inputRoot: file, outputRoot: output, format: .tiff).path,
                       "/data/out/photo.tif")
        XCTAssertTrue(ImageFiles.isInside(URL(fileURLWithPath: "/data/in/results"), input))
        XCTAssertTrue(ImageFiles.isInside(input, input))
        XCTAssertFalse(ImageFiles.isInside(URL(fileURLWithPath: "/data/input2"), input))
        XCTAssertFalse(ImageFiles.isInside(output, input))
        XCTAssertEqual(ImageFormat(extension: "JPEG"), .jpeg)
        XCTAssertNil(ImageFormat(extension: "gif"))
    }
}
