import XCTest
import MorphTensor
import TestSupport

/// conv2d and convTranspose2d against PyTorch (outputs, input, weight and bias gradients),
/// plus finite-difference checks and shape errors.
final class ConvParityTests: XCTestCase {
    /// The 3×3 stride-1 fixtures with ≥ 8 channels, whose forward and input gradient run through Winograd F(4×4, 3×3):
    /// compared within 1e-4 relative plus 2·10⁻⁵ of the largest element, the bound that ConvWinograd4x4Tests justifies
    /// against PyTorch's own Winograd.
    func winogradFloor(_ name: String) -> Float? {
        name.hasPrefix("conv_k3_wino") || name.hasPrefix("convT_k3_s1_wino") ? 2e-5 : nil
    }

    func testConv2dMatchesPyTorch() throws {
        try OpsCheck.each("conv_") { name in
            let hasBias = (try? Fixture.load(name).tensor("bias")) != nil
            // Winograd's weight gradient and PyTorch's both round a sum over every pixel: a floor of 2·10⁻⁶ of the
            // largest element (ConvWinogradTests measures each against float64).
            let floor: Float? = name.contains("wino") ? 2e-6 : nil
            try OpsCheck.parity(name, params: hasBias ? ["weight", "bias"] : ["weight"], floorFraction: winogradFloor(name),
                                paramFloorFraction: floor) { f, x, p in
                try x.conv2d(weight: p["weight"]!, bias: p["bias"], stride: f.int("stride"), padding: f.int("padding"),
                             dilation: f.int("dilation"))
            }
        }
    }

    func testConvTranspose2dMatchesPyTorch() throws {
        try OpsCheck.each("convT_") { name in
            let hasBias = (try? Fixture.load(name).tensor("bias")) != nil
            try OpsCheck.parity(name, params: hasBias ? ["weight", "bias"] : ["weight"],
                                floorFraction: winogradFloor(name)) { f, x, p in
                try x.convTranspose2d(weight: p["weight"]!, bias: p["bias"], stride: f.int("stride"), padding: f.int("padding"),
                                      outputPadding: f.int("output_padding"), dilation: f.int("dilation"))
            }
        }
    }

    func testConvGradientsAgreeWithFiniteDifferences() throws {
        var rng = SeededRNG(seed: 3)
        let x = Tensor.normal([2, 2, 5, 6], rng: &rng)
        let w = Tensor.normal([3, 2, 3, 3], std: 0.5, rng: &rng)
        let b = Tensor.normal([3], rng: &rng)
        try OpsCheck.gradients("conv2d s2 p1", [x, w, b]) { t in
            try t[0].conv2d(weight: t[1], bias: t[2], stride: 2, padding: 1)
        }
        let wt = Tensor.normal([2, 3, 3, 3], std: 0.5, rng: &rng)
        try OpsCheck.gradients("convTranspose2d s2 p1 op1", [x, wt, b]) { t in
            try t[0].convTranspose2d(weight: t[1], bias: t[2], stride: 2, padding: 1, outputPadding: 1)
        }
    }

    func testLargeImageUsesBandsAndStillMatchesPointwiseSum() throws {
        // A 3×3 all-ones kernel over a constant image: interior pixels equal 9·Cin, independent of banding.
        let x = Tensor.ones([1, 4, 300, 257])
        let w = Tensor.ones([2, 4, 3, 3])
        let y = try x.conv2d(weight: w, padding: 1)
        XCTAssertEqual(y.shape, [1, 2, 300, 257])
        XCTAssertEqual(y.data[150 * 257 + 100], 36)
        XCTAssertEqual(y.data[0], 16)  // corner sees 2×2 of the kernel
    }

    func testShapeErrorsAreTyped() {
        let x = Tensor.zeros([1, 3, 8, 8])
        func expect(_ expected: TensorError, file: StaticString = #filePath, line: UInt = #line, _ op: () throws -> Tensor) {
            XCTAssertThrowsError(try op(), file: file, line: line) { error in
                XCTAssertEqual(error as? TensorError, expected, file: file, line: line)
            }
        }
        expect(.shapeMismatch(op: "conv2d (input channels vs weight)", [1, 3, 8, 8], [4, 2, 3, 3])) {
            try x.conv2d(weight: Tensor.zeros([4, 2, 3, 3]))
        }
        expect(.invalidArgument(op: "conv2d", "kernel 9×9 (dilation 1) is larger than the padded input 8×8")) {
            try x.conv2d(weight: Tensor.zeros([4, 3, 9, 9]))
        }
        expect(.shapeMismatch(op: "conv2d bias", [4], [3])) { try x.conv2d(weight: Tensor.zeros([4, 3, 3, 3]), bias: Tensor.zeros([3])) }
        expect(.wrongRank(op: "conv2d", expected: 4, got: [3, 8, 8])) {
            try Tensor.zeros([3, 8, 8]).conv2d(weight: Tensor.zeros([4, 3, 3, 3]))
        }
        expect(.invalidArgument(op: "convTranspose2d", "output padding 2 must be smaller than stride or dilation")) {
            try x.convTranspose2d(weight: Tensor.zeros([3, 2, 3, 3]), stride: 2, outputPadding: 2)
        }
        expect(.invalidArgument(op: "conv2d", "stride 0 and dilation 1 must be ≥ 1, padding 0 ≥ 0")) {
            try x.conv2d(weight: Tensor.zeros([4, 3, 3, 3]), stride: 0)
        }
    }
}
