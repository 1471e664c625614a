import Foundation

/// Overflow-checked arithmetic for numbers read from a file (offsets, sizes, strides, shapes, counts).
/// Every operation either returns the exact result or throws `CheckpointError.malformed` naming the file,
/// so a hostile number can never wrap around a bounds check, whatever the build's optimisation flags.
struct CheckedArithmetic {
    /// The file the numbers came from, for error messages.
    let file: String

    /// The largest element count or byte size any single declared object may have (2^48).
    static let ceiling = 1 << 48

    func fail(_ what: String) -> CheckpointError {
        .malformed(file: file, reason: "\(what) overflows (a corrupt or hostile file)")
    }

    /// `a + b`, or an error saying `what` overflowed.
    func add(_ a: Int, _ b: Int, _ what: @autoclosure () -> String) throws -> Int {
        let (r, o) = a.addingReportingOverflow(b)
        guard !o else { throw fail(what()) }
        return r
    }

    /// `a * b`, or an error saying `what` overflowed.
    func multiply(_ a: Int, _ b: Int, _ what: @autoclosure () -> String) throws -> Int {
        let (r, o) = a.multipliedReportingOverflow(by: b)
        guard !o else { throw fail(what()) }
        return r
    }

    /// An unsigned file number as a non-negative `Int` no larger than `ceiling`.
    func int(_ v: UInt64, _ what: @autoclosure () -> String) throws -> Int {
        guard v <= UInt64(CheckedArithmetic.ceiling) else {
            throw CheckpointError.malformed(file: file, reason: "\(what()) of \(v) is impossibly large")
        }
        return Int(v)
    }

    /// The product of `dims` (each non-negative), no larger than `ceiling`.
    func count(_ dims: [Int], _ what: @autoclosure () -> String) throws -> Int {
        var n = 1
        for d in dims {
            guard d >= 0 else { throw CheckpointError.malformed(file: file, reason: "\(what()) has a negative size \(d)") }
            n = try multiply(n, d, what())
        }
        guard n <= CheckedArithmetic.ceiling else {
            throw CheckpointError.malformed(file: file, reason: "\(what()) of \(n) elements is impossibly large")
        }
        return n
    }

    /// The index one past the last element a strided view reaches: `offset + Σ (size-1)·stride + 1`
    /// (just `offset` for an empty view). Negative sizes, strides and offsets are refused.
    func extent(offset: Int, shape: [Int], strides: [Int], _ what: @autoclosure () -> String) throws -> Int {
        guard offset >= 0 else { throw CheckpointError.malformed(file: file, reason: "\(what()) has a negative offset \(offset)") }
        guard shape.count == strides.count else {
            throw CheckpointError.malformed(file: file, reason: "\(what()) has \(shape.count) sizes but \(strides.count) strides")
        }
        var last = offset
        for (n, k) in zip(shape, strides) {
            guard n >= 0, k >= 0 else {
                throw CheckpointError.malformed(file: file, reason: "\(what()) has a negative size or stride (\(shape), \(strides))")
            }
            if n == 0 { return offset }
            last = try add(last, try multiply(n - 1, k, what()), what())
        }
        return try add(last, 1, what())
    }
}
