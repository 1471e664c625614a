import XCTest
import MorphModels
import MorphTensor
import TestSupport

/// Properties of the committed fixtures that make the parity tests able to fail: every stored gradient is
/// measurable, model fixtures hold the gradient of every parameter, and the fixture families that tests
/// select by name exist (a filter over an empty list passes).
final class FixturePropertiesTests: XCTestCase {
    private var all: [String] { Fixture.names(prefix: "") }

    /// Every `grad*` tensor peaks at ≥ 1e-4 (float32 resolves it against its own scale); the only exceptions
    /// are stored as `zero_grad*`: biases whose gradient is zero in exact arithmetic (≤ 1e-9 in PyTorch's float64).
    func testEveryStoredGradientIsMeasurable() throws {
        var gradients = 0
        for name in all {
            let f = try Fixture.load(name)
            for (key, t) in f.tensors {
                let peak = t.values.map(abs).max() ?? 0
                if key.hasPrefix("grad") {
                    gradients += 1
                    XCTAssertGreaterThanOrEqual(peak, 1e-4, "\(name): \(key) peaks at \(peak)")
                } else if key.hasPrefix("zero_grad") {
                    XCTAssertTrue(key.hasSuffix("bias"), "\(name): \(key) is stored as zero but is not a bias")
                    XCTAssertLessThanOrEqual(peak, 1e-9, "\(name): \(key) is stored as zero but peaks at \(peak)")
                }
            }
        }
        XCTAssertGreaterThan(gradients, 500, "gradients found in the fixtures")
    }

    /// Each `models_*` fixture lists every parameter of the registry's model in `grad_keys` and stores a
    /// gradient (or a structural zero) for each.
    func testModelFixturesHoldEveryParameterGradient() throws {
        let names = Fixture.names(prefix: "models_").filter { $0 != "models_default_keys" }
        XCTAssertGreaterThanOrEqual(names.count, 27)
        for name in names {
            let fx = try ModelFixture(String(name.dropFirst("models_".count)))
            let model = try fx.buildModel()
            let params = Set(model.namedParameters().map(\.0))
            XCTAssertEqual(Set(fx.gradKeys), params, "\(name): grad_keys")
            for key in params {
                XCTAssertTrue(fx.fixture.tensors["grad." + key] != nil || fx.fixture.tensors["zero_grad." + key] != nil,
                              "\(name): no gradient for \(key)")
            }
        }
    }

    /// Training-step fixtures store a gradient for every parameter of every network they initialise.
    func testStepFixturesHoldEveryParameterGradient() throws {
        let names = Fixture.names(prefix: "train_").filter { !$0.hasPrefix("train_penalty_") }
        XCTAssertGreaterThanOrEqual(names.count, 6)
        for name in names {
            let f = try Fixture.load(name)
            let weights = f.tensors.keys.filter { $0.hasPrefix("init.") && ($0.hasSuffix("weight") || $0.hasSuffix("bias")
                                                                             || $0.hasSuffix("weight_orig")) }
            XCTAssertFalse(weights.isEmpty, name)
            for key in weights where !key.hasSuffix("_u") && !key.hasSuffix("_v") {
                let rest = String(key.dropFirst("init.".count))
                let isNormBuffer = rest.hasSuffix("running_mean") || rest.hasSuffix("running_var")
                if isNormBuffer { continue }
                XCTAssertTrue(f.tensors["grad." + rest] != nil || f.tensors["zero_grad." + rest] != nil,
                              "\(name): no gradient for \(rest)")
            }
        }
    }

    /// Tests that pick fixtures by a name pattern (`OpsCheck.each`, the swapped-convolution filter) need them on disk.
    func testFixtureFamiliesSelectedByNameExist() {
        XCTAssertGreaterThanOrEqual(Fixture.names(prefix: "conv_k").filter { $0.contains("_swap_") }.count, 3)
        XCTAssertGreaterThanOrEqual(Fixture.names(prefix: "convT_").filter { $0.contains("_swap_") }.count, 2)
        XCTAssertGreaterThanOrEqual(Fixture.names(prefix: "conv_").filter { $0.contains("_wino") }.count, 4)
        XCTAssertGreaterThanOrEqual(Fixture.names(prefix: "ops_").count, 50)
        XCTAssertGreaterThanOrEqual(Fixture.names(prefix: "nn_layer_").count, 13)
    }
}
