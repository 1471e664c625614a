import Foundation

/// PSNR/SSIM over folders: each reference file is paired with the test file of the same relative path and stem.
public struct MetricsTable {
    /// One measured pair.
    public struct Row: Equatable {
        /// The reference file's path relative to the reference root.
        public var file: String
        /// Its measurements.
        public var result: ImageMetrics.Result
    }

    /// Measured pairs, sorted by relative path.
    public private(set) var rows: [Row] = []
    /// Pairs that could not be measured, each one line `PATH: CAUSE` naming the file at fault.
    public private(set) var failures: [String] = []

    /// Mean PSNR and SSIM over the rows (nil when there are none). An infinite PSNR (identical images) keeps the mean infinite.
    public var mean: ImageMetrics.Result? {
        guard !rows.isEmpty else { return nil }
        let n = Double(rows.count)
        return ImageMetrics.Result(psnr: rows.map(\.result.psnr).reduce(0, +) / n,
                                   ssim: rows.map(\.result.ssim).reduce(0, +) / n)
    }

    /// Measures every image under `reference` (a file or a folder) against its counterpart under `test`.
    /// A test file matches when its path relative to `test` equals the reference's without the extension
    /// (so `a/b.png` matches `a/b.png`, `a/b.jpg` or `a/b.tif`).
    /// - Throws: `ImageError.io` when either root is missing; per-file problems are collected in `failures`.
    public init(reference: URL, test: URL, options: ImageMetrics.Options = ImageMetrics.Options()) throws {
        let refs = try ImageFiles.discover(reference)
        let tests = try ImageFiles.discover(test)
        var byStem: [String: URL] = [:]
        for url in tests {
            let stem = Self.stem(url, root: test)
            if byStem[stem] == nil { byStem[stem] = url }
        }
        for ref in refs {
            let stem = Self.stem(ref, root: reference)
            let relative = ImageFiles.mirroredPath(for: ref, inputRoot: reference, outputRoot: URL(fileURLWithPath: "/")).path
            let name = String(relative.dropFirst())
            // A single test file stands for a single reference file whatever its name.
            guard let match = (refs.count == 1 && tests.count == 1) ? tests.first : byStem[stem] else {
                failures.append("\(ref.path): no test image with the same name under \(test.path)")
                continue
            }
            do {
                rows.append(Row(file: name, result: try ImageMetrics.compare(reference: ref, test: match, options: options)))
            } catch {
                failures.append("\(error)")
            }
        }
    }

    /// `file,psnr,ssim` lines for every row, then a `mean` line.
    public var csv: String {
        var lines = ["file,psnr,ssim"]
        func field(_ text: String) -> String {
            text.contains(",") || text.contains("\"") ? "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : text
        }
        for row in rows { lines.append("\(field(row.file)),\(Self.format(row.result.psnr)),\(Self.format(row.result.ssim))") }
        if let mean { lines.append("mean,\(Self.format(mean.psnr)),\(Self.format(mean.ssim))") }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Six decimals, or `inf`.
    public static func format(_ value: Double) -> String {
        value.isInfinite ? "inf" : String(format: "%.6f", value)
    }

    private static func stem(_ url: URL, root: URL) -> String {
        ImageFiles.mirroredPath(for: url, inputRoot: root, outputRoot: URL(fileURLWithPath: "/")).deletingPathExtension().path
    }
}
