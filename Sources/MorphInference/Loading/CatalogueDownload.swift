import Foundation

/// `morph models download NAME`: fetches a catalogue model (and the companion some option needs) into a models
/// folder, checks its SHA-256 when one is published or given, and checks that Morph loads it.
public struct CatalogueDownload {
    /// Where the files go.
    public var store: ModelStore
    /// A server holding the same file names as the official URLs (`$MORPH_MODELS_MIRROR`), or nil.
    public var mirror: URL?
    /// Progress shown while a file downloads.
    public var interactive: Bool?
    /// Tells the user what happens (stderr in the CLI).
    public var log: (String) -> Void

    /// A download into `store`.
    public init(store: ModelStore, mirror: URL? = nil, interactive: Bool? = nil,
                log: @escaping (String) -> Void = { FileHandle.standardError.write(Data(($0 + "\n").utf8)) }) {
        self.store = store
        self.mirror = mirror
        self.interactive = interactive
        self.log = log
    }

    /// The mirror named by `$MORPH_MODELS_MIRROR`, if any.
    public static func mirror(environment: [String: String] = ProcessInfo.processInfo.environment) -> URL? {
        environment["MORPH_MODELS_MIRROR"].flatMap { $0.isEmpty ? nil : URL(string: $0) }
    }

    /// The URL `entry` is fetched from: the official one, or the same file name on the mirror.
    public func source(for entry: ModelCatalogue.Entry) -> URL {
        let official = URL(string: entry.url)!
        guard let mirror else { return official }
        return mirror.appendingPathComponent(official.lastPathComponent)
    }

    /// Downloads `name` (and its companion), unless already there. `sha256` overrides the published checksum.
    /// Returns the files now in the store.
    /// - Throws: `PipelineError.usage` for an unknown name; `DownloadError`; `PipelineError.model` when the file does
    ///   not load as a model (it is removed).
    @discardableResult
    public func run(_ name: String, sha256: String? = nil) throws -> [URL] {
        guard let entry = ModelCatalogue.entry(named: name) else {
            let builtin = BuiltinModels.isBuiltin(name) ? " (a built-in model: it ships with Morph)" : ""
            throw PipelineError.usage("\(name): not a catalogue model\(builtin); morph models lists them")
        }
        var files = [try fetch(entry, sha256: sha256)]
        if let companion = entry.companion.flatMap(ModelCatalogue.entry(named:)) {
            files.append(try fetch(companion, sha256: nil))
        }
        return files
    }

    func fetch(_ entry: ModelCatalogue.Entry, sha256: String?) throws -> URL {
        let file = store.file(for: entry)
        if FileManager.default.fileExists(atPath: file.path) {
            log("\(entry.name): already downloaded (\(file.path))")
            return file
        }
        let url = source(for: entry)
        log("\(entry.name): downloading \(url.absoluteString)")
        let bar = ByteProgress(label: entry.name, interactive: interactive)
        // An archive is downloaded under its own name, its checkpoint taken out, and the archive removed.
        let download = entry.archiveMember == nil ? file : store.folder.appendingPathComponent(url.lastPathComponent)
        let digest = try ModelDownloader(progress: bar.update).download(url, to: download, sha256: sha256 ?? entry.sha256)
        bar.finish()
        if let member = entry.archiveMember {
            defer { try? FileManager.default.removeItem(at: download) }
            try ArchiveMember.extract(member, from: download, to: file)
        }
        do { _ = try ModelLoader.load(file) } catch {
            try? FileManager.default.removeItem(at: file)
            throw PipelineError.model(file: url.absoluteString, "downloaded, but Morph cannot load it: "
                + PipelineError.cause(error, dropping: file.path) + " (removed)")
        }
        let check = (sha256 ?? entry.sha256) != nil ? "matches the published SHA-256" : "no SHA-256 published; computed"
        let from = entry.archiveMember.map { ", \($0) of \(url.lastPathComponent)" } ?? ""
        let of = entry.archiveMember == nil ? "" : " of the archive"
        log("\(entry.name): saved \(file.path)\(from) (sha256\(of) \(digest), \(check))")
        return file
    }
}

/// Shows a download's progress: a redrawn bar with megabytes, rate and ETA on a terminal, plain lines about every
/// 10% (at most once a second) otherwise.
public final class ByteProgress {
    private let label: String
    private let isTTY: Bool
    private let start = Date()
    private var lastDraw = Date.distantPast
    private var lastFraction = -1.0
    private var drew = false
    private let lock = NSLock()

    /// A display for `label`; `interactive` defaults to whether stderr is a terminal.
    public init(label: String, interactive: Bool? = nil) {
        self.label = label
        isTTY = interactive ?? (isatty(STDERR_FILENO) == 1)
    }

    /// Bytes so far out of `total` (nil when unknown).
    public func update(_ bytes: Int64, _ total: Int64?) {
        lock.lock(); defer { lock.unlock() }
        let now = Date()
        let fraction = total.map { $0 > 0 ? Double(bytes) / Double($0) : 1 } ?? 0
        if isTTY {
            guard now.timeIntervalSince(lastDraw) > 0.1 else { return }
            FileHandle.standardError.write(Data(("\r\u{1B}[2K" + line(bytes, total, now: now)).utf8))
        } else {
            guard now.timeIntervalSince(lastDraw) >= 1, fraction - lastFraction >= 0.1 || total == nil else { return }
            lastFraction = fraction
            FileHandle.standardError.write(Data((line(bytes, total, now: now) + "\n").utf8))
        }
        lastDraw = now
        drew = true
    }

    /// Ends the bar's line.
    public func finish() {
        lock.lock(); defer { lock.unlock() }
        if isTTY && drew { FileHandle.standardError.write(Data("\n".utf8)) }
    }

    /// `label ███░░ 12.0/64.0 MB 5.1 MB/s ETA 0:10`.
    func line(_ bytes: Int64, _ total: Int64?, now: Date) -> String {
        let mb = Double(bytes) / 1_048_576
        let elapsed = max(now.timeIntervalSince(start), 1e-3)
        let rate = mb / elapsed
        guard let total, total > 0 else { return String(format: "%@ %.1f MB %.1f MB/s", label, mb, rate) }
        let fraction = min(1, Double(bytes) / Double(total))
        let filled = Int(fraction * 24)
        let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: 24 - filled)
        let left = rate > 0 ? (Double(total) / 1_048_576 - mb) / rate : 0
        return String(format: "%@ %@ %.1f/%.1f MB %.1f MB/s ETA %@", label, bar, mb, Double(total) / 1_048_576, rate,
                      Self.clock(left))
    }

    /// `m:ss` or `h:mm:ss`.
    static func clock(_ seconds: Double) -> String {
        let s = max(0, Int(seconds.rounded()))
        return s >= 3600 ? String(format: "%d:%02d:%02d", s / 3600, (s / 60) % 60, s % 60)
                         : String(format: "%d:%02d", s / 60, s % 60)
    }
}
