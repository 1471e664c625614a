/// Errors raised by tensor operations on bad shapes, ranks or arguments.
public enum TensorError: Error, CustomStringConvertible, Equatable {
    /// Two shapes that had to agree did not.
    case shapeMismatch(op: String, [Int], [Int])
    /// A tensor had the wrong number of dimensions.
    case wrongRank(op: String, expected: Int, got: [Int])
    /// An argument (dimension, index, size) was out of its valid range.
    case invalidArgument(op: String, String)
    /// The element count of a value list does not match the shape.
    case countMismatch(shape: [Int], count: Int)

    public var description: String {
        switch self {
        case let .shapeMismatch(op, a, b):
            return "\(op): shape mismatch \(a) vs \(b)"
        case let .wrongRank(op, expected, got):
            return "\(op): expected a rank-\(expected) tensor, got shape \(got)"
        case let .invalidArgument(op, message):
            return "\(op): \(message)"
        case let .countMismatch(shape, count):
            return "shape \(shape) needs \(shape.reduce(1, *)) values, got \(count)"
        }
    }
}
