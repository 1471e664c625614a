import Foundation

/// Runs `bench/pytorch_reference.py` and reads its JSON lines (`name`, `seconds`).
public enum PyTorchReference {
    /// Errors running the reference script.
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// PyTorch seconds by record name.
    public static func run(script: String?, quick: Bool, filter: String?) throws -> [String: Double] {
        let path = script ?? locateScript()
        guard FileManager.default.fileExists(atPath: path) else {
            throw Failure(description: "\(path): PyTorch reference script not found (pass --pytorch-script)")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        var args = ["python3", path]
        if quick { args.append("--quick") }
        if let filter { args += ["--filter", filter] }
        process.arguments = args
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw Failure(description: "\(path): exited with status \(process.terminationStatus) (is torch installed?)")
        }
        var result: [String: Double] = [:]
        for line in String(decoding: data, as: UTF8.self).split(separator: "\n") {
            guard let obj = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                  let name = obj["name"] as? String, let seconds = obj["seconds"] as? Double else { continue }
            result[name] = seconds
        }
        return result
    }

    /// bench/pytorch_reference.py in the repository that holds the running executable, or in the current folder.
    static func locateScript() -> String {
        RepositoryFiles.locate("bench/pytorch_reference.py")?.path ?? "bench/pytorch_reference.py"
    }
}
