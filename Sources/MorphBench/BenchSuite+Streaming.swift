import Foundation
import MorphCheckpoint
import MorphImage
import MorphModels
import MorphTensor

extension BenchSuite {
    /// `morph upscale` ×4 of a 4000×4000 PNG with SRVGGNetCompact (default size), run as a child process so its
    /// peak resident memory is its own: the record carries seconds and `peak_rss_mib` (target: under 1.5 GiB,
    /// while the 16000×16000 output alone is 732 MiB of 8-bit RGB).
    static func streamingCases() -> [BenchCase] {
        [BenchCase(name: "upscale_srvgg_x4_4000", quick: false) { _ in
            try withScratchFolder("stream") { dir in
                let checkpoint = try writeSRVGGCheckpoint(in: dir, numConv: 16, numFeat: 64)
                let input = dir.appendingPathComponent("in.png")
                try writePattern(to: input, side: 4000)
                let (seconds, rss) = try upscaleInChild(input, to: dir.appendingPathComponent("out.png"), model: checkpoint)
                var record = BenchRecord(name: "upscale_srvgg_x4_4000", seconds: seconds)
                record.peakRSSMiB = Double(rss) / 1_048_576
                record.note = "child process; 4000² → 16000² PNG"
                return record
            }
        }, BenchCase(name: "upscale_linear_800_1600", quick: false) { _ in
            try linearScaling()
        }]
    }

    /// `morph upscale` ×4 (a small SRVGGNetCompact) of an 800² and a 1600² PNG, each as a child process: the record
    /// is the larger run, with `pixel_time_ratio` = (seconds per pixel at 1600²) / (seconds per pixel at 800²),
    /// 1 for time exactly linear in pixels.
    static func linearScaling() throws -> BenchRecord {
        try withScratchFolder("linear") { dir in
            let checkpoint = try writeSRVGGCheckpoint(in: dir, numConv: 4, numFeat: 16)
            var timings: [(side: Int, seconds: Double)] = []
            for side in [800, 1600] {
                let input = dir.appendingPathComponent("in\(side).png")
                try writePattern(to: input, side: side)
                let (seconds, _) = try upscaleInChild(input, to: dir.appendingPathComponent("out\(side).png"), model: checkpoint)
                timings.append((side, seconds))
            }
            let perPixel = timings.map { $0.seconds / Double($0.side * $0.side) }
            var record = BenchRecord(name: "upscale_linear_800_1600", seconds: timings[1].seconds)
            record.pixelTimeRatio = perPixel[1] / perPixel[0]
            record.note = String(format: "child processes; 800² took %.2f s, 1600² (4× the pixels) %.2f s",
                                 timings[0].seconds, timings[1].seconds)
            return record
        }
    }

    /// Runs `body` with a fresh temporary folder named after `label`, removed afterwards.
    static func withScratchFolder<T>(_ label: String, _ body: (URL) throws -> T) throws -> T {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("morph-bench-\(label)-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        return try body(dir)
    }

    /// A seeded ×4 SRVGGNetCompact checkpoint (with its `morph.*` architecture metadata) in `dir`.
    static func writeSRVGGCheckpoint(in dir: URL, numConv: Int, numFeat: Int) throws -> URL {
        let architecture = ArchitectureConfiguration(name: "srvgg", options: ["num_conv": .int(numConv),
                                                                              "num_feat": .int(numFeat), "upscale": .int(4)])
        let model = try ArchitectureRegistry.build(architecture, seed: 1)
        let url = dir.appendingPathComponent("srvgg_\(numConv)x\(numFeat).safetensors")
        try Checkpoint(tensors: model.stateDict(), metadata: architecture.metadata).write(to: url)
        return url
    }

    /// `morph upscale INPUT -o OUTPUT --model MODEL` as a child process: its wall time and peak resident bytes.
    static func upscaleInChild(_ input: URL, to output: URL, model: URL) throws -> (seconds: Double, peakRSSBytes: Int) {
        try ChildProcess.run(executable: morphExecutable(), arguments: ["upscale", input.path, "-o", output.path, "--model", model.path])
    }

    /// A smooth 8-bit RGB test image, written row band by row band into memory once.
    static func writePattern(to url: URL, side: Int) throws {
        var bytes = [UInt8](repeating: 0, count: side * side * 3)
        bytes.withUnsafeMutableBufferPointer { p in
            for y in 0..<side {
                for x in 0..<side {
                    let i = (y * side + x) * 3
                    p[i] = UInt8((x * 255) / side)
                    p[i + 1] = UInt8((y * 255) / side)
                    p[i + 2] = UInt8(((x ^ y) & 63) * 3)
                }
            }
        }
        let image = try bytes.withUnsafeBytes { try VipsImage.fromSamples($0, width: side, height: side, bands: 3, bitDepth: 8) }
        try ImageWriter.save(image, to: url)
    }

    /// The running `morph` binary.
    static func morphExecutable() -> String {
        URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().path
    }
}

/// Runs a program and reports its wall-clock time and its own peak resident set size (wait4's rusage).
enum ChildProcess {
    /// Errors starting or running the child.
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    static func run(executable: String, arguments: [String]) throws -> (seconds: Double, peakRSSBytes: Int) {
        var pid: pid_t = 0
        let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { for p in argv { free(p) } }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        let start = DispatchTime.now().uptimeNanoseconds
        let rc = posix_spawn(&pid, executable, &actions, nil, argv, environ)
        guard rc == 0 else { throw Failure(description: "\(executable): cannot start (\(String(cString: strerror(rc))))") }
        var status: Int32 = 0
        var usage = rusage()
        guard wait4(pid, &status, 0, &usage) == pid else {
            throw Failure(description: "\(executable): wait failed (\(String(cString: strerror(errno))))")
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        guard status & 0x7f == 0, (status >> 8) & 0xff == 0 else {
            throw Failure(description: "\(executable) \(arguments.first ?? ""): exited with status \(status)")
        }
        return (seconds, usage.ru_maxrss * 1024)
    }
}
