import Foundation
import MorphInference

/// Runs `bench/pytorch_reference.py --serve` beside `morph bench`: PyTorch's run of each case alternates with Morph's.
public enum PyTorchReference {
    /// Errors running the reference script.
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// Starts `pytorch_reference.py --serve`, which builds a case on request and then times one run of it per
    /// request, so that PyTorch's runs alternate with Morph's and machine load hits both alike. PyTorch runs on
    /// `threads` threads.
    public static func session(script: String?, threads: Int) throws -> Session {
        try Session(path: script ?? locateScript(), threads: threads)
    }

    /// A running `pytorch_reference.py --serve` process, the companion of `BenchSuite.run`.
    public final class Session: BenchCompanion {
        private let process = Process()
        private let input = Pipe(), output = Pipe()
        private var buffer = Data()
        private let path: String
        private var name = "", samples: [Double] = [], failure: Error?
        /// Whether PyTorch runs after each of Morph's runs (decided by Morph's first run), or all at once at the end.
        private var alternating: Bool?, morphRuns = 0

        /// Morph runs at least this long alternate with PyTorch's one by one; shorter ones would then start from
        /// caches the other process just emptied, so PyTorch's runs of those come as one block after Morph's.
        static let alternateAbove = 0.25

        init(path: String, threads: Int) throws {
            self.path = path
            guard FileManager.default.fileExists(atPath: path) else {
                throw Failure(description: "\(path): PyTorch reference script not found (pass --pytorch-script)")
            }
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["python3", path, "--serve", "--threads", String(threads)]
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

        public func begin(_ name: String) throws -> Bool {
            (self.name, samples, failure, alternating, morphRuns) = (name, [], nil, nil, 0)
            return try request("build \(name)")["built"] as? Bool == true
        }

        public func morphRan(timed: Bool, seconds: Double) {
            if alternating == nil { alternating = seconds >= Session.alternateAbove }
            if timed { morphRuns += 1 }
            guard failure == nil, alternating == true else { return }
            do {
                guard let seconds = try request("run")["seconds"] as? Double else {
                    throw Failure(description: "\(path): no time for a run of \(name)")
                }
                if timed { samples.append(seconds) }
            } catch {
                failure = error
            }
        }

        public func end() throws -> Double? {
            if failure == nil, alternating == false, morphRuns > 0 {
                do {
                    guard let seconds = try request("runs \(morphRuns)")["seconds"] as? Double else {
                        throw Failure(description: "\(path): no time for the runs of \(name)")
                    }
                    samples = [seconds]
                } catch {
                    failure = error
                }
            }
            _ = try request("end")
            if let failure { throw failure }
            // The same median as `Benchmark.median` takes of Morph's runs.
            return samples.isEmpty ? nil : samples.sorted()[samples.count / 2]
        }

        /// Sends one request line and reads its answer.
        private func request(_ line: String) throws -> [String: Any] {
            input.fileHandleForWriting.write(Data((line + "\n").utf8))
            guard let obj = try readObject() else {
                throw Failure(description: "\(path): stopped during \(name) (request \(line))")
            }
            if let error = obj["error"] as? String, error != "no such case" {
                throw Failure(description: "\(path): \(error)")
            }
            return obj
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
