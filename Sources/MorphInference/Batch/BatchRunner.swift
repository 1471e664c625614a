import Foundation
import MorphImage
import MorphSupport

/// One unit of batch work: an input file and where its result goes.
public struct BatchJob: Hashable, Sendable {
    /// The input image.
    public let input: URL
    /// The output path (its folder is created on demand).
    public let output: URL
    /// Optional companion file (an inpainting mask).
    public let companion: URL?

    public init(input: URL, output: URL, companion: URL? = nil) {
        self.input = input
        self.output = output
        self.companion = companion
    }
}

/// Outcome counts of a batch and the failures in order.
public struct BatchSummary: Sendable {
    public var done = 0
    public var skipped = 0
    public var failures: [(path: String, cause: String)] = []

    /// 0 when nothing failed, 1 otherwise (the CLI contract).
    public var exitCode: Int32 { failures.isEmpty ? 0 : 1 }

    /// The closing summary lines.
    public var report: String {
        var lines = ["done \(done), skipped \(skipped), failed \(failures.count)"]
        if !failures.isEmpty {
            lines.append("failed files:")
            lines += failures.map { "  \($0.path): \($0.cause)" }
        }
        return lines.joined(separator: "\n")
    }

    public init() {}
}

/// A manifest a batch consults and appends to: jobs done before with the same model are skipped, and each
/// finished job is recorded as done or failed.
public struct ManifestTracking {
    /// The manifest of the output folder.
    public let manifest: Manifest
    /// The hash of the model the jobs run (see `Manifest.modelHash`).
    public let modelHash: String

    public init(manifest: Manifest, modelHash: String) {
        self.manifest = manifest
        self.modelHash = modelHash
    }
}

/// Runs a per-file operation over many jobs: a failing file is reported as
/// `morph: PATH: CAUSE` and the batch goes on; the summary says what happened.
public struct BatchRunner {
    /// Skip jobs whose output already exists.
    public var skipExisting: Bool
    /// Files processed at once.
    public var parallelJobs: Int
    /// Label for the progress display.
    public var label: String
    /// Whether progress is drawn as a redrawn bar (nil: when stderr is a terminal).
    public var interactive: Bool?
    /// The manifest to resume from and record into (`morph run`), if any.
    public var manifest: ManifestTracking?

    public init(skipExisting: Bool = false, parallelJobs: Int = 1, label: String = "morph", interactive: Bool? = nil,
                manifest: ManifestTracking? = nil) {
        self.manifest = manifest
        self.skipExisting = skipExisting
        self.parallelJobs = max(1, parallelJobs)
        self.label = label
        self.interactive = interactive
    }

    /// Processes `jobs` with `body`, never stopping on a failed file.
    public func run(_ jobs: [BatchJob], _ body: @escaping (BatchJob) throws -> Void) -> BatchSummary {
        let progress = ProgressReporter(total: jobs.count, label: label, interactive: interactive)
        var summary = BatchSummary()
        let lock = NSLock()
        let fm = FileManager.default
        let work: (Int) -> Void = { index in
            let job = jobs[index]
            if let m = self.manifest, m.manifest.isDone(input: job.input, output: job.output, modelHash: m.modelHash) {
                lock.lock(); summary.skipped += 1; lock.unlock()
                progress.advance(status: "done before: " + job.input.lastPathComponent, skipped: true)
                return
            }
            if self.skipExisting && fm.fileExists(atPath: job.output.path) {
                lock.lock(); summary.skipped += 1; lock.unlock()
                progress.advance(status: "skipped " + job.input.lastPathComponent, skipped: true)
                return
            }
            do {
                try body(job)
                if let m = self.manifest {
                    try m.manifest.record(input: job.input, output: job.output, modelHash: m.modelHash, status: "done")
                }
                lock.lock(); summary.done += 1; lock.unlock()
                progress.advance(status: job.input.lastPathComponent)
            } catch {
                let cause = BatchRunner.describe(error, file: job.input.path)
                if let m = self.manifest {
                    try? m.manifest.record(input: job.input, output: job.output, modelHash: m.modelHash,
                                           status: "failed: " + cause)
                }
                lock.lock(); summary.failures.append((job.input.path, cause)); lock.unlock()
                progress.log("morph: \(job.input.path): \(cause)")
                progress.advance(skipped: true)
            }
        }
        if parallelJobs == 1 {
            for i in jobs.indices { work(i) }
        } else {
            // A fixed pool of workers pulls the next index; results stay independent per file.
            var next = 0
            DispatchQueue.concurrentPerform(iterations: parallelJobs) { _ in
                while true {
                    lock.lock()
                    let i = next
                    next += 1
                    lock.unlock()
                    if i >= jobs.count { break }
                    work(i)
                }
            }
            summary.failures.sort { $0.path < $1.path }
        }
        return summary
    }

    /// One line for an error (Foundation's errors in words), without repeating a leading `file` the caller adds.
    public static func describe(_ error: Error, file: String? = nil) -> String {
        ErrorText.line(error, dropping: file)
    }
}
