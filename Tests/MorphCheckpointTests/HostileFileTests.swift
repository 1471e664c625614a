import Foundation
import XCTest
@testable import MorphCheckpoint
import TestSupport

/// The hand-made hostile files of `Fixtures/hostile` (written by `gen/hostile.py`): each must fail
/// with a one-line error naming the file and the cause, quickly and without taking memory.
final class HostileFileTests: XCTestCase {
    static let folder = Fixture.directory.appendingPathComponent("hostile")

    /// Loads `name` from the hostile folder, expecting an error containing every fragment.
    func expectRefused(_ name: String, _ fragments: [String], file: StaticString = #filePath, line: UInt = #line) {
        let url = HostileFileTests.folder.appendingPathComponent(name)
        do {
            let ckpt = try Checkpoint.load(contentsOf: url)
            XCTFail("\(name) loaded \(ckpt.tensors.count) tensors", file: file, line: line)
        } catch {
            let text = "\(error)"
            for f in fragments {
                XCTAssertTrue(text.contains(f), "\(name): '\(text)' lacks '\(f)'", file: file, line: line)
            }
            XCTAssertTrue(text.contains(name), "\(name): the error does not name the file: \(text)", file: file, line: line)
            XCTAssertFalse(text.contains("\n"), "\(name): the error is not one line: \(text)", file: file, line: line)
        }
    }

    func testWrappingOffsetsAndStridesAreRefused() {
        expectRefused("offset_wrap_zip.pth", ["overflows"])
        expectRefused("offset_wrap_legacy.pth", ["overflows"])
        expectRefused("stride_wrap.pth", ["overflows"])
        expectRefused("stride_negative.pth", ["must not be negative"])
        expectRefused("legacy_huge_count.pth", ["claims 18446744073709551615 elements"])
    }

    func testDeclaredSizesBeyondTheBudgetAreRefused() {
        expectRefused("zip64_huge_entry.pth", ["would take more than"])
        expectRefused("stride0_huge.pth", ["expanded (stride-0) views are refused"])
        expectRefused("stride0_expand.pth", ["expanded (stride-0) views are refused"])
        expectRefused("empty_list_bomb.pth", ["data.pkl", "would take more than", "MORPH_LOAD_BUDGET"])
        expectRefused("deflate_bomb_storage.pth", ["would take more than"])
        expectRefused("shared_storage_many.pth", ["a tensor of shape [1048576] would take more than"])
    }

    func testOverlapsDuplicatesAndOddHeadersAreRefused() {
        expectRefused("overlap.safetensors", ["overlap"])
        expectRefused("duplicate_key.pth", ["duplicate key 'w'"])
        expectRefused("duplicate_key.safetensors", ["\"w\" appears twice"])
        expectRefused("huge_numbers.safetensors", ["bad shape"])
        expectRefused("deep_header.safetensors", ["nested deeper than 4"])
    }

    func testCheckedArithmeticReportsOverflow() throws {
        let math = CheckedArithmetic(file: "f")
        XCTAssertEqual(try math.add(2, 3, "x"), 5)
        XCTAssertThrowsError(try math.add(Int.max, 1, "an offset")) { XCTAssertTrue("\($0)".contains("an offset overflows")) }
        XCTAssertThrowsError(try math.multiply(1 << 40, 1 << 30, "a size"))
        XCTAssertEqual(try math.count([2, 3, 4], "s"), 24)
        XCTAssertEqual(try math.count([0, 1 << 40, 1 << 40], "s"), 0)
        XCTAssertThrowsError(try math.count([1 << 30, 1 << 30], "s"))       // 2^60 > 2^48
        XCTAssertThrowsError(try math.count([-1, 2], "s"))
        XCTAssertEqual(try math.extent(offset: 2, shape: [2, 3], strides: [1, 6], "v"), 2 + 1 + 12 + 1)
        XCTAssertEqual(try math.extent(offset: 5, shape: [0, 3], strides: [1, 1], "v"), 5)
        XCTAssertThrowsError(try math.extent(offset: Int.max - 2, shape: [4], strides: [1], "v"))
        XCTAssertThrowsError(try math.extent(offset: 0, shape: [3], strides: [-1], "v"))
        XCTAssertEqual(try math.int(UInt64(1) << 48, "n"), 1 << 48)
        XCTAssertThrowsError(try math.int(UInt64.max, "n"))
    }

    func testBudgetDefaultOverrideAndRefusal() throws {
        XCTAssertEqual(try LoadBudget.forFile("f", size: 1000, environment: [:]).limit, 8000 + (64 << 20))
        XCTAssertEqual(try LoadBudget.forFile("f", size: 1, environment: ["MORPH_LOAD_BUDGET": "16G"]).limit, 16 << 30)
        XCTAssertEqual(try LoadBudget.forFile("f", size: 1, environment: ["MORPH_LOAD_BUDGET": "unlimited"]).limit, Int.max)
        XCTAssertEqual(try LoadBudget.forFile("f", size: 1, environment: ["MORPH_LOAD_BUDGET": "4096"]).limit, 4096)
        XCTAssertThrowsError(try LoadBudget.forFile("f", size: 1, environment: ["MORPH_LOAD_BUDGET": "lots"])) {
            XCTAssertTrue("\($0)".contains("MORPH_LOAD_BUDGET='lots' is not a size"), "\($0)")
        }
        let budget = LoadBudget(file: "f", limit: 100)
        try budget.charge(60, for: "a")
        XCTAssertThrowsError(try budget.charge(41, for: "the thing")) {
            XCTAssertTrue("\($0)".contains("f: the thing would take more than"), "\($0)")
        }
        XCTAssertEqual(budget.used, 60)
        // A real checkpoint loads within its default budget, and fails under a tiny explicit one.
        let url = Fixture.directory.appendingPathComponent("ckpt_basic_zip.pth")
        XCTAssertNoThrow(try PyTorchCheckpoint.read(contentsOf: url))
        XCTAssertThrowsError(try PyTorchCheckpoint.read(contentsOf: url, budget: LoadBudget(file: url.path, limit: 200)))
    }

    func testPickleLimitsStopRunawayPickles() {
        func run(_ bytes: [UInt8], limits: PickleLimits = .checkpoint, budget: LoadBudget? = nil) -> String {
            var u = Unpickler(data: Data(bytes), file: "mem", limits: limits, budget: budget, persistentLoad: { _ in .none })
            do { _ = try u.load(); return "ok" } catch { return "\(error)" }
        }
        let lists: [UInt8] = [0x80, 0x02] + [UInt8](repeating: 0x5D, count: 5000) + [0x2E]
        var small = PickleLimits.checkpoint
        small.maxStack = 1000
        XCTAssertTrue(run(lists, limits: small).contains("stack deeper than 1000"))
        small = .checkpoint
        small.maxObjects = 100
        XCTAssertTrue(run(lists, limits: small).contains("more than 100 objects"))
        XCTAssertTrue(run(lists, budget: LoadBudget(file: "mem", limit: 10_000)).contains("pickle's objects would take more"))
        // Memo entries: EMPTY_LIST then MEMOIZE over and over (one stack entry, many memo slots).
        let memo: [UInt8] = [0x80, 0x04, 0x5D] + [UInt8](repeating: 0x94, count: 3000) + [0x2E]
        small = .checkpoint
        small.maxMemo = 2000
        XCTAssertTrue(run(memo, limits: small).contains("more than 2000 memo entries"))
        XCTAssertEqual(run(memo), "ok")
        // Strings count towards the byte limit.
        let strings: [UInt8] = [0x80, 0x02] + [UInt8](repeating: 0, count: 0) + Array(repeating: [0x8C, 0x03, 0x61, 0x62, 0x63, 0x30], count: 50).flatMap { $0 } + [0x4E, 0x2E]
        small = .checkpoint
        small.maxBytes = 100
        XCTAssertTrue(run(strings, limits: small).contains("more than 100 bytes of strings"))
        // A list appended to itself is refused (it would never be freed).
        XCTAssertTrue(run([0x80, 0x02, 0x5D, 0x32, 0x61, 0x2E]).contains("contains itself"))
        // A dict with a repeated key is refused: the last value would silently win.
        let dup: [UInt8] = [0x80, 0x02, 0x7D, 0x28, 0x8C, 0x01, 0x61, 0x4B, 0x01, 0x8C, 0x01, 0x61, 0x4B, 0x02, 0x75, 0x2E]
        XCTAssertTrue(run(dup).contains("duplicate key 'a'"), run(dup))
    }
}
