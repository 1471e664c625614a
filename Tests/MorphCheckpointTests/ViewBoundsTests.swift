import Foundation
import XCTest
import MorphCheckpoint
import TestSupport

/// A tensor view or a storage view at the exact end of its storage loads, one element past it is refused
/// (`gen/ckpt_bounds.py`).
final class ViewBoundsTests: XCTestCase {
    func testViewEndingOnTheLastElementLoads() throws {
        let checkpoint = try Checkpoint.load(contentsOf: Fixture.directory.appendingPathComponent("ckpt_view_last_element.pth"))
        let tensors = Dictionary(uniqueKeysWithValues: checkpoint.tensors)
        XCTAssertEqual(tensors["view"]?.values, [2, 3, 4])
    }

    func testViewOnePastTheEndIsRefused() {
        let url = Fixture.directory.appendingPathComponent("ckpt_view_one_past.pth")
        XCTAssertThrowsError(try Checkpoint.load(contentsOf: url)) { error in
            let text = "\(error)"
            XCTAssertTrue(text.contains(url.path) && text.contains("exceeds its storage of 4 elements"), text)
        }
    }

    func testStorageViewEndingOnTheLastElementLoads() throws {
        let url = Fixture.directory.appendingPathComponent("ckpt_storage_view_last_element.pth")
        let tensors = Dictionary(uniqueKeysWithValues: try Checkpoint.load(contentsOf: url).tensors)
        XCTAssertEqual(tensors["view"]?.values, [2, 3, 4])
    }

    func testStorageViewOnePastTheEndIsRefused() {
        let url = Fixture.directory.appendingPathComponent("ckpt_storage_view_one_past.pth")
        XCTAssertThrowsError(try Checkpoint.load(contentsOf: url)) { error in
            let text = "\(error)"
            XCTAssertTrue(text.contains(url.path) && text.contains("outside storage '0' of 4 elements"), text)
        }
    }
}
