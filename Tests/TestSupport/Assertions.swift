import Foundation
import XCTest
import MorphTensor

/// Asserts that two float sequences agree elementwise within
/// `rtol · |expected| + atol`, reporting the worst element on failure.
public func assertClose(_ actual: [Float], _ expected: [Float], rtol: Float = 1e-4, atol: Float = 1e-5,
                        _ message: String = "", file: StaticString = #filePath, line: UInt = #line) {
    guard actual.count == expected.count else {
        XCTFail("\(message): count \(actual.count) != \(expected.count)", file: file, line: line)
        return
    }
    var worst = -1
    var worstExcess: Float = 0
    for i in 0..<actual.count {
        let diff = abs(actual[i] - expected[i])
        let allowed = rtol * abs(expected[i]) + atol
        if !(diff <= allowed) {
            let excess = diff.isNaN ? .infinity : diff - allowed
            if worst < 0 || excess > worstExcess { worst = i; worstExcess = excess }
        }
    }
    if worst >= 0 {
        XCTFail("\(message): element \(worst) is \(actual[worst]), expected \(expected[worst]) (rtol \(rtol), atol \(atol))",
                file: file, line: line)
    }
}

/// Asserts that a tensor matches an expected shape and values.
public func assertClose(_ actual: Tensor, shape: [Int], _ expected: [Float], rtol: Float = 1e-4, atol: Float = 1e-5,
                        _ message: String = "", file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(actual.shape, shape, "\(message): shape", file: file, line: line)
    assertClose(actual.values, expected, rtol: rtol, atol: atol, message, file: file, line: line)
}

/// Asserts that `actual` agrees with a reference tensor within `rtol·|e| + floor`, where the absolute floor is
/// derived from that tensor's own scale: `floor = floorFraction · max|e|`. Elements near zero inside a tensor
/// are differences of large terms, so they get the floor; a tensor as a whole is never excused. The reference
/// must be measurable: when its largest element is below `minimumScale` the comparison would pass for any
/// all-zero answer, so the assertion fails instead.
public func assertCloseScaled(_ actual: [Float], _ expected: [Float], rtol: Float = 1e-4, floorFraction: Float = 1e-5,
                              minimumScale: Float = 1e-6, _ message: String = "",
                              file: StaticString = #filePath, line: UInt = #line) {
    let scale = expected.map(abs).max() ?? 0
    guard scale >= minimumScale else {
        XCTFail("\(message): reference's largest element \(scale) is under \(minimumScale): nothing measurable to compare",
                file: file, line: line)
        return
    }
    assertClose(actual, expected, rtol: rtol, atol: floorFraction * scale, message, file: file, line: line)
}
