import Foundation

/// One `morph` command run as a child process for one request. Running inference in a child keeps the server
/// responsive and lets a cancelled or disconnected request stop its work at once: cancelling the awaiting task
/// sends SIGTERM to the child, then SIGKILL two seconds later if it is still there.
public enum ChildJob {
    /// How a child ended: its exit status (or the signal that ended it) and the tail of what it printed.
    public struct Outcome: Sendable {
        /// The exit status, or the signal number when `signalled`.
        public let status: Int32
        /// Whether a signal ended it.
        public let signalled: Bool
        /// The last 16 KiB of its stdout and stderr together.
        public let output: String
    }

    /// Runs `executable` with `arguments` in `folder` (its stdout and stderr go to `folder/child.log`), waiting
    /// for it to exit; `started` gets the process id once it runs.
    /// - Throws: `CancellationError` when the task was cancelled (the child is terminated first),
    ///   `ServeError.internal` when the child cannot be started.
    public static func run(_ executable: URL, arguments: [String], in folder: URL, environment: [String: String]?,
                           started: @Sendable (Int32) -> Void = { _ in }) async throws -> Outcome {
        try Task.checkCancellation()
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.currentDirectoryURL = folder
        if let environment { process.environment = environment }
        let logURL = folder.appendingPathComponent("child.log")
        guard FileManager.default.createFile(atPath: logURL.path, contents: nil),
              let log = try? FileHandle(forWritingTo: logURL) else {
            throw ServeError.internal("cannot create \(logURL.lastPathComponent) in the job folder")
        }
        defer { try? log.close() }
        process.standardOutput = log
        process.standardError = log
        process.standardInput = FileHandle.nullDevice
        let box = ProcessBox(process)
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, Error>) in
                process.terminationHandler = { _ in continuation.resume() }
                do { try process.run() } catch {
                    process.terminationHandler = nil
                    continuation.resume(throwing: ServeError.internal("cannot start \(executable.lastPathComponent): \(error)"))
                    return
                }
                box.markStarted()
                started(process.processIdentifier)
                if Task.isCancelled { box.stop() }
            }
        } onCancel: {
            box.stop()
        }
        if Task.isCancelled || box.wasStopped { throw CancellationError() }
        let data = (try? Data(contentsOf: logURL)) ?? Data()
        let text = String(decoding: data.suffix(16 << 10), as: UTF8.self)
        return Outcome(status: process.terminationStatus, signalled: process.terminationReason == .uncaughtSignal, output: text)
    }
}

/// The child process shared between the waiting task and its cancellation handler.
private final class ProcessBox: @unchecked Sendable {
    private let process: Process
    private let lock = NSLock()
    private var started = false
    private var stopped = false

    init(_ process: Process) { self.process = process }

    var wasStopped: Bool {
        lock.lock()
        defer { lock.unlock() }
        return stopped
    }

    func markStarted() {
        lock.lock()
        started = true
        let stopNow = stopped
        lock.unlock()
        if stopNow { signal() }
    }

    /// SIGTERM now (or as soon as it starts), SIGKILL two seconds later if it has not exited.
    func stop() {
        lock.lock()
        stopped = true
        let running = started
        lock.unlock()
        if running { signal() }
    }

    private func signal() {
        guard process.isRunning else { return }
        let pid = process.processIdentifier
        kill(pid, SIGTERM)
        DispatchQueue.global().asyncAfter(deadline: .now() + 2) { [process] in
            if process.isRunning { kill(pid, SIGKILL) }
        }
    }
}
