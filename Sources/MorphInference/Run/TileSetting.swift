/// A tile setting: a fixed size, `auto`, or 0 for the whole image.
public enum TileSetting: Equatable, Sendable, CustomStringConvertible {
    case auto
    case size(Int)
    public var description: String {
        switch self { case .auto: return "auto"; case let .size(n): return String(n) }
    }
}
