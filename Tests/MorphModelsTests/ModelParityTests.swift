import XCTest
import MorphModels
import MorphNN
import MorphTensor
import TestSupport

/// Every reference architecture in a tiny configuration, built from the registry, loaded with PyTorch's
/// weights (strict) and compared with PyTorch's outputs, input gradients and the gradient of every parameter;
/// for train-mode runs also the updated running statistics and spectral-norm vectors. PyTorch computed the references
/// in float64 from the same float32 weights and inputs.
///
/// Tolerance: `rtol·|e|` plus a floor of `floorFraction` times the compared tensor's own largest element. An
/// element near zero is a difference of large terms, so it is held to its tensor's scale (PyTorch's own float32
/// results need that against float64; unet_discriminator_sn_noskip's outputs reach 1.8e5, where one float32 ulp is
/// 0.016). A tensor whose largest element is itself tiny is not excused: `assertCloseScaled` fails it.
final class ModelParityTests: XCTestCase {
    /// Runs fixture `name` in its modes. Gradients are compared in the first mode, as PyTorch took them.
    func check(_ name: String, rtol: Float = 1e-4, floorFraction: Float = 1e-5,
               file: StaticString = #filePath, line: UInt = #line) throws {
        let fx = try ModelFixture(name)
        let model = try fx.buildModel()
        XCTAssertEqual(Set(model.stateDict().map(\.0)), Set(fx.stateDict.keys), "\(name): key set",
                       file: file, line: line)
        let params = Dictionary(model.namedParameters(), uniquingKeysWith: { a, _ in a })
        XCTAssertEqual(Set(fx.gradKeys), Set(params.keys), "\(name): a gradient for every parameter", file: file, line: line)
        let x = try fx.fixture.copy("x")
        x.requiresGrad = true
        let r = try fx.fixture.tensor("r")
        for (i, mode) in fx.modes.enumerated() {
            if mode == "train" { model.train() } else { model.eval() }
            let expected = try fx.fixture.tensor(fx.modes == ["eval"] ? "out" : "out_" + mode)
            if i == 0 {
                let out = try model(x)
                XCTAssertEqual(out.shape, expected.shape, "\(name) output shape", file: file, line: line)
                assertCloseScaled(out.values, expected.values, rtol: rtol, floorFraction: floorFraction,
                                  "\(name) \(mode) output", file: file, line: line)
                try weightedSum(out, r).backward()
                assertCloseScaled(x.grad?.values ?? [], try fx.fixture.tensor("grad_x").values, rtol: rtol,
                                  floorFraction: floorFraction, minimumScale: 1e-4, "\(name) grad x", file: file, line: line)
                let zeroBound = 1e-5 * fx.fixture.gradientScale(prefix: "grad.")
                for (key, p) in params.sorted(by: { $0.key < $1.key }) {
                    fx.fixture.assertGradient(p.grad, count: p.count, key: key, rtol: rtol, floorFraction: floorFraction,
                                              zeroBound: zeroBound, "\(name) grad \(key)", file: file, line: line)
                }
                if mode == "train" {
                    for (key, buffer) in model.namedBuffers() {
                        let after = try fx.fixture.tensor("after." + key)
                        assertCloseScaled(buffer.values, after.values, rtol: rtol, floorFraction: floorFraction,
                                          "\(name) buffer \(key) after train forward", file: file, line: line)
                    }
                }
            } else {
                let out = try withoutGrad { try model(x) }
                XCTAssertEqual(out.shape, expected.shape, "\(name) output shape", file: file, line: line)
                assertCloseScaled(out.values, expected.values, rtol: rtol, floorFraction: floorFraction,
                                  "\(name) \(mode) output", file: file, line: line)
            }
        }
    }

    // MARK: pytorch-CycleGAN-and-pix2pix

    func testResnetInstanceNorm() throws { try check("resnet_instance") }
    func testResnetBatchNormDropoutReplicatePadding() throws { try check("resnet_batch_dropout_replicate") }
    func testResnetBatchNormTrainMode() throws { try check("resnet_batch_train") }
    func testResnetNoNormZeroPadding() throws { try check("resnet_none_zero") }
    func testUnetBatchNorm() throws { try check("unet_batch") }
    func testUnetInstanceNormDropout() throws { try check("unet_instance_dropout") }
    func testUnetBatchNormDropout() throws { try check("unet_batch_dropout") }
    func testNLayerBatchNorm() throws { try check("nlayer_batch") }
    func testNLayerInstanceNorm() throws { try check("nlayer_instance") }
    func testNLayerNoNormFourLayers() throws { try check("nlayer_none4") }
    func testPixelBatchNorm() throws { try check("pixel_batch") }
    func testPixelInstanceNorm() throws { try check("pixel_instance") }

    // MARK: BasicSR / Real-ESRGAN

    func testSRResNetX4() throws { try check("srresnet_x4") }
    func testSRResNetX3() throws { try check("srresnet_x3") }
    func testSRResNetX2() throws { try check("srresnet_x2") }
    func testVGGStyleDiscriminator() throws { try check("vgg_discriminator") }
    func testRRDBNetX4() throws { try check("rrdbnet_x4") }
    func testRRDBNetX2() throws { try check("rrdbnet_x2") }
    func testRRDBNetX1() throws { try check("rrdbnet_x1") }
    func testSRVGGPReLUX4() throws { try check("srvgg_prelu_x4") }
    func testSRVGGLeakyReLUX2() throws { try check("srvgg_lrelu_x2") }
    func testSRVGGReLUX3() throws { try check("srvgg_relu_x3") }
    func testUNetDiscriminatorSN() throws { try check("unet_discriminator_sn") }
    func testUNetDiscriminatorSNWithoutSkips() throws { try check("unet_discriminator_sn_noskip") }

    // MARK: Inpainting (gen/inpaint.py)

    func testGatedInpaintGenerator() throws { try check("gated_inpaint") }
    func testGatedInpaintGeneratorBatch2() throws { try check("gated_inpaint_batch2") }
    func testSNPatchDiscriminator() throws { try check("sn_patch") }
    /// Morph's small LaMa on the pull–push input, batch 2, train mode (batch statistics, Fourier units' too) then eval.
    func testFFCInpaintGenerator() throws { try check("ffc_inpaint") }

    /// Every `models_*` fixture on disk has a test above.
    func testEveryFixtureIsCovered() {
        let covered: Set<String> = [
            "resnet_instance", "resnet_batch_dropout_replicate", "resnet_batch_train", "resnet_none_zero",
            "unet_batch", "unet_instance_dropout", "unet_batch_dropout", "nlayer_batch", "nlayer_instance",
            "nlayer_none4", "pixel_batch", "pixel_instance", "srresnet_x4", "srresnet_x3", "srresnet_x2",
            "vgg_discriminator", "rrdbnet_x4", "rrdbnet_x2", "rrdbnet_x1", "srvgg_prelu_x4", "srvgg_lrelu_x2",
            "srvgg_relu_x3", "unet_discriminator_sn", "unet_discriminator_sn_noskip", "default_keys",
            "gated_inpaint", "gated_inpaint_batch2", "sn_patch", "ffc_inpaint",
        ]
        let onDisk = Set(Fixture.names(prefix: "models_").map { String($0.dropFirst("models_".count)) })
        XCTAssertFalse(onDisk.isEmpty)
        XCTAssertEqual(onDisk.subtracting(covered), [], "fixtures without a test")
        XCTAssertEqual(covered.subtracting(onDisk), [], "tests without a fixture")
    }
}
