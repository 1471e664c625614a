import Foundation

/// The training runs under `--runs`, read from the files `morph train` writes (`config.json`, `log.csv`,
/// `samples/*.png`, `checkpoints/latest`); runs are named by their folder name only.
public struct RunCatalog: Sendable {
    /// The confined runs folder.
    public let folder: ConfinedFolder
    /// Largest `log.csv` read, in bytes (a longer log is read from its last bytes).
    public static let maxLogBytes = 32 << 20

    /// A catalogue of the runs in `root`.
    public init(root: URL) { folder = ConfinedFolder(root) }

    /// The parsed `log.csv` of a run: the header's columns and the numeric rows.
    public struct Log: Sendable {
        public var columns: [String]
        public var rows: [[Double]]
    }

    /// A one-line summary of every run folder (those with a `log.csv` or `config.json`).
    public func list(now: Date = Date()) -> [[String: Any]] {
        folder.subfolders().compactMap { name in
            guard let root = try? folder.resolve(name, allowNesting: false) else { return nil }
            let fm = FileManager.default
            let hasLog = fm.fileExists(atPath: root.appendingPathComponent("log.csv").path)
            guard hasLog || fm.fileExists(atPath: root.appendingPathComponent("config.json").path) else { return nil }
            return summary(name: name, root: root, now: now)
        }
    }

    /// Kind, step, epoch, last losses, state and sample files of run `name`.
    /// - Throws: `ServeError` for a bad name or a missing run.
    public func summary(of name: String, now: Date = Date()) throws -> [String: Any] {
        summary(name: name, root: try folder.resolve(name, allowNesting: false), now: now)
    }

    private func summary(name: String, root: URL, now: Date) -> [String: Any] {
        let config = RunCatalog.readConfig(root)
        let log = (try? RunCatalog.readLog(root.appendingPathComponent("log.csv"))) ?? Log(columns: [], rows: [])
        var result: [String: Any] = ["name": name, "kind": config["model"] as? String ?? "unknown",
                                     "state": RunCatalog.state(root: root, config: config, log: log, now: now),
                                     "samples": RunCatalog.samples(root)]
        if let last = log.rows.last, log.columns.count == last.count, last.count >= 4 {
            result["step"] = Int(last[0])
            result["epoch"] = Int(last[1])
            var losses: [String: Double] = [:]
            for (column, value) in zip(log.columns[2..<(last.count - 2)], last[2..<(last.count - 2)]) where value.isFinite {
                losses[column] = value
            }
            result["losses"] = losses
        } else {
            result["step"] = 0
            result["losses"] = [String: Double]()
        }
        if let maxSteps = config["max_steps"] as? Int { result["max_steps"] = maxSteps }
        return result
    }

    /// `running` when `log.csv` changed recently (within 20 s, or 5 iterations' time when those are slower),
    /// `finished` when the last logged step reached `max_steps` or the last epoch, `stopped` otherwise.
    static func state(root: URL, config: [String: Any], log: Log, now: Date) -> String {
        let last = log.rows.last
        if let last, let maxSteps = config["max_steps"] as? Int, Int(last[0]) >= maxSteps { return "finished" }
        if let last, config["max_steps"] == nil, let epochs = config["n_epochs"] as? Int,
           let decay = config["n_epochs_decay"] as? Int, Int(last[1]) >= epochs + decay,
           FileManager.default.fileExists(atPath: root.appendingPathComponent("checkpoints/latest").path),
           isStale(root, now: now, last: last) { return "finished" }
        return isStale(root, now: now, last: last) ? "stopped" : "running"
    }

    private static func isStale(_ root: URL, now: Date, last: [Double]?) -> Bool {
        let attributes = try? FileManager.default.attributesOfItem(atPath: root.appendingPathComponent("log.csv").path)
        guard let modified = attributes?[.modificationDate] as? Date else { return true }
        let perStep = last.flatMap(\.last).map { $0.isFinite ? $0 : 0 } ?? 0
        return now.timeIntervalSince(modified) > max(20, 5 * perStep)
    }

    /// `config.json` as a dictionary (empty when missing or unreadable; at most 1 MiB is read).
    static func readConfig(_ root: URL) -> [String: Any] {
        guard let handle = try? FileHandle(forReadingFrom: root.appendingPathComponent("config.json")) else { return [:] }
        defer { try? handle.close() }
        guard let data = try? handle.read(upToCount: 1 << 20),
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return [:] }
        return object
    }

    /// The sample grids of a run (`samples/*.png`), sorted.
    static func samples(_ root: URL) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("samples").path)) ?? []
        return names.filter { $0.hasSuffix(".png") && !$0.hasPrefix(".") }.sorted()
    }

    /// The parsed log of run `name`.
    /// - Throws: `ServeError` for a bad name or a run without a log.
    public func log(of name: String) throws -> Log {
        let root = try folder.resolve(name, allowNesting: false)
        do { return try RunCatalog.readLog(root.appendingPathComponent("log.csv")) } catch {
            throw ServeError.notFound("run '\(name)' has no readable log.csv")
        }
    }

    /// The resolved `log.csv` of run `name` (for following it as it grows).
    public func logFile(of name: String) throws -> URL {
        try folder.resolve(name, allowNesting: false).appendingPathComponent("log.csv")
    }

    /// The resolved sample grid `file` of run `name`.
    /// - Throws: `ServeError` for bad names, names leading out of the run's `samples/` folder, or missing files.
    public func sample(_ file: String, of name: String) throws -> URL {
        let root = try folder.resolve(name, allowNesting: false)
        guard file.hasSuffix(".png") else { throw ServeError.badRequest("sample names end in .png") }
        return try ConfinedFolder(root.appendingPathComponent("samples")).resolve(file, allowNesting: false)
    }

    /// Reads and parses a log file (its last `maxLogBytes` when longer).
    static func readLog(_ url: URL) throws -> Log {
        let handle = try FileHandle(forReadingFrom: url)
        defer { try? handle.close() }
        let size = try handle.seekToEnd()
        let headerData = try { () throws -> Data in
            try handle.seek(toOffset: 0)
            return try handle.read(upToCount: 4096) ?? Data()
        }()
        let start = size > UInt64(maxLogBytes) ? size - UInt64(maxLogBytes) : 0
        try handle.seek(toOffset: start)
        let body = try handle.read(upToCount: maxLogBytes) ?? Data()
        let header = String(decoding: headerData, as: UTF8.self).split(separator: "\n").first.map(String.init) ?? ""
        // The first line read is the header, or a partial row when the read starts inside the file.
        let lines = String(decoding: body, as: UTF8.self).split(separator: "\n").dropFirst().map(String.init)
        return parse(header: header, lines: lines)
    }

    /// Columns from `header`, and every complete numeric row of `lines` (partial or malformed rows are skipped).
    static func parse(header: String, lines: [String]) -> Log {
        let columns = header.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        var rows: [[Double]] = []
        for line in lines {
            let fields = line.split(separator: ",", omittingEmptySubsequences: false)
            guard fields.count == columns.count, !columns.isEmpty else { continue }
            let values = fields.map { Double($0.trimmingCharacters(in: .whitespaces)) }
            guard values.allSatisfy({ $0 != nil }) else { continue }
            rows.append(values.map { $0! })
        }
        return Log(columns: columns, rows: rows)
    }
}
