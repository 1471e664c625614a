import XCTest
import MorphModels
import MorphNN
import MorphTensor
import TestSupport

/// The reported receptive field radius is an honest bound: running a crop reproduces the full-image
/// output wherever the output pixel is at least `radius` input pixels inside the crop.
final class ReceptiveFieldTests: XCTestCase {
    func crop(_ x: Tensor, top: Int, left: Int, height: Int, width: Int) throws -> Tensor {
        try x.slice(dim: 2, top..<(top + height)).slice(dim: 3, left..<(left + width))
    }

    func checkLocality(_ arch: String, _ options: [String: String], size: Int, cropAt: Int, cropSize: Int,
                       file: StaticString = #filePath, line: UInt = #line) throws {
        let model = try ArchitectureRegistry.build(arch, options: options, seed: 11)
        model.eval()
        let t = model.traits
        let radius = try XCTUnwrap(t.receptiveFieldRadius)
        XCTAssertFalse(t.hasNormalization)
        var rng = SeededRNG(seed: 12)
        let x = Tensor.normal([1, t.inputChannels, size, size], rng: &rng)
        let full = try withoutGrad { try model(x) }
        let part = try withoutGrad { try model(crop(x, top: cropAt, left: cropAt, height: cropSize, width: cropSize)) }
        // The crop's inner region, `radius` away from its edges, in output pixels.
        let inner = (cropSize - 2 * radius) * t.scale
        XCTAssertGreaterThan(inner, 0, "crop too small for the radius", file: file, line: line)
        let a = try crop(part, top: radius * t.scale, left: radius * t.scale, height: inner, width: inner)
        let b = try crop(full, top: (cropAt + radius) * t.scale, left: (cropAt + radius) * t.scale,
                         height: inner, width: inner)
        assertClose(a.values, b.values, rtol: 1e-4, atol: 1e-5, "\(arch) inner region", file: file, line: line)
    }

    func testSRVGG() throws {
        try checkLocality("srvgg", ["num_feat": "4", "num_conv": "3", "upscale": "2"], size: 28, cropAt: 6, cropSize: 16)
    }

    func testSRResNet() throws {
        try checkLocality("srresnet", ["num_feat": "4", "num_block": "1", "upscale": "4"], size: 32, cropAt: 8, cropSize: 20)
    }

    func testRRDBNet() throws {
        try checkLocality("rrdbnet", ["num_feat": "4", "num_block": "1", "num_grow_ch": "2", "scale": "4"],
                          size: 56, cropAt: 8, cropSize: 44)
    }

    func testResnetWithoutNorm() throws {
        try checkLocality("resnet_6blocks", ["ngf": "2", "n_blocks": "1", "norm": "none", "padding_type": "zero"],
                          size: 96, cropAt: 16, cropSize: 64)
    }
}

/// The inpainting generator's input and compositing helpers, and the pull–push fill it starts from.
final class InpaintCompositeTests: XCTestCase {
    func testCompositeKeepsKnownPixelsExactly() throws {
        var rng = SeededRNG(seed: 11)
        let image = Tensor.uniform([1, 3, 8, 8], low: -1, high: 1, rng: &rng)
        let mask = Tensor.zeros([1, 1, 8, 8])
        for y in 2..<5 { for x in 3..<7 { mask.data[y * 8 + x] = 1 } }
        let input = try GatedInpaintGenerator.makeInput(image: image, mask: mask)
        XCTAssertEqual(input.shape, [1, 4, 8, 8])
        let output = Tensor.uniform([1, 3, 8, 8], low: -1, high: 1, rng: &rng)
        let merged = try GatedInpaintGenerator.composite(output: output, image: image, mask: mask)
        let filled = try PullPushFill.fill(image: image, mask: mask)
        for c in 0..<3 {
            for i in 0..<64 {
                let hole = mask.data[i] == 1
                XCTAssertEqual(input.data[c * 64 + i], hole ? filled.data[c * 64 + i] : image.data[c * 64 + i])
                XCTAssertEqual(merged.data[c * 64 + i], hole ? output.data[c * 64 + i] : image.data[c * 64 + i])
            }
        }
        XCTAssertEqual(Array(input.values[(3 * 64)...]), mask.values)
    }

    /// The generator's float64 pull–push, written in numpy (not PyTorch: PyTorch has no such op; gen/inpaint.py), on odd
    /// sizes, scattered holes, no hole and no known pixel.
    func testPullPushMatchesTheReference() throws {
        let fx = try Fixture.load("inpaint_prefill")
        for name in ["rgb", "gray"] {
            let expected = try fx.tensor(name + ".filled")
            let filled = try PullPushFill.fill(image: try fx.tensor(name + ".image"), mask: try fx.tensor(name + ".mask"))
            assertClose(filled, shape: expected.shape, expected.values, rtol: 1e-5, atol: 1e-6, "\(name) fill")
        }
    }

    /// Every filled value is a convex combination of known values: a hole in a constant image fills with that
    /// constant, and a hole's fill stays within the known values' range.
    func testPullPushIsAConvexFill() throws {
        var rng = SeededRNG(seed: 12)
        let mask = Tensor.zeros([1, 1, 20, 30])
        for y in 4..<17 { for x in 2..<25 { mask.data[y * 30 + x] = 1 } }
        let constant = Tensor.zeros([1, 1, 20, 30])
        constant.fill(0.375)
        XCTAssertEqual(Set(try PullPushFill.fill(image: constant, mask: mask).values), [0.375])
        let image = Tensor.uniform([1, 1, 20, 30], low: -0.5, high: 0.25, rng: &rng)
        let known = (0..<600).filter { mask.data[$0] == 0 }.map { image.data[$0] }
        let filled = try PullPushFill.fill(image: image, mask: mask).values
        for i in 0..<600 where mask.data[i] == 1 {
            XCTAssertGreaterThanOrEqual(filled[i], known.min()! - 1e-6)
            XCTAssertLessThanOrEqual(filled[i], known.max()! + 1e-6)
        }
        XCTAssertThrowsError(try PullPushFill.fill(image: image, mask: Tensor.zeros([1, 1, 20, 29])))
    }

    /// An untrained generator starts from the fill: its correction convolution is zero.
    func testFreshGeneratorReturnsTheFill() throws {
        let model = try ArchitectureRegistry.build("gated_inpaint", options: ["cnum": "4"], seed: 3)
        var rng = SeededRNG(seed: 13)
        let image = Tensor.uniform([1, 3, 16, 24], low: -1, high: 1, rng: &rng)
        let mask = Tensor.zeros([1, 1, 16, 24])
        for y in 3..<11 { for x in 5..<19 { mask.data[y * 24 + x] = 1 } }
        let input = try GatedInpaintGenerator.makeInput(image: image, mask: mask)
        XCTAssertEqual(try model(input).values, Array(input.values[0..<(3 * 16 * 24)]))
        // The FFC generator too (its LaMa's output convolution starts at zero, and tanh(0) = 0), in both modes.
        let ffc = try ArchitectureRegistry.build("ffc_inpaint", options: ["ngf": "4", "n_blocks": "1"], seed: 3)
        XCTAssertEqual(ffc.traits.sizeMultiple, 4)
        XCTAssertNil(ffc.traits.receptiveFieldRadius, "the spectral transforms see the whole image")
        XCTAssertEqual(try ffc(input).values, Array(input.values[0..<(3 * 16 * 24)]))
        ffc.eval()
        XCTAssertEqual(try ffc(input).values, Array(input.values[0..<(3 * 16 * 24)]))
        XCTAssertThrowsError(try ffc(try input.slice(dim: 3, 0..<22)), "width not a multiple of 4")
    }
}
