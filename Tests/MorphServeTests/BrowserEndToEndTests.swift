import Foundation
import MorphServe
import TestSupport
import XCTest

/// `morph serve` in headless Chromium, driven by Selenium (`Browser/e2e.py`): open the inpaint page, load a sample
/// photo, paint a stroke with real pointer events, run `morph-inpaint`, download the PNG; upscale two photos on the
/// batch page and download the ZIP; then watch a tiny training run's curve grow while the run trains further.
/// The pixels are checked here.
///
/// Needs Debian's `chromium` and `chromium-driver` (`.ci/run` installs them) and PyPI for Selenium, installed once
/// into `.build/selenium-venv`. Without the browser the test is skipped, unless `MORPH_REQUIRE_BROWSER=1` (CI),
/// where that is a failure. `MORPH_SCREENSHOTS=docs` writes the 1280×800 screenshots into `docs/`.
final class BrowserEndToEndTests: XCTestCase {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    func testInpaintAndTrainingPagesInHeadlessChromium() throws {
        let env = ProcessInfo.processInfo.environment
        let chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].first { FileManager.default.isExecutableFile(atPath: $0) }
        let driver = ["/usr/bin/chromedriver"].first { FileManager.default.isExecutableFile(atPath: $0) }
        guard let chromium, let driver else {
            if env["MORPH_REQUIRE_BROWSER"] == "1" { XCTFail("chromium and chromium-driver are not installed"); return }
            throw XCTSkip("chromium or chromium-driver is not installed (apt-get install chromium chromium-driver)")
        }
        let python: URL
        switch BrowserEndToEndTests.seleniumPython() {
        case let .success(url): python = url
        case let .failure(reason):
            if env["MORPH_REQUIRE_BROWSER"] == "1" { XCTFail(reason.message); return }
            throw XCTSkip(reason.message)
        }
        let sandbox = try ServeSandbox()
        defer { sandbox.remove() }
        let downloads = sandbox.root.appendingPathComponent("downloads")
        let screenshots = env["MORPH_SCREENSHOTS"] == "docs" ? BrowserEndToEndTests.repository.appendingPathComponent("docs")
            : sandbox.root.appendingPathComponent("screenshots")
        for folder in [downloads, screenshots] { try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true) }

        // A tiny inpainting run, trained for real by `morph train`, then resumed from the browser script.
        let data = sandbox.root.appendingPathComponent("data")
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        let photos = BrowserEndToEndTests.repository.appendingPathComponent("samples")
        try FileManager.default.copyItem(at: photos.appendingPathComponent("photos/chelsea.png"), to: data.appendingPathComponent("cat.png"))
        let run = sandbox.runs.appendingPathComponent("tiny-inpaint")
        let common = ["train", "inpaint", "--data", data.path, "--out", run.path, "--crop-size", "32", "--cnum", "4", "--ndf", "4",
                      "--d-layers", "3", "--mask-kind", "free_form", "--crops-per-epoch", "2", "--display-freq", "2"]
        let train = try MorphBinary.run(common + ["--max-steps", "3"])
        XCTAssertEqual(train.code, 0, train.err)

        let server = try ServeProcess(arguments: ["serve", "--port", "0", "--runs", sandbox.runs.path, "--models", sandbox.models.path],
                                      environment: ["MORPH_MODELS": ServeSandbox.builtins.path])
        defer { server.stop() }
        let image = photos.appendingPathComponent("inpaint/rocket.png")
        let config: [String: Any] = [
            "url": server.url, "image": image.path,
            "batch": ["photos/chelsea.png", "photos/coffee.png"].map { photos.appendingPathComponent($0).path }, "downloads": downloads.path, "screenshots": screenshots.path,
            "run": "tiny-inpaint", "chromium": chromium, "chromedriver": driver,
            "resume": [MorphBinary.url.path, "train", "inpaint", "--out", run.path, "--resume", "--max-steps", "7"],
        ]
        let configURL = sandbox.root.appendingPathComponent("e2e.json")
        try JSONSerialization.data(withJSONObject: config).write(to: configURL)
        let script = BrowserEndToEndTests.repository.appendingPathComponent("Tests/MorphServeTests/Browser/e2e.py")
        let result = try BrowserEndToEndTests.run(python, [script.path, configURL.path])
        XCTAssertEqual(result.code, 0, result.err)
        guard result.code == 0, let line = result.out.split(separator: "\n").last,
              let outcome = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else { return }

        // The downloaded PNG: unchanged away from the stroke, changed along it.
        let stroke = outcome["stroke"] as? [String: Double] ?? [:]
        let before = try ServeFixtures.decode(try Data(contentsOf: image))
        let after = try ServeFixtures.decode(try Data(contentsOf: URL(fileURLWithPath: outcome["download"] as? String ?? "")))
        XCTAssertEqual([after.width, after.height], [before.width, before.height])
        let (x0, x1, y, radius) = (stroke["x0"] ?? 0, stroke["x1"] ?? 0, stroke["y"] ?? 0, (stroke["width"] ?? 0) / 2)
        XCTAssertGreaterThan(radius, 2)
        var inside = 0, changed = 0
        for py in 0..<before.height {
            for px in 0..<before.width {
                let cx = min(max(Double(px) + 0.5, x0), x1), cy = y
                let distance = ((Double(px) + 0.5 - cx) * (Double(px) + 0.5 - cx) + (Double(py) + 0.5 - cy) * (Double(py) + 0.5 - cy)).squareRoot()
                let i = (py * before.width + px) * before.bands
                let same = before.samples[i..<(i + 3)] == after.samples[i..<(i + 3)]
                if distance > radius + 2 {
                    XCTAssertTrue(same, "pixel \(px),\(py) is \(distance) px from the stroke and changed")
                    if !same { return }
                } else if distance < radius - 2 {
                    inside += 1
                    changed += same ? 0 : 1
                }
            }
        }
        XCTAssertGreaterThan(inside, 100)
        // Most pixels under the stroke are new; a good fill reproduces some of a smooth region's pixels exactly (the
        // ffc_inpaint morph-inpaint leaves about 11% of them as they were, the gated one before it under 10%).
        XCTAssertGreaterThan(Double(changed), 0.8 * Double(inside), "\(changed) of \(inside) pixels under the stroke changed")

        // The batch page upscaled both photos ×4 and zipped the results.
        XCTAssertEqual(outcome["batch"] as? [String: [Int]], ["chelsea-upscale.png": [640, 480], "coffee-upscale.png": [880, 640]])

        // The training page followed the run from step 3 to the resumed run's steps.
        XCTAssertEqual(outcome["first_step"] as? Int, 3)
        XCTAssertGreaterThan(outcome["later_step"] as? Int ?? 0, 3)
        XCTAssertEqual(outcome["viewport"] as? [Int], [1280, 800])
        XCTAssertTrue(FileManager.default.fileExists(atPath: screenshots.appendingPathComponent("web-app.png").path))
    }

    /// Why Selenium's Python is not available.
    struct Unavailable: Error { let message: String }

    /// Python with Selenium: `.build/selenium-venv`, made (once) with the system's python3 and pip.
    static func seleniumPython() -> Result<URL, Unavailable> {
        let venv = repository.appendingPathComponent(".build/selenium-venv")
        let python = venv.appendingPathComponent("bin/python")
        if FileManager.default.isExecutableFile(atPath: python.path), (try? run(python, ["-c", "import selenium"]))?.code == 0 {
            return .success(python)
        }
        guard let made = try? run(URL(fileURLWithPath: "/usr/bin/env"), ["python3", "-m", "venv", "--clear", venv.path]), made.code == 0 else {
            return .failure(Unavailable(message: "python3 -m venv \(venv.path) failed"))
        }
        guard let pip = try? run(python, ["-m", "pip", "install", "--quiet", "selenium>=4.20,<5"]), pip.code == 0 else {
            return .failure(Unavailable(message: "pip install selenium into \(venv.path) failed"))
        }
        return .success(python)
    }

    /// Runs a program to its end; returns its exit code, stdout and stderr (stderr through a file, so that neither
    /// pipe can fill up and stall the program).
    static func run(_ executable: URL, _ arguments: [String]) throws -> (code: Int32, out: String, err: String) {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        let errURL = FileManager.default.temporaryDirectory.appendingPathComponent("e2e-stderr-\(UUID().uuidString)")
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: errURL) }
        let errHandle = try FileHandle(forWritingTo: errURL)
        let out = Pipe()
        process.standardOutput = out
        process.standardError = errHandle
        try process.run()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        try? errHandle.close()
        let errData = (try? Data(contentsOf: errURL)) ?? Data()
        return (process.terminationStatus, String(decoding: outData, as: UTF8.self), String(decoding: errData, as: UTF8.self))
    }
}

/// `morph serve` as a child process; `url` is the address it printed.
final class ServeProcess {
    let process = Process()
    let url: String

    init(arguments: [String], environment extra: [String: String]) throws {
        process.executableURL = MorphBinary.url
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(extra) { $1 }
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.standardError
        let started = Date()
        try process.run()
        var text = ""
        while !text.contains("\n") {
            let chunk = out.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            text += String(decoding: chunk, as: UTF8.self)
        }
        guard let line = text.split(separator: "\n").first, line.hasPrefix("morph serve: http") else {
            process.terminate()
            throw NSError(domain: "ServeProcess", code: 1, userInfo: [NSLocalizedDescriptionKey: "morph serve printed: \(text)"])
        }
        url = String(line.dropFirst("morph serve: ".count))
        XCTAssertLessThan(Date().timeIntervalSince(started), 5, "morph serve starts quickly (under a second unloaded)")
    }

    func stop() {
        process.terminate()
        process.waitUntilExit()
    }
}
