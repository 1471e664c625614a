import Foundation

/// `log.csv` of a run: one row per iteration with `iteration, epoch, <every loss>, lr, seconds`
/// (`seconds` is the wall time of that iteration). Kept in memory too, for the report's curves.
public final class TrainLog {
    /// The file.
    public let url: URL
    /// The loss columns, in order.
    public let lossNames: [String]
    /// Rows so far: iteration, epoch, losses (in `lossNames` order), lr, seconds.
    public private(set) var rows: [(iteration: Int, epoch: Int, losses: [Double], lr: Double, seconds: Double)] = []
    private var handle: FileHandle?

    /// The header line.
    public var header: String { (["iteration", "epoch"] + lossNames + ["lr", "seconds"]).joined(separator: ",") }

    /// Opens the log at `url`. With `keepUpTo`, existing rows up to that iteration are kept (a resume
    /// drops rows logged after the checkpoint it continues from); otherwise the file starts empty.
    /// - Throws: `TrainError.runState` when an existing log has other columns; `TrainError.io` when it cannot be written.
    public init(url: URL, lossNames: [String], keepUpTo: Int?) throws {
        self.url = url
        self.lossNames = lossNames
        if let keep = keepUpTo, let text = try? String(contentsOf: url, encoding: .utf8) {
            var lines = text.split(separator: "\n").map(String.init)
            guard let first = lines.first, first == header else {
                throw TrainError.runState(file: url.path, "columns differ from this run's: expected \(header)")
            }
            lines.removeFirst()
            for line in lines {
                let f = line.split(separator: ",").map(String.init)
                guard f.count == lossNames.count + 4, let it = Int(f[0]), let ep = Int(f[1]) else { continue }
                guard it <= keep else { break }
                let losses = f[2..<(2 + lossNames.count)].map { Double($0) ?? .nan }
                rows.append((it, ep, losses, Double(f[f.count - 2]) ?? .nan, Double(f[f.count - 1]) ?? .nan))
            }
        }
        var text = header + "\n"
        for r in rows { text += line(r) + "\n" }
        try RunFolder.writeAtomically(Data(text.utf8), to: url)
        do { handle = try FileHandle(forWritingTo: url) } catch {
            throw TrainError.io(file: url.path, "cannot open for appending: \(error.localizedDescription)")
        }
        do { _ = try handle?.seekToEnd() } catch {
            throw TrainError.io(file: url.path, "cannot seek to the end: \(error.localizedDescription)")
        }
    }

    deinit { try? handle?.close() }

    /// Appends one row (to memory and the file).
    /// - Throws: `TrainError.io` naming the log when the row cannot be written.
    public func append(iteration: Int, epoch: Int, losses: [String: Float], lr: Double, seconds: Double) throws {
        let row = (iteration, epoch, lossNames.map { Double(losses[$0] ?? .nan) }, lr, seconds)
        rows.append(row)
        do { try handle?.write(contentsOf: Data((line(row) + "\n").utf8)) } catch {
            throw TrainError.io(file: url.path, "cannot append a row: \(error.localizedDescription)")
        }
    }

    private func line(_ r: (iteration: Int, epoch: Int, losses: [Double], lr: Double, seconds: Double)) -> String {
        ([String(r.iteration), String(r.epoch)] + r.losses.map { String(format: "%.6g", $0) }
            + [String(format: "%.6g", r.lr), String(format: "%.4f", r.seconds)]).joined(separator: ",")
    }
}
