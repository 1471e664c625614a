import XCTest
import MorphTensor
@testable import MorphNN
import TestSupport

/// Layers built from core ops only: Linear, Flatten, Identity.
final class LinearTests: XCTestCase {
    func testLinearMatchesTorch() throws {
        var rng = SeededRNG(seed: 0)
        try checkLayerParity("nn_layer_linear", Linear(6, 4, rng: &rng))
    }

    func testLinearRejectsWrongWidth() {
        var rng = SeededRNG(seed: 0)
        XCTAssertThrowsError(try Linear(6, 4, rng: &rng)(Tensor.zeros([2, 5])))
    }

    func testFlattenAndIdentity() throws {
        let x = try Tensor(shape: [2, 3, 2], values: (0..<12).map(Float.init))
        let y = try Flatten()(x)
        XCTAssertEqual(y.shape, [2, 6])
        XCTAssertEqual(y.values, x.values)
        XCTAssertTrue(try Identity()(x) === x)
    }
}
