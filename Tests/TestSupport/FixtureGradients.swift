import Foundation
import XCTest
import MorphTensor

/// Gradient comparisons against fixtures written by `gen/_common.save`: every parameter's gradient is stored
/// either as `<prefix><key>` (measurable: max |g| ≥ 1e-4, checked by `FixturePropertiesTests`) or, for a
/// bias whose gradient is zero in exact arithmetic, as `zero_<prefix><key>`.
extension Fixture {
    /// The largest |g| over every measurable gradient stored under `prefix` (a network's gradient scale).
    public func gradientScale(prefix: String) -> Float {
        tensors.filter { $0.key.hasPrefix(prefix) }.map { $0.value.values.map(abs).max() ?? 0 }.max() ?? 0
    }

    /// Asserts that `actual` (nil: no gradient, i.e. zero) matches the stored gradient of `key`: within
    /// `rtol·|e| + floorFraction·max|e|` for a measurable one, or within `zeroBound` of zero for a structurally
    /// zero one. Fails when the fixture holds neither.
    public func assertGradient(_ actual: Tensor?, count: Int, prefix: String = "grad.", key: String,
                               rtol: Float = 1e-4, floorFraction: Float = 1e-5, zeroBound: Float, _ label: String,
                               file: StaticString = #filePath, line: UInt = #line) {
        let values = actual?.values ?? [Float](repeating: 0, count: count)
        if let expected = tensors[prefix + key] {
            assertCloseScaled(values, expected.values, rtol: rtol, floorFraction: floorFraction, minimumScale: 1e-4,
                              label, file: file, line: line)
        } else if tensors["zero_" + prefix + key] != nil {
            let worst = values.map(abs).max() ?? 0
            XCTAssertEqual(values.count, count, "\(label): count", file: file, line: line)
            XCTAssertLessThanOrEqual(worst, zeroBound, "\(label): zero in exact arithmetic, Morph's is \(worst)",
                                     file: file, line: line)
        } else {
            XCTFail("\(label): \(name) stores no gradient for \(key)", file: file, line: line)
        }
    }
}
