/// A deterministic slice `index` of `count` of a sorted file list, so that
/// `--shard 0/n` … `--shard n-1/n` on n machines cover every file exactly once.
public struct Shard: Equatable, CustomStringConvertible, Sendable {
    /// This shard, 0-based.
    public let index: Int
    /// Number of shards.
    public let count: Int

    /// Parses `"i/n"` with 0 ≤ i < n.
    public init?(parsing text: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let i = Int(parts[0]), let n = Int(parts[1]), n > 0, i >= 0, i < n else { return nil }
        index = i
        count = n
    }

    public init(index: Int, count: Int) {
        precondition(count > 0 && index >= 0 && index < count)
        self.index = index
        self.count = count
    }

    /// The whole list as one shard.
    public static let all = Shard(index: 0, count: 1)

    public var description: String { "\(index)/\(count)" }

    /// The items of this shard: those at positions ≡ index (mod count) after sorting by `key`.
    public func select<T>(_ items: [T], key: (T) -> String) -> [T] {
        let sorted = items.sorted { key($0) < key($1) }
        return sorted.enumerated().filter { $0.offset % count == index }.map(\.element)
    }
}
