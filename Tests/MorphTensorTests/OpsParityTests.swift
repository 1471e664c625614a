import XCTest
import MorphTensor
import TestSupport

/// PyTorch parity of padding, normalisation and activations (forward and gradients).
final class OpsParityTests: XCTestCase {
    func testPaddingMatchesPyTorch() throws {
        try OpsCheck.each("ops_pad_") { name in
            try OpsCheck.parity(name) { f, x, _ in
                guard let mode = f.metadata["mode"].flatMap(PaddingMode.init(rawValue:)) else {
                    throw FixtureError.missing("\(name): no mode")
                }
                return try x.padded(left: f.int("left"), right: f.int("right"), top: f.int("top"),
                                    bottom: f.int("bottom"), mode: mode)
            }
        }
    }

    func testInstanceNormMatchesPyTorch() throws {
        try OpsCheck.each("ops_instance_norm_") { name in
            guard !name.hasPrefix("ops_instance_norm_stats") else { return }
            let affine = try Fixture.load(name).int("affine") == 1
            try OpsCheck.parity(name, params: affine ? ["weight", "bias"] : []) { f, x, p in
                try x.instanceNorm(weight: p["weight"], bias: p["bias"], eps: f.float("eps"))
            }
        }
    }

    func testInstanceNormWithGivenStatisticsMatchesPyTorch() throws {
        try OpsCheck.each("ops_instance_norm_stats_") { name in
            let affine = try Fixture.load(name).int("affine") == 1
            try OpsCheck.parity(name, params: affine ? ["weight", "bias"] : []) { f, x, p in
                let stats = NormStatistics(mean: try f.tensor("mean").values, variance: try f.tensor("var").values)
                return try x.instanceNorm(weight: p["weight"], bias: p["bias"], eps: f.float("eps"), statistics: stats)
            }
        }
    }

    func testPlaneMomentsOfTilesGiveWholeImageStatistics() throws {
        var rng = SeededRNG(seed: 3)
        let x = Tensor.normal([2, 3, 6, 5], mean: 4, std: 2, rng: &rng)
        let whole = try x.instanceNorm()
        // Moments of the top and bottom halves add up to the statistics of the whole plane.
        let top = try x.slice(dim: 2, 0..<2).planeMoments(), bottom = try x.slice(dim: 2, 2..<6).planeMoments()
        let merged = (sum: zip(top.sum, bottom.sum).map(+), sumSquares: zip(top.sumSquares, bottom.sumSquares).map(+),
                      count: top.count + bottom.count)
        let given = try x.instanceNorm(statistics: NormStatistics(moments: merged))
        assertClose(given.values, whole.values, rtol: 1e-4, atol: 1e-4, "tiled statistics")
        XCTAssertEqual(merged.count, 30)
    }

    func testBatchNormMatchesPyTorch() throws {
        try OpsCheck.each("ops_batch_norm_") { name in
            let f = try Fixture.load(name)
            let affine = try f.int("affine") == 1, running = try f.int("running") == 1
            let rm = running ? try f.copy("running_mean") : nil
            let rv = running ? try f.copy("running_var") : nil
            try OpsCheck.parity(name, params: affine ? ["weight", "bias"] : []) { f, x, p in
                try x.batchNorm(weight: p["weight"], bias: p["bias"], runningMean: rm, runningVar: rv,
                                training: f.int("training") == 1, momentum: f.float("momentum"), eps: f.float("eps"))
            }
            if let rm, let rv {
                assertClose(rm.values, try f.tensor("running_mean_after").values, rtol: 1e-4, atol: 1e-6, "\(name) running_mean")
                assertClose(rv.values, try f.tensor("running_var_after").values, rtol: 1e-4, atol: 1e-6, "\(name) running_var")
            }
        }
    }

    func testReLUFamilyMatchesPyTorch() throws {
        try OpsCheck.each("ops_relu_") { try OpsCheck.parity($0) { _, x, _ in x.relu() } }
        try OpsCheck.each("ops_leaky_relu_") { try OpsCheck.parity($0) { f, x, _ in x.leakyReLU(try f.float("slope")) } }
        try OpsCheck.each("ops_prelu_") { try OpsCheck.parity($0, params: ["weight"]) { _, x, p in try x.prelu(weight: p["weight"]!) } }
    }

    /// NaN inputs (in the 16-lane body and the tail): ReLU and LeakyReLU pass NaN through as PyTorch does, and
    /// their gradients there are PyTorch's (r for ReLU, slope · r for LeakyReLU).
    func testReLUFamilyTreatsNaNAsPyTorch() throws {
        for (name, op) in [("ops_nan_relu", { (x: Tensor) in x.relu() }), ("ops_nan_leaky_relu", { $0.leakyReLU(0.2) })] {
            let f = try Fixture.load(name)
            let x = try f.copy("x")
            x.requiresGrad = true
            let out = op(x)
            try (out * f.tensor("r")).sum().backward()
            for (key, actual) in [("out", out.values), ("grad_x", x.grad?.values ?? [])] {
                let expected = try f.tensor(key).values
                XCTAssertEqual(actual.count, expected.count, "\(name) \(key) count")
                XCTAssertEqual(expected.filter(\.isNaN).count, key == "out" ? 3 : 0, "\(name) \(key): the fixture's NaNs")
                for (i, (a, e)) in zip(actual, expected).enumerated() {
                    XCTAssertTrue(e.isNaN ? a.isNaN : abs(a - e) <= 1e-6 * max(1, abs(e)), "\(name) \(key)[\(i)]: \(a) vs \(e)")
                }
            }
        }
    }

    func testTanhAndSigmoidMatchPyTorch() throws {
        try OpsCheck.each("ops_tanh_") { try OpsCheck.parity($0) { _, x, _ in x.tanh() } }
        try OpsCheck.each("ops_sigmoid_") { try OpsCheck.parity($0) { _, x, _ in x.sigmoid() } }
    }
}
