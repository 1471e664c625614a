import Foundation
import XCTest
@testable import MorphCheckpoint
import TestSupport

/// Inputs the fuzzers found (`Fixtures/hostile/fuzz/<harness>/`), each replayed the way its harness reads it and
/// required to end in a clean error; before its fix, each one trapped.
final class FuzzFindingTests: XCTestCase {
    /// The arch harness's text form: `key dim dim ...` lines, `@key=value` metadata lines.
    func shapes(ofArchInput url: URL) throws -> [String: [Int]] {
        var shapes: [String: [Int]] = [:]
        for line in String(decoding: try Data(contentsOf: url), as: UTF8.self).split(separator: "\n") where !line.hasPrefix("@") {
            let parts = line.split(separator: " ")
            guard let key = parts.first else { continue }
            shapes[String(key)] = parts.dropFirst().compactMap { Int($0) }
        }
        return shapes
    }

    /// An SRVGG-shaped state dict whose first conv has 0 input channels: detection divided by zero (SIGILL).
    func testZeroInputChannelsIsAnErrorNotADivisionByZero() throws {
        let url = Fixture.directory.appendingPathComponent("hostile/fuzz/arch/srvgg_zero_input_channels.txt")
        let shapes = try shapes(ofArchInput: url)
        XCTAssertEqual(shapes["body.0.weight"], [4, 0, 3, 3])
        XCTAssertThrowsError(try ArchitectureDetection.detect(shapes: shapes)) { error in
            XCTAssertTrue("\(error)".contains("no empty dimension"), "\(error)")
        }
        // The same shapes as a real safetensors file (`morph info` died by SIGILL on it).
        let file = Fixture.directory.appendingPathComponent("hostile/zero_channel_srvgg.safetensors")
        let ckpt = try Checkpoint.load(contentsOf: file)
        XCTAssertThrowsError(try ckpt.architecture()) { error in
            XCTAssertTrue("\(error)".contains("body.0.weight of shape [4, 0, 3, 3]"), "\(error)")
        }
    }

    /// An SRVGG-shaped state dict whose last conv has -24 outputs (arch harness): the scale's square root was NaN and
    /// Int(NaN) trapped. The last conv is now checked like the first.
    func testNegativeLastConvIsAnErrorNotATrap() throws {
        let url = Fixture.directory.appendingPathComponent("hostile/fuzz/arch/srvgg_negative_last_conv.txt")
        let shapes = try shapes(ofArchInput: url)
        XCTAssertEqual(shapes["body.2.weight"], [-24, 4, 3, 3])
        XCTAssertThrowsError(try ArchitectureDetection.detect(shapes: shapes)) { error in
            XCTAssertTrue("\(error)".contains("body.2.weight of shape [-24, 4, 3, 3]"), "\(error)")
        }
    }

    /// 27,874 nested 1-tuples given to REDUCE as the callable: REDUCE threw with the tuple popped off the stack, and
    /// releasing it recursed once per level (ASan: stack overflow in the pickle harness). Containers now release
    /// their children iteratively, on every path.
    func testDeepTupleDroppedByAFailingReduceIsReleasedWithoutRecursion() throws {
        let url = Fixture.directory.appendingPathComponent("hostile/fuzz/pickle/deep_tuples_then_bad_reduce.pkl")
        var found = Unpickler(data: try Data(contentsOf: url), file: url.path) { _ in .none }
        XCTAssertThrowsError(try found.load())
        // The same shape 400,000 levels deep, far past any stack: PROTO 2, None, TUPLE1 × n, (), REDUCE, STOP.
        var bytes: [UInt8] = [0x80, 2, UInt8(ascii: "N")]
        bytes += [UInt8](repeating: 0x85, count: 400_000)
        bytes += [UInt8(ascii: ")"), UInt8(ascii: "R"), UInt8(ascii: ".")]
        var deep = Unpickler(data: Data(bytes), file: "deep.pkl") { _ in .none }
        XCTAssertThrowsError(try deep.load()) { error in
            XCTAssertTrue("\(error)".contains("deep.pkl"), "\(error)")
        }
    }

    /// Iterative release must not empty a container that something else still holds.
    func testReleasingOneParentLeavesASharedChildIntact() {
        let shared = PickleList([.int(1), .list(PickleList([.int(2)]))])
        var first: PickleList? = PickleList([.tuple(shared)])
        let second = PickleList([.tuple(shared)])
        first = nil
        XCTAssertNil(first)
        guard case let .tuple(kept)? = second.items.first else { return XCTFail("second lost its child") }
        XCTAssertEqual(kept.items.count, 2)
        guard case let .list(inner)? = kept.items.last else { return XCTFail("the shared child lost its list") }
        XCTAssertEqual(inner.items.count, 1)
        // A chain of a million lists goes without recursion.
        var chain = PickleList()
        for _ in 0..<1_000_000 { chain = PickleList([.list(chain)]) }
        chain = PickleList()
        XCTAssertTrue(chain.items.isEmpty)
    }

    /// A ZIP64 end record whose central-directory offset is 13,695,922,910,719,951,200 (past 2⁶³): ZIPFoundation
    /// converted it to off_t for fseeko and trapped (pth-zip harness, a 4 KB file). `ZipDirectoryCheck` refuses it.
    func testZip64DirectoryOffsetPast2To63IsAnError() throws {
        let url = Fixture.directory.appendingPathComponent("hostile/fuzz/pth-zip/zip64_directory_offset_past_2_63.pth")
        XCTAssertThrowsError(try Checkpoint.load(contentsOf: url)) { error in
            XCTAssertTrue("\(error)".contains("central directory at byte 13695922910719951200"), "\(error)")
            XCTAssertTrue("\(error)".contains(url.lastPathComponent), "\(error)")
        }
    }

    /// The directory walk follows every entry: one whose local header lies past the end of the file is refused
    /// before ZIPFoundation reads it, and the untouched archive passes.
    func testEntryPointingPastTheFileIsRefused() throws {
        let original = Fixture.directory.appendingPathComponent("ckpt_basic_zip.pth")
        XCTAssertNoThrow(try ZipDirectoryCheck.validate(original))
        var bytes = [UInt8](try Data(contentsOf: original))
        let signature: [UInt8] = [0x50, 0x4b, 0x01, 0x02]
        guard let entry = (0...(bytes.count - 4)).first(where: { Array(bytes[$0..<$0 + 4]) == signature }) else {
            return XCTFail("no central directory entry in the fixture")
        }
        for (i, b) in [UInt8(0xF0), 0xFF, 0xFF, 0x7F].enumerated() { bytes[entry + 42 + i] = b }
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("zip-entry-past-end-\(getpid()).pth")
        try Data(bytes).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        XCTAssertThrowsError(try ZipDirectoryCheck.validate(url)) { error in
            XCTAssertTrue("\(error)".contains("a local file header at byte 2147483632"), "\(error)")
        }
    }
}
