import Foundation
import MorphInference

/// Runs `bench/pytorch_reference.py --serve` and reads the seconds PyTorch takes for each named case.
public enum PyTorchReference {
    /// Errors running the reference script.
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// Starts `pytorch_reference.py --serve`, which times one named case per request, so each PyTorch
    /// timing can be taken right next to Morph's own and machine load hits both alike. PyTorch runs on `threads` threads.
    public static func session(script: String?, quick: Bool, threads: Int) throws -> Session {
        try Session(path: script ?? locateScript(), quick: quick, threads: threads)
    }

    /// A running `pytorch_reference.py --serve` process.
    public final class Session {
        private let process = Process()
        private let input = Pipe(), output = Pipe()
        private var buffer = Data()
        private let path: String

        init(path: String, quick: Bool, threads: Int) throws {
            self.path = path
            guard FileManager.default.fileExists(atPath: path) else {
                throw Failure(description: "\(path): PyTorch reference script not found (pass --pytorch-script)")
            }
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["python3", path, "--serve", "--threads", String(threads)] + (quick ? ["--quick"] : [])
            process.standardInput = input
            process.standardOutput = output
            try process.run()
            guard let ready = try readObject(), ready["ready"] as? Bool == true else {
                throw Failure(description: "\(path): did not start (is torch installed?)")
            }
        }

        deinit {
            try? input.fileHandleForWriting.close()
            process.waitUntilExit()
        }

        /// PyTorch's seconds for case `name`, or nil when the script has no such case.
        public func seconds(_ name: String) throws -> Double? {
            input.fileHandleForWriting.write(Data((name + "\n").utf8))
            guard let obj = try readObject() else {
                throw Failure(description: "\(path): stopped while timing \(name)")
            }
            return obj["seconds"] as? Double
        }

        /// The next JSON object line from the script, or nil at end of output.
        private func readObject() throws -> [String: Any]? {
            while true {
                if let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                    let line = buffer[buffer.startIndex..<newline]
                    buffer.removeSubrange(buffer.startIndex...newline)
                    if let obj = try? JSONSerialization.jsonObject(with: Data(line)) as? [String: Any] { return obj }
                    continue
                }
                let chunk = output.fileHandleForReading.availableData
                if chunk.isEmpty { return nil }
                buffer.append(chunk)
            }
        }
    }

    /// bench/pytorch_reference.py in the repository that holds the running executable, or in the current folder.
    static func locateScript() -> String {
        RepositoryFiles.locate("bench/pytorch_reference.py")?.path ?? "bench/pytorch_reference.py"
    }
}
