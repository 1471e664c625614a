import Foundation

/// What `morph models` prints: the built-in models, then the catalogue with each entry's architecture, scale,
/// official URL, published SHA-256 and whether it is downloaded.
public struct ModelListing {
    /// The models folder the catalogue is checked against.
    public let store: ModelStore

    /// A listing against `store`.
    public init(store: ModelStore) { self.store = store }

    /// Human-readable lines.
    public var text: String {
        var lines = ["Built-in models (ship with Morph; --model NAME):"]
        let width = (BuiltinModels.names + ModelCatalogue.all.map(\.name)).map(\.count).max() ?? 0
        func pad(_ s: String, _ n: Int) -> String { s.padding(toLength: max(n, s.count), withPad: " ", startingAt: 0) }
        for entry in BuiltinModels.all {
            lines.append("  \(pad(entry.name, width))  \(pad(entry.task.rawValue, 9))  \(entry.summary)")
        }
        lines.append("")
        lines.append("Public models (morph models download NAME; stored in \(store.folder.path)):")
        for entry in ModelCatalogue.all {
            let here = store.has(entry) ? "downloaded" : "-"
            lines.append("  \(pad(entry.name, width))  \(pad(entry.task, 9))  ×\(entry.scale)  \(entry.architecture): "
                + "\(entry.summary)  [\(here)]")
            lines.append("  \(pad("", width))  \(entry.url)  sha256: \(entry.sha256 ?? "not published")")
        }
        return lines.joined(separator: "\n")
    }

    /// One JSON object: `builtin` and `catalogue` arrays (sorted keys); catalogue items carry `file` when downloaded.
    public var json: String {
        struct Builtin: Encodable { let name: String, task: String, summary: String }
        struct Item: Encodable {
            let entry: ModelCatalogue.Entry
            let file: String?
            enum Keys: String, CodingKey { case file }
            func encode(to encoder: Encoder) throws {
                try entry.encode(to: encoder)
                var container = encoder.container(keyedBy: Keys.self)
                try container.encodeIfPresent(file, forKey: .file)
            }
        }
        struct Listing: Encodable { let builtin: [Builtin], catalogue: [Item], folder: String }
        let listing = Listing(builtin: BuiltinModels.all.map { Builtin(name: $0.name, task: $0.task.rawValue, summary: $0.summary) },
                              catalogue: ModelCatalogue.all.map { Item(entry: $0, file: store.has($0) ? store.file(for: $0).path : nil) },
                              folder: store.folder.path)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: (try? encoder.encode(listing)) ?? Data("{}".utf8), as: UTF8.self)
    }
}
