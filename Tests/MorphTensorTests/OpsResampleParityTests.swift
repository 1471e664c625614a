import XCTest
import MorphTensor
import TestSupport

/// PyTorch parity of upsampling, pixel shuffling, pooling and losses (forward and gradients).
final class OpsResampleParityTests: XCTestCase {
    func testUpsamplingMatchesPyTorch() throws {
        try OpsCheck.each("ops_upsample_nearest_") { name in
            try OpsCheck.parity(name) { f, x, _ in try x.upsampleNearest(scale: f.int("scale_factor")) }
        }
        try OpsCheck.each("ops_upsample_bilinear_") { name in
            try OpsCheck.parity(name) { f, x, _ in try x.upsampleBilinear(scale: f.int("scale_factor")) }
        }
        try OpsCheck.each("ops_resize_bilinear_") { name in
            try OpsCheck.parity(name) { f, x, _ in try x.upsampleBilinear(size: (f.int("height"), f.int("width"))) }
        }
    }

    func testPixelShuffleMatchesPyTorch() throws {
        try OpsCheck.each("ops_pixel_shuffle_") { try OpsCheck.parity($0) { f, x, _ in try x.pixelShuffle(f.int("factor")) } }
        try OpsCheck.each("ops_pixel_unshuffle_") { try OpsCheck.parity($0) { f, x, _ in try x.pixelUnshuffle(f.int("factor")) } }
    }

    func testAvgPoolMatchesPyTorch() throws {
        try OpsCheck.each("ops_avg_pool_") { name in
            try OpsCheck.parity(name) { f, x, _ in
                try x.avgPool2d(kernel: f.int("kernel"), stride: f.metadata["stride"].flatMap { Int($0) },
                                padding: f.int("padding"))
            }
        }
    }

    func testMaxPoolMatchesPyTorch() throws {
        try OpsCheck.each("ops_max_pool_") { name in
            try OpsCheck.parity(name) { f, x, _ in
                try x.maxPool2d(kernel: f.int("kernel"), stride: f.metadata["stride"].flatMap { Int($0) },
                                padding: f.int("padding"))
            }
        }
    }

    func testLossesMatchPyTorch() throws {
        let losses: [(String, (Tensor, Tensor) throws -> Tensor)] = [
            ("l1", Tensor.l1Loss), ("mse", Tensor.mseLoss), ("bce_logits", Tensor.bceWithLogitsLoss),
        ]
        for (key, loss) in losses {
            try OpsCheck.each("ops_loss_\(key)_") { name in
                let f = try Fixture.load(name)
                let x = try f.copy("x"), y = try f.copy("y")
                x.requiresGrad = true
                y.requiresGrad = true
                let out = try loss(x, y)
                XCTAssertEqual(out.count, 1)
                assertClose(out.values, try f.tensor("out").values, rtol: 1e-4, atol: 1e-5, "\(name) value")
                try out.backward()
                assertClose(x.grad?.values ?? [], try f.tensor("grad_x").values, rtol: 1e-4, atol: 1e-6, "\(name) grad_x")
                assertClose(y.grad?.values ?? [], try f.tensor("grad_y").values, rtol: 1e-4, atol: 1e-6, "\(name) grad_y")
            }
        }
    }
}
