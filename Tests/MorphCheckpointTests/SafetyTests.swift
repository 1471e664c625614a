import Foundation
import XCTest
import MorphCheckpoint
import TestSupport

/// Malicious, truncated and corrupt files must fail with a clear error and run nothing.
final class SafetyTests: XCTestCase {
    let pwned = "/tmp/morph_ckpt_pwned"

    func url(_ name: String) -> URL { Fixture.directory.appendingPathComponent(name) }

    /// Loads `name`, expecting an error whose text contains every one of `fragments`.
    func expectFailure(_ name: String, _ fragments: [String], file: StaticString = #filePath, line: UInt = #line) {
        do {
            _ = try Checkpoint.load(contentsOf: url(name))
            XCTFail("\(name) loaded", file: file, line: line)
        } catch {
            let text = "\(error)"
            for f in fragments {
                XCTAssertTrue(text.contains(f), "\(name): '\(text)' lacks '\(f)'", file: file, line: line)
            }
            XCTAssertTrue(text.contains(name), "\(name): error does not name the file: \(text)", file: file, line: line)
        }
    }

    override func setUp() {
        try? FileManager.default.removeItem(atPath: pwned)
    }

    func testMaliciousGlobalsAreRefusedAndNothingRuns() {
        expectFailure("ckpt_evil_os_system.pth", ["refusing to load global os.system"])
        expectFailure("ckpt_evil_posix_system.pth", ["refusing to load global posix.system"])
        expectFailure("ckpt_evil_legacy_eval.pth", ["refusing to load global __builtin__.eval"])
        XCTAssertFalse(FileManager.default.fileExists(atPath: pwned), "a payload ran")
    }

    func testReduceOfAllowedNonCallableIsRefused() {
        expectFailure("ckpt_evil_storage_call.pth", ["torch.FloatStorage", "callable"])
    }

    func testTruncatedFilesGiveClearErrors() {
        expectFailure("ckpt_truncated_zip.pth", ["zip"])
        expectFailure("ckpt_truncated_legacy.pth", ["truncated"])
    }

    func testHugeSizesAndBadMemoAreRejected() {
        expectFailure("ckpt_huge_string.pth", ["runs past the end"])
        expectFailure("ckpt_huge_view.pth", ["exceeds its storage of 4 elements"])
        expectFailure("ckpt_bad_memo.pth", ["memo index 7"])
        expectFailure("ckpt_not_a_checkpoint.pth", ["unrecognised checkpoint format"])
    }

    func testUnpicklerRejectsStackUnderflowAndUnknownOpcodes() {
        func run(_ bytes: [UInt8]) -> String {
            var u = Unpickler(data: Data(bytes), file: "mem", persistentLoad: { _ in .none })
            do { _ = try u.load(); return "ok" } catch { return "\(error)" }
        }
        XCTAssertTrue(run([0x80, 0x02, 0x74, 0x2E]).contains("no MARK"))       // TUPLE without MARK
        XCTAssertTrue(run([0x80, 0x02, 0x2E]).contains("stack underflow"))     // STOP on empty stack
        XCTAssertTrue(run([0x80, 0x02, 0xFF]).contains("unsupported opcode 0xff"))
        XCTAssertTrue(run([0x80, 0x02, 0x4E]).contains("unexpected end"))      // no STOP
        // Deep nesting is refused and torn down without recursion: 100 000 nested lists, then tuples.
        var deep: [UInt8] = [0x80, 0x02]
        deep += [UInt8](repeating: 0x5D, count: 100_000)
        deep += [UInt8](repeating: 0x61, count: 99_999)
        deep.append(0x2E)
        XCTAssertTrue(run(deep).contains("nested deeper than 1000"), run(deep))
        var tuples: [UInt8] = [0x80, 0x02, 0x29] + [UInt8](repeating: 0x85, count: 100_000)
        XCTAssertTrue(run(tuples).contains("unexpected end"))              // error path (no STOP)
        tuples.append(0x2E)
        XCTAssertTrue(run(tuples).contains("nested deeper than 1000"))
        // 900 levels are fine.
        let ok: [UInt8] = [0x80, 0x02, 0x29] + [UInt8](repeating: 0x85, count: 900) + [0x2E]
        XCTAssertEqual(run(ok), "ok")
    }

    func testUnpicklerReadsProtocolFourBasics() throws {
        // {'a': [1, -2, 3.5, True, None, b'xy'], 'b': (300, 70000)} pickled with protocol 4.
        let bytes: [UInt8] = [  // pickle.dumps(..., protocol=4)
            0x80, 0x04, 0x95, 0x32, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x7D, 0x94, 0x28, 0x8C, 0x01, 0x61, 0x94, 0x5D, 0x94,
            0x28, 0x4B, 0x01, 0x4A, 0xFE, 0xFF, 0xFF, 0xFF, 0x47, 0x40, 0x0C, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x88, 0x4E, 0x43,
            0x02, 0x78, 0x79, 0x94, 0x65, 0x8C, 0x01, 0x62, 0x94, 0x4D, 0x2C, 0x01, 0x4A, 0x70, 0x11, 0x01, 0x00, 0x86, 0x94, 0x75,
            0x2E,
        ]
        var u = Unpickler(data: Data(bytes), file: "mem", persistentLoad: { _ in .none })
        let dict = try XCTUnwrap(try u.load().dictValue)
        let a = try XCTUnwrap(dict["a"]?.sequence)
        XCTAssertEqual(a.count, 6)
        XCTAssertEqual(a[0].intValue, 1)
        XCTAssertEqual(a[1].intValue, -2)
        if case let .float(f) = a[2] { XCTAssertEqual(f, 3.5) } else { XCTFail("not a float") }
        if case let .bytes(b) = a[5] { XCTAssertEqual(b, [0x78, 0x79]) } else { XCTFail("not bytes") }
        XCTAssertEqual(dict["b"]?.sequence?.compactMap(\.intValue), [300, 70000])
    }
}
