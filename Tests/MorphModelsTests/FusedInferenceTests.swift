import XCTest
import MorphTensor
import MorphNN
import MorphModels
import TestSupport

/// Inference takes the fused paths (conv + activation in one pass, RRDB dense blocks written into channel slices
/// with no concat); training records the separate ops. Both must give the same values. (The PyTorch model
/// fixtures in ModelParityTests run the fused inference path.)
final class FusedInferenceTests: XCTestCase {
    func testFusedInferenceEqualsTheRecordedForward() throws {
        for (arch, options) in [("rrdbnet", ["num_block": "2", "num_feat": "24", "num_grow_ch": "16"]),
                                ("srvgg", ["num_conv": "3", "num_feat": "16"]),
                                ("srvgg", ["num_conv": "2", "num_feat": "16", "act_type": "leakyrelu"]),
                                ("srvgg", ["num_conv": "2", "num_feat": "16", "act_type": "relu"])] {
            let model = try ArchitectureRegistry.build(arch, options: options, seed: 3)
            var rng = SeededRNG(seed: 9)
            let x = Tensor.uniform([1, 3, 13, 11], low: -1, high: 1, rng: &rng)
            let fused = try withoutGrad { try model(x) }
            let recorded = try model(x)
            XCTAssertNotNil(recorded.gradFn, "\(arch): with the tape on, the forward records")
            assertClose(fused, shape: recorded.shape, recorded.values, "\(arch) \(options)")
        }
    }
}
