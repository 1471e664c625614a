import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Runs a child process with a wall-clock limit and reports how it ended and its peak memory
/// (from `wait4`'s resource usage), for tests that feed hostile files to `morph`.
public struct LimitedRun {
    /// The exit code, when the child exited by itself.
    public let exitCode: Int32?
    /// The signal that ended the child, if one did.
    public let signal: Int32?
    /// Peak resident memory in bytes.
    public let peakBytes: Int
    /// Wall-clock seconds until it ended (or was killed).
    public let seconds: Double
    /// Whether the limit was reached and the child killed.
    public let timedOut: Bool
    /// What the child wrote to standard error.
    public let stderr: String

    /// Runs `executable arguments`, killing it after `timeout` seconds.
    public static func run(_ executable: URL, _ arguments: [String], timeout: Double) throws -> LimitedRun {
        let errFile = FileManager.default.temporaryDirectory.appendingPathComponent("limited-\(UUID().uuidString).err")
        defer { try? FileManager.default.removeItem(at: errFile) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, errFile.path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        let argv: [UnsafeMutablePointer<CChar>?] = ([executable.path] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let start = Date()
        let rc = posix_spawn(&pid, executable.path, &actions, nil, argv, environ)
        guard rc == 0 else { throw NSError(domain: "LimitedRun", code: Int(rc)) }
        var status: Int32 = 0
        var usage = rusage()
        var timedOut = false
        while true {
            let done = wait4(pid, &status, WNOHANG, &usage)
            if done == pid { break }
            if done < 0 && errno != EINTR { throw NSError(domain: "LimitedRun.wait4", code: Int(errno)) }
            if !timedOut, Date().timeIntervalSince(start) > timeout {
                timedOut = true
                kill(pid, SIGKILL)
            }
            usleep(2_000)
        }
        let signal = status & 0x7F
        let message = (try? String(contentsOf: errFile, encoding: .utf8)) ?? ""
        return LimitedRun(exitCode: signal == 0 ? (status >> 8) & 0xFF : nil, signal: signal == 0 ? nil : signal,
                          peakBytes: Int(usage.ru_maxrss) * 1024, seconds: Date().timeIntervalSince(start),
                          timedOut: timedOut, stderr: message)
    }
}
