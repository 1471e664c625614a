import Foundation

/// A run's record of what was done, one JSON object per line: input, output, model hash and status.
/// The whole run writes `<output>/.morph-manifest.jsonl`; shard i of n writes
/// `<output>/.morph-manifest.shard-i-of-n.jsonl`, so shards sharing an output folder never write one file.
/// Opening reads every manifest in the folder, so a re-run (with any sharding) skips inputs already marked
/// done with the same model whose output still exists.
public final class Manifest {
    /// One manifest line.
    public struct Entry: Codable, Equatable {
        public var input: String
        public var output: String
        public var model: String
        public var status: String
        public var time: Date
    }

    /// The manifest file this run appends to.
    public let url: URL
    private var done: [String: Entry] = [:]
    private let lock = NSLock()

    /// Opens (or starts) the manifest of `shard` in `folder`. Unreadable lines are ignored.
    public init(folder: URL, shard: Shard = .all) {
        let name = shard.count == 1 ? "" : ".shard-\(shard.index)-of-\(shard.count)"
        url = folder.appendingPathComponent(".morph-manifest\(name).jsonl")
        let files = ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? [])
            .filter { $0.hasPrefix(".morph-manifest") && $0.hasSuffix(".jsonl") }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        var entries: [Entry] = []
        for file in files {
            guard let text = try? String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8) else { continue }
            entries += text.split(separator: "\n").compactMap { try? decoder.decode(Entry.self, from: Data($0.utf8)) }
        }
        // Later lines win; equal times (one-second resolution) keep their file order.
        for entry in entries.enumerated().sorted(by: { ($0.element.time, $0.offset) < ($1.element.time, $1.offset) }).map(\.element) {
            done[entry.input] = entry.status == "done" ? entry : nil
        }
    }

    /// Every entry marked done, by input path.
    public var doneEntries: [String: Entry] {
        lock.lock(); defer { lock.unlock() }
        return done
    }

    /// Whether `input` was already made into `output` with model `modelHash` and the output still exists.
    public func isDone(input: URL, output: URL, modelHash: String) -> Bool {
        lock.lock(); defer { lock.unlock() }
        guard let e = done[input.path] else { return false }
        return e.model == modelHash && e.output == output.path && FileManager.default.fileExists(atPath: output.path)
    }

    /// Appends an entry (status "done" or "failed: cause").
    public func record(input: URL, output: URL, modelHash: String, status: String) throws {
        let entry = Entry(input: input.path, output: output.path, model: modelHash, status: status, time: Date())
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var line = try encoder.encode(entry)
        line.append(0x0A)
        lock.lock(); defer { lock.unlock() }
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        if !FileManager.default.fileExists(atPath: url.path) {
            _ = FileManager.default.createFile(atPath: url.path, contents: nil)
        }
        let handle = try FileHandle(forWritingTo: url)
        defer { try? handle.close() }
        try handle.seekToEnd()
        try handle.write(contentsOf: line)
        if status == "done" { done[input.path] = entry } else { done[input.path] = nil }
    }

    /// A stable content hash of a model file (FNV-1a 64 over its bytes), or of a built-in name.
    public static func modelHash(_ model: String) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        func mix(_ bytes: UnsafeRawBufferPointer) {
            for b in bytes { hash = (hash ^ UInt64(b)) &* 0x0000_0100_0000_01B3 }
        }
        if let handle = FileHandle(forReadingAtPath: model) {
            defer { try? handle.close() }
            while let chunk = try? handle.read(upToCount: 1 << 20), !chunk.isEmpty { chunk.withUnsafeBytes(mix) }
        } else {
            Array(model.utf8).withUnsafeBytes(mix)
        }
        return String(format: "%016llx", hash)
    }
}
