import XCTest
import MorphTensor
@testable import MorphNN
import TestSupport

/// A module with its own parameter, own buffer and children, to pin PyTorch's key order.
private final class Block: Module {
    let scale = Tensor.ones([2])
    let count = Tensor(scalar: 0)
    let head: Linear
    let tail: Sequential
    var isTraining = true

    init(rng: inout SeededRNG) {
        head = Linear(3, 2, rng: &rng)
        tail = Sequential(Identity(), Linear(2, 4, bias: false, rng: &rng))
    }

    var namedOwnParameters: [(String, Tensor)] { [("scale", scale)] }
    var namedOwnBuffers: [(String, Tensor)] { [("count", count)] }
    var namedChildren: [(String, Module)] { [("head", head), ("tail", tail)] }
    func forward(_ x: Tensor) throws -> Tensor { try tail(try head(x)) }
}

final class ModuleTests: XCTestCase {
    func testStateDictOrderIsOwnParametersOwnBuffersThenChildren() {
        var rng = SeededRNG(seed: 1)
        let block = Block(rng: &rng)
        XCTAssertEqual(block.stateDict().map(\.0), ["scale", "count", "head.weight", "head.bias", "tail.1.weight"])
        XCTAssertEqual(block.namedParameters().map(\.0), ["scale", "head.weight", "head.bias", "tail.1.weight"])
        XCTAssertEqual(block.namedBuffers().map(\.0), ["count"])
        XCTAssertEqual(block.parameterCount, 2 + 6 + 2 + 8)
        XCTAssertEqual(block.namedModules().map(\.0), ["", "head", "tail", "tail.0", "tail.1"])
    }

    func testTrainAndEvalAreRecursive() {
        var rng = SeededRNG(seed: 1)
        let block = Block(rng: &rng)
        block.eval()
        XCTAssertTrue(block.namedModules().allSatisfy { !$0.1.isTraining })
        block.train()
        XCTAssertTrue(block.namedModules().allSatisfy { $0.1.isTraining })
    }

    func testLoadRoundTripCopiesInPlace() throws {
        var rng = SeededRNG(seed: 1)
        let a = Block(rng: &rng), b = Block(rng: &rng)
        XCTAssertNotEqual(a.head.weight.values, b.head.weight.values)
        let weightObject = b.head.weight
        try b.load(stateDict: a.stateDict().map { ($0.0, $0.1.detached()) })
        XCTAssertTrue(weightObject === b.head.weight)
        for ((ka, ta), (kb, tb)) in zip(a.stateDict(), b.stateDict()) {
            XCTAssertEqual(ka, kb)
            XCTAssertEqual(ta.values, tb.values, ka)
        }
    }

    func testStrictLoadListsEveryBadKeyAndCopiesNothing() throws {
        var rng = SeededRNG(seed: 1)
        let a = Block(rng: &rng), b = Block(rng: &rng)
        var dict = Dictionary(uniqueKeysWithValues: a.stateDict().map { ($0.0, $0.1.detached()) })
        dict["head.bias"] = nil
        dict["tail.1.weight"] = Tensor.zeros([4, 3])
        dict["module.extra"] = Tensor.zeros([1])
        let before = b.head.weight.values
        XCTAssertThrowsError(try b.load(stateDict: dict)) { error in
            guard case let NNError.stateDictMismatch(missing, unexpected, mismatches) = error else {
                return XCTFail("wrong error \(error)")
            }
            XCTAssertEqual(missing, ["head.bias"])
            XCTAssertEqual(unexpected, ["module.extra"])
            XCTAssertEqual(mismatches, [.init(key: "tail.1.weight", expected: [4, 2], got: [4, 3])])
            let text = "\(error)"
            XCTAssertTrue(text.contains("head.bias") && text.contains("module.extra") && text.contains("tail.1.weight"), text)
        }
        XCTAssertEqual(b.head.weight.values, before)
    }

    func testLenientLoadSkipsMissingAndUnexpectedButNotShapes() throws {
        var rng = SeededRNG(seed: 1)
        let a = Block(rng: &rng), b = Block(rng: &rng)
        var dict = Dictionary(uniqueKeysWithValues: a.stateDict().map { ($0.0, $0.1.detached()) })
        dict["head.bias"] = nil
        dict["extra"] = Tensor.zeros([1])
        let biasBefore = b.head.bias!.values
        XCTAssertThrowsError(try b.load(stateDict: dict))
        let report = try b.load(stateDict: dict, strict: false)
        XCTAssertEqual(report, LoadReport(missing: ["head.bias"], unexpected: ["extra"]))
        XCTAssertEqual(b.head.weight.values, a.head.weight.values)
        XCTAssertEqual(b.head.bias!.values, biasBefore)
        dict["head.weight"] = Tensor.zeros([3, 3])
        XCTAssertThrowsError(try b.load(stateDict: dict, strict: false))
    }

    func testDuplicateKeysAreRejected() {
        var rng = SeededRNG(seed: 1)
        let b = Block(rng: &rng)
        let list = b.stateDict() + [("scale", Tensor.ones([2]))]
        XCTAssertThrowsError(try b.load(stateDict: list))
    }

    func testDefaultInitBounds() {
        var rng = SeededRNG(seed: 3)
        let linear = Linear(100, 50, rng: &rng)
        let bound: Float = 0.1
        XCTAssertTrue(linear.weight.values.allSatisfy { abs($0) <= bound })
        XCTAssertGreaterThan(linear.weight.values.map { abs($0) }.max()!, 0.09)
        XCTAssertTrue(linear.bias!.values.allSatisfy { abs($0) <= bound })
        XCTAssertTrue(linear.weight.requiresGrad)
    }
}
