import Foundation

/// Shows progress of long work: a redrawn bar with count, rate and ETA on a
/// terminal, plain log lines otherwise (pipes, CI logs).
public final class ProgressReporter {
    private let total: Int
    private var label: String
    private let unit: String
    private let isTTY: Bool
    private let start = Date()
    private var lastDraw = Date.distantPast
    private var lastLoggedFraction = -1.0
    private let lock = NSLock()
    private(set) var done: Int
    /// Items already done when the reporter started (a resumed run): the rate and ETA count only the items after them.
    private let initial: Int
    /// Items passed over without work (skipped, done before, failed): counted in `done`, left out of the rate.
    private(set) var passed = 0

    /// A reporter for `total` items, `initial` of them done before it starts. `interactive` defaults to whether
    /// stderr is a terminal.
    public init(total: Int, label: String, unit: String = "files", interactive: Bool? = nil, initial: Int = 0) {
        self.total = max(total, 0)
        self.initial = min(max(initial, 0), max(total, 0))
        self.done = self.initial
        self.label = label
        self.unit = unit
        self.isTTY = interactive ?? (isatty(STDERR_FILENO) == 1)
    }

    /// Marks `count` more items done and redraws (throttled) with an optional status text.
    /// `skipped` items took no work, so they do not count towards the rate (nor make the ETA optimistic).
    public func advance(by count: Int = 1, status: String = "", skipped: Bool = false) {
        lock.lock(); defer { lock.unlock() }
        done += count
        if skipped { passed += count }
        let now = Date()
        if isTTY {
            guard now.timeIntervalSince(lastDraw) > 0.1 || done >= total else { return }
            lastDraw = now
            FileHandle.standardError.write(Data(("\r\u{1B}[2K" + line(now: now, status: status)).utf8))
            if done >= total { FileHandle.standardError.write(Data("\n".utf8)) }
        } else {
            // Plain lines: about every 10% and at the end, never more than once a second unless finished.
            let fraction = total > 0 ? Double(done) / Double(total) : 1
            guard done >= total || (fraction - lastLoggedFraction >= 0.1 && now.timeIntervalSince(lastDraw) >= 1) else { return }
            lastDraw = now
            lastLoggedFraction = fraction
            FileHandle.standardError.write(Data((line(now: now, status: status) + "\n").utf8))
        }
    }

    /// Changes the label (e.g. to a training run's next epoch) from the next redraw on.
    public func relabel(_ text: String) {
        lock.lock(); defer { lock.unlock() }
        label = text
    }

    /// Writes a message above the bar without garbling it.
    public func log(_ message: String) {
        lock.lock(); defer { lock.unlock() }
        let prefix = isTTY ? "\r\u{1B}[2K" : ""
        FileHandle.standardError.write(Data((prefix + message + "\n").utf8))
    }

    /// The text of one progress line: label, bar, count, rate, ETA. Rate and ETA are left out until some item took
    /// work (all skipped or failed so far: there is nothing to measure).
    func line(now: Date, status: String) -> String {
        let elapsed = now.timeIntervalSince(start)
        let rate = elapsed > 0 ? Double(done - initial - passed) / elapsed : 0
        let fraction = total > 0 ? min(1, Double(done) / Double(total)) : 1
        let width = 24
        let filled = Int(fraction * Double(width))
        let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
        var text = "\(label) \(bar) \(done)/\(total)"
        if rate > 0 {
            let rateText = rate >= 1 ? String(format: "%.1f", rate) + " \(unit)/s"
                                     : String(format: "%.1f", 1 / rate) + " s/\(unit.dropLast())"
            text += " \(rateText) ETA \(ProgressReporter.format(seconds: Double(total - done) / rate))"
        }
        if !status.isEmpty { text += " " + status }
        return text
    }

    /// `h:mm:ss` or `m:ss`.
    public static func format(seconds: Double) -> String {
        let s = max(0, Int(seconds.rounded()))
        return s >= 3600 ? String(format: "%d:%02d:%02d", s / 3600, (s / 60) % 60, s % 60)
                         : String(format: "%d:%02d", s / 60, s % 60)
    }
}
