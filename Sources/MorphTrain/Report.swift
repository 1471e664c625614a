import Foundation
import MorphImage
import MorphTensor

/// `report.html` of a run: the latest sample grid (real A, fake B, rec A, real B, fake A, rec B for
/// CycleGAN) as PNGs saved in `samples/` and embedded as base64 data URIs, and one inline-SVG curve per
/// loss. Self-contained: it opens offline, with no scripts or external files.
public enum TrainReport {
    /// Writes the sample PNGs and the report (both atomically).
    /// - Throws: `ImageError` or `TrainError.io` when a file cannot be written.
    public static func write(run: RunFolder, options: TrainOptions, log: TrainLog, visuals: [(String, Tensor)],
                             position: TrainPosition) throws {
        var cells: [String] = []
        for (name, tensor) in visuals {
            let url = run.samples.appendingPathComponent("latest_\(name).png")
            let source = SourceDescription(file: "training sample \(name)", width: tensor.shape[3], height: tensor.shape[2], bands: 3, bitDepth: 8)
            let image = try ImageTensorCodec.decode(rgb: tensor.mapValues { min(max($0, -1), 1) }, alpha: nil,
                                                    source: source, range: .minusOneToOne)
            try ImageWriter.save(image, to: url)
            let data = (try? Data(contentsOf: url)) ?? Data()
            cells.append("<figure><img alt=\"\(name)\" src=\"data:image/png;base64,\(data.base64EncodedString())\">"
                         + "<figcaption>\(name)</figcaption></figure>")
        }
        let curves = log.lossNames.enumerated().map { i, name in
            svg(name, points: log.rows.map { (Double($0.iteration), $0.losses[i]) })
        }
        let lrCurve = svg("lr", points: log.rows.map { (Double($0.iteration), $0.lr) })
        let latest = log.rows.last.map { row in
            zip(log.lossNames, row.losses).map { "\($0) \(String(format: "%.4f", $1))" }.joined(separator: " · ")
        } ?? "no steps yet"
        let config = (try? RunFolder.encode(options)).map { String(decoding: $0, as: UTF8.self) } ?? ""
        let html = """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><title>morph train \(options.model.rawValue): \(escape(run.root.lastPathComponent))</title>
        <style>
        body{font-family:system-ui,sans-serif;margin:1.5em;color:#222;background:#fafafa}
        .grid{display:grid;grid-template-columns:repeat(3,max-content);gap:.6em}
        figure{margin:0}figure img{width:192px;height:auto;image-rendering:pixelated;border:1px solid #ccc}
        figcaption{font-size:.8em;text-align:center}
        .curves{display:flex;flex-wrap:wrap;gap:1em}svg{background:#fff;border:1px solid #ddd}
        pre{font-size:.75em;background:#fff;border:1px solid #ddd;padding:.5em;max-height:20em;overflow:auto}
        </style></head><body>
        <h1>\(options.model.rawValue) · \(escape(run.root.lastPathComponent))</h1>
        <p>iteration \(position.iteration) · \(position.epoch > options.totalEpochs ? "all \(options.totalEpochs) epochs done" : "epoch \(position.epoch) of \(options.totalEpochs)") · \(String(format: "%.0f", position.seconds)) s of training</p>
        <p>\(escape(latest))</p>
        <h2>Samples (latest batch)</h2><div class="grid">\(cells.joined())</div>
        <h2>Losses</h2><div class="curves">\((curves + [lrCurve]).joined())</div>
        <h2>Options</h2><pre>\(escape(config))</pre>
        </body></html>
        """
        try RunFolder.writeAtomically(Data(html.utf8), to: run.report)
    }

    /// One curve as an inline SVG, thinned to at most 600 points (each the mean of its bucket).
    static func svg(_ title: String, points raw: [(Double, Double)]) -> String {
        let width = 360.0, height = 180.0, pad = 34.0
        var points = raw.filter { $0.1.isFinite }
        if points.count > 600 {
            let bucket = (points.count + 599) / 600
            points = stride(from: 0, to: points.count, by: bucket).map { start in
                let slice = points[start..<min(start + bucket, points.count)]
                return (slice.map(\.0).reduce(0, +) / Double(slice.count), slice.map(\.1).reduce(0, +) / Double(slice.count))
            }
        }
        var body = ""
        if let x0 = points.first?.0, let x1 = points.last?.0, let lo = points.map(\.1).min(), let hi = points.map(\.1).max() {
            let xs = x1 > x0 ? x1 - x0 : 1, ys = hi > lo ? hi - lo : 1
            let path = points.map { p in
                String(format: "%.1f,%.1f", pad + (p.0 - x0) / xs * (width - pad - 8), height - 20 - (p.1 - lo) / ys * (height - 40))
            }.joined(separator: " ")
            body = "<polyline fill=\"none\" stroke=\"#2060c0\" stroke-width=\"1.2\" points=\"\(path)\"/>"
                + String(format: "<text x=\"2\" y=\"24\" font-size=\"10\">%.4g</text><text x=\"2\" y=\"%.0f\" font-size=\"10\">%.4g</text>",
                         hi, height - 20, lo)
                + String(format: "<text x=\"%.0f\" y=\"%.0f\" font-size=\"10\">%.0f</text><text x=\"%.0f\" y=\"%.0f\" font-size=\"10\" text-anchor=\"end\">%.0f</text>",
                         pad, height - 6, x0, width - 8, height - 6, x1)
        }
        return "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(width))\" height=\"\(Int(height))\" role=\"img\" aria-label=\"\(escape(title))\">"
            + "<text x=\"\(Int(width / 2))\" y=\"14\" font-size=\"12\" text-anchor=\"middle\">\(escape(title))</text>\(body)</svg>"
    }

    static func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
