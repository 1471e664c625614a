import Foundation

extension MorphBinary {
    /// Starts `morph` with `arguments` (output discarded), waits until `ready()` holds (polled every
    /// millisecond, for at most `timeoutSeconds`), waits `extraMicroseconds` more, and kills it with SIGKILL
    /// if it is still running. Returns the process, ended, and whether the kill happened (a run that ended
    /// first was not killed: the caller decides whether that exercised anything).
    public static func startAndKill(_ arguments: [String], extraMicroseconds: UInt32 = 0, timeoutSeconds: Double = 30,
                                    until ready: () -> Bool) throws -> (process: Process, killed: Bool) {
        let process = Process()
        process.executableURL = url
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(timeoutSeconds)
        while process.isRunning, !ready(), Date() < deadline { usleep(1_000) }
        if extraMicroseconds > 0 { usleep(extraMicroseconds) }
        let killed = process.isRunning
        if killed { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        return (process, killed)
    }
}
