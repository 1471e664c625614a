import Foundation

/// Writes one checkpoint set (every network, the training state and the `latest` marker) so that a
/// crash or `kill -9` at any moment leaves either the previous complete set or the new one, never a mix:
///
/// 1. every file is written into `checkpoints/.incoming/` (each through a temporary name);
/// 2. `.incoming/latest` is written last: from then on the set is complete;
/// 3. each file is renamed into `checkpoints/`, the marker last, and the folder removed.
///
/// `recover` (run before resuming) finishes step 3 for a complete set, or discards an incomplete one.
struct CheckpointSet {
    let run: RunFolder
    private var files: [(name: String, data: Data)] = []

    init(run: RunFolder) { self.run = run }

    var staging: URL { run.checkpoints.appendingPathComponent(".incoming") }

    /// Adds a file (by its name in `checkpoints/`) to the set.
    mutating func add(_ data: Data, as url: URL) {
        files.append((url.lastPathComponent, data))
    }

    /// Stages every file and the marker, then moves them into place.
    /// - Throws: `TrainError.io` naming the file that could not be written or moved.
    func commit(marker: Data) throws {
        let fm = FileManager.default
        try? fm.removeItem(at: staging)
        do { try fm.createDirectory(at: staging, withIntermediateDirectories: true) } catch {
            throw TrainError.io(file: staging.path, "cannot create folder: \(error.localizedDescription)")
        }
        for (name, data) in files { try RunFolder.writeAtomically(data, to: staging.appendingPathComponent(name)) }
        try RunFolder.writeAtomically(marker, to: staging.appendingPathComponent(run.latestMarker.lastPathComponent))
        try CheckpointSet.recover(run)
    }

    /// Completes an interrupted commit: moves a complete staged set into place, or removes an incomplete one.
    /// - Throws: `TrainError.io` when a staged file cannot be moved.
    static func recover(_ run: RunFolder) throws {
        let fm = FileManager.default
        let staging = CheckpointSet(run: run).staging
        let marker = run.latestMarker.lastPathComponent
        guard fm.fileExists(atPath: staging.path) else { return }
        guard fm.fileExists(atPath: staging.appendingPathComponent(marker).path) else {
            try? fm.removeItem(at: staging)
            return
        }
        let names = ((try? fm.contentsOfDirectory(atPath: staging.path)) ?? []).filter { $0 != marker && !$0.hasPrefix(".") }
        for name in names.sorted() + [marker] {
            let from = staging.appendingPathComponent(name), to = run.checkpoints.appendingPathComponent(name)
            if rename(from.path, to.path) != 0 {
                throw TrainError.io(file: to.path, "cannot move the checkpoint into place: \(String(cString: strerror(errno)))")
            }
        }
        try? fm.removeItem(at: staging)
    }
}
