import Foundation
import XCTest
import MorphModels
import MorphNN
import MorphTensor
import TestSupport

/// LaMa's FFCResNetGenerator against the PyTorch restatement of the LaMa repository's `ffc.py`
/// (Tests/Fixtures/gen/lama_net.py): small configurations with random weights and BatchNorm
/// statistics, eval mode, odd and even sizes, ratios 0.75 and 0.5, LFU on and off, three
/// downsamplings; outputs and input gradients. Plus the full Big-LaMa key list and shapes.
final class LamaParityTests: XCTestCase {
    private func check(_ name: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let f = try Fixture.load(name)
        guard let json = f.metadata["options"]?.data(using: .utf8),
              let options = try JSONSerialization.jsonObject(with: json) as? [String: String] else {
            throw FixtureError.missing("\(name): no options")
        }
        let model = try ArchitectureRegistry.build("lama", options: options)
        let sd = f.tensors.filter { $0.key.hasPrefix("sd.") }.map { (String($0.key.dropFirst(3)), $0.value) }
        XCTAssertEqual(Set(model.stateDict().map(\.0)), Set(sd.map(\.0)), "\(name): key set", file: file, line: line)
        try model.load(stateDict: Dictionary(uniqueKeysWithValues: sd))
        model.eval()
        try compare(name, model, f, file: file, line: line)
    }

    private func compare(_ name: String, _ model: Module, _ f: Fixture, file: StaticString, line: UInt) throws {
        let x = try f.copy("x")
        x.requiresGrad = true
        let out = try model(x)
        let expected = try f.tensor("out")
        assertClose(out, shape: expected.shape, expected.values, rtol: 1e-4, atol: 2e-5, "\(name) out", file: file, line: line)
        try (out * f.tensor("r")).sum().backward()
        let gx = try f.tensor("grad_x")
        let scale = gx.values.map(abs).max() ?? 1
        assertClose(x.grad?.values ?? [], gx.values, rtol: 1e-4, atol: 1e-5 * Swift.max(1, scale), "\(name) grad_x",
                    file: file, line: line)
    }

    func testEvenSizes() throws { try check("lama_gen_even") }
    func testOddFeatureMapsAndBatchOfTwo() throws { try check("lama_gen_odd") }
    func testLocalFourierUnit() throws { try check("lama_gen_lfu") }
    func testThreeDownsamplings() throws { try check("lama_gen_three_downs") }
    func testRatioHalfWithTanh() throws { try check("lama_gen_ratio_half_tanh") }

    func testResnetBlockWithRatioZero() throws {
        let f = try Fixture.load("lama_block_ratio0")
        var rng = SeededRNG(seed: 1)
        let block = FFCResnetBlock(8, ratio: 0, enableLFU: false, rng: &rng)
        let sd = f.tensors.filter { $0.key.hasPrefix("sd.") }.map { (String($0.key.dropFirst(3)), $0.value) }
        XCTAssertEqual(Set(block.stateDict().map(\.0)), Set(sd.map(\.0)))
        try block.load(stateDict: Dictionary(uniqueKeysWithValues: sd))
        block.eval()
        try compare("lama_block_ratio0", block, f, file: #filePath, line: #line)
    }

    func testBigLamaKeysAndShapes() throws {
        let f = try Fixture.load("lama_keys")
        guard let json = f.metadata["keys"]?.data(using: .utf8),
              let pairs = try JSONSerialization.jsonObject(with: json) as? [[Any]] else {
            throw FixtureError.missing("lama_keys: no keys")
        }
        let model = try ArchitectureRegistry.build("lama")
        let ours = model.stateDict().map { "\($0.0) \($0.1.shape)" }
        let theirs = pairs.map { "\($0[0]) \(($0[1] as? [Int]) ?? [])" }
        XCTAssertEqual(ours, theirs, "Big-LaMa state dict keys, order and shapes")
        XCTAssertEqual(model.parameterCount, try f.int("parameters"))
        XCTAssertEqual((model as? FFCResNetGenerator)?.configuration, .bigLama)
    }

    func testSizeMustFitTheDownsamplings() throws {
        let model = try ArchitectureRegistry.build("lama", options: ["ngf": "4", "n_blocks": "1"])
        model.eval()
        XCTAssertThrowsError(try withoutGrad { try model(Tensor.zeros([1, 4, 12, 20])) }) { error in
            XCTAssertTrue("\(error)".contains("multiples of 8"), "\(error)")
        }
    }
}
