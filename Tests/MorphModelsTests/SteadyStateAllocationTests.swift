import XCTest
import MorphTensor
import MorphNN
import MorphModels
import TestSupport

/// With the buffer pool, a model run again on same-sized input, and a training step after the first ones,
/// take every large buffer from the pool: no fresh allocation, so no fresh page faults.
final class SteadyStateAllocationTests: XCTestCase {
    override func setUp() {
        super.setUp()
        Parallel.setWorkers(3)  // jobs race for scratch: the count of fresh buffers must not depend on who wins
    }

    override func tearDown() {
        Parallel.setWorkers(ProcessInfoCores.active)
        super.tearDown()
    }

    func testInferenceAllocatesNothingAfterTheFirstTile() throws {
        for (arch, options) in [("rrdbnet", ["num_block": "1", "num_feat": "32", "num_grow_ch": "16"]),
                                ("resnet_6blocks", ["ngf": "16"]), ("srvgg", ["num_conv": "4", "num_feat": "32"])] {
            let model = try ArchitectureRegistry.build(arch, options: options, seed: 1)
            model.eval()
            var rng = SeededRNG(seed: 3)
            let tile = Tensor.uniform([1, 3, 48, 40], low: -1, high: 1, rng: &rng)
            let first = try withoutGrad { try model(tile) }
            _ = try withoutGrad { try model(tile) }
            let before = BufferPool.shared.freshAllocations
            let again = try withoutGrad { try model(tile) }
            XCTAssertEqual(BufferPool.shared.freshAllocations, before, "\(arch): the third tile allocated fresh buffers")
            XCTAssertEqual(zip(again.values, first.values).filter { $0 != $1 }.count, 0, "\(arch): reused buffers change no result")
        }
    }

    func testTrainingStepAllocatesNothingAfterTheFirstSteps() throws {
        let model = try ArchitectureRegistry.build("srvgg", options: ["num_conv": "4", "num_feat": "32"], seed: 2)
        let adam = Adam(parameters: model.parameters(), lr: 1e-3)
        var rng = SeededRNG(seed: 4)
        let lq = Tensor.uniform([1, 3, 32, 32], rng: &rng), gt = Tensor.uniform([1, 3, 128, 128], rng: &rng)
        func step() throws {
            adam.zeroGrad()
            try (model(lq) - gt).abs().mean().backward()
            try adam.step()
        }
        try step()
        try step()
        let before = BufferPool.shared.freshAllocations
        try step()
        XCTAssertEqual(BufferPool.shared.freshAllocations, before, "the third step allocated fresh buffers")
    }
}
