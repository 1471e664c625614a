import Foundation

/// Progress within one image: tiles done out of the total (every pass over the tiles counts, so global norm
/// statistics show too), rate and ETA. Nothing shows for images done within `quiet` seconds (by default 1, or
/// `$MORPH_PROGRESS_AFTER`); after that a redrawn bar on a terminal, plain lines about every 10% (at most once a
/// second) otherwise.
public final class TileProgress {
    private let label: String
    private let isTTY: Bool
    private let quiet: TimeInterval
    private let interval: TimeInterval
    private let write: (String) -> Void
    private let lock = NSLock()
    private var start = Date()
    private var total = 0
    private var done = 0
    private var lastDraw = Date.distantPast
    private var lastFraction = 0.0
    private var drew = false

    /// Seconds an image runs before its progress shows: `$MORPH_PROGRESS_AFTER` (0: at once) when it is a number
    /// ≥ 0, otherwise 1.
    public static func quietSeconds(environment: [String: String] = ProcessInfo.processInfo.environment) -> TimeInterval {
        guard let text = environment["MORPH_PROGRESS_AFTER"], let seconds = Double(text), seconds >= 0 else { return 1 }
        return seconds
    }

    /// A display for the image `label`. `interactive` defaults to whether stderr is a terminal.
    /// `interval` is the least time between two plain lines.
    public init(label: String, interactive: Bool? = nil, quiet: TimeInterval = TileProgress.quietSeconds(), interval: TimeInterval = 1,
                write: @escaping (String) -> Void = { FileHandle.standardError.write(Data($0.utf8)) }) {
        self.label = label
        isTTY = interactive ?? (isatty(STDERR_FILENO) == 1)
        self.quiet = quiet
        self.interval = interval
        self.write = write
    }

    /// Starts counting `tiles` units of work.
    public func begin(tiles: Int) {
        lock.lock(); defer { lock.unlock() }
        total = max(tiles, 1)
        done = 0
        start = Date()
    }

    /// One more tile done.
    public func tick() {
        lock.lock(); defer { lock.unlock() }
        done += 1
        let now = Date()
        let elapsed = now.timeIntervalSince(start)
        guard elapsed >= quiet, done < total else { return }
        let fraction = Double(done) / Double(total)
        if isTTY {
            guard now.timeIntervalSince(lastDraw) > 0.1 else { return }
            write("\r\u{1B}[2K" + line(elapsed: elapsed))
        } else {
            guard now.timeIntervalSince(lastDraw) >= interval, fraction - lastFraction >= 0.1 || !drew else { return }
            lastFraction = fraction
            write(line(elapsed: elapsed) + "\n")
        }
        lastDraw = now
        drew = true
    }

    /// Ends the display (clears the bar on a terminal).
    public func end() {
        lock.lock(); defer { lock.unlock() }
        if isTTY && drew { write("\r\u{1B}[2K") }
        drew = false
    }

    /// `label ███░░ tiles 12/40 1.5 tiles/s ETA 0:19`.
    func line(elapsed: TimeInterval) -> String {
        let fraction = min(1, Double(done) / Double(total))
        let filled = Int(fraction * 24)
        let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: 24 - filled)
        let rate = elapsed > 0 ? Double(done) / elapsed : 0
        let left = rate > 0 ? Double(total - done) / rate : 0
        let seconds: Double = rate > 0 ? 1 / rate : 0
        let rateText = rate >= 1 ? String(format: "%.1f tiles/s", rate) : String(format: "%.1f s/tile", seconds)
        return "\(label) \(bar) tiles \(done)/\(total) \(rateText) ETA \(ByteProgress.clock(left))"
    }
}
