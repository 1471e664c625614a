import Foundation
import MorphImage
import MorphInference
import MorphSupport

/// Runs one uploaded image (and mask) through a named model: checks the upload, the model's kind and the limits,
/// waits for the model's turn in the queue, runs `morph translate|upscale|inpaint` as a child process in a fresh
/// temporary folder, and returns the PNG it wrote. The folder is removed whatever happens.
public final class InferenceService: Sendable {
    let configuration: ServeConfiguration
    let catalog: ModelCatalog
    /// The per-model queue (exposed for job standings).
    public let queue = InferenceQueue()

    /// A service over `catalog` with `configuration`'s limits, executable and temporary root.
    public init(configuration: ServeConfiguration, catalog: ModelCatalog) {
        self.configuration = configuration
        self.catalog = catalog
    }

    /// The PNG result of `kind` on the form's `image` (and `mask` for inpaint) with its `model` and options.
    /// - Throws: `ServeError` (400 bad input, 404 unknown model, 413 over a limit, 422 wrong model kind or an
    ///   unusable checkpoint, 500 when the child crashes), `CancellationError` when cancelled.
    public func run(_ kind: ModelKind, form: MultipartForm) async throws -> Data {
        guard let modelName = form.text("model"), !modelName.isEmpty else { throw ServeError.badRequest("the 'model' field is missing") }
        let jobID = try JobOptions.jobID(form.text("job"))
        let options = try JobOptions(kind: kind, form: form)
        let (modelURL, entry) = try catalog.resolve(modelName)
        guard entry.kind == kind else {
            throw ServeError.wrongModel("'\(modelName)' does \(entry.kind.rawValue), not \(kind.rawValue): pick a \(kind.rawValue) model")
        }
        let folder = configuration.temporaryRoot.appendingPathComponent("morph-serve-\(UUID().uuidString)")
        do { try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true) } catch {
            throw ServeError.internal("cannot create a temporary folder: \(error.localizedDescription)")
        }
        defer { try? FileManager.default.removeItem(at: folder) }
        let image = try store(form, field: "image", in: folder)
        let size = try checkedSize(image, field: "image")
        var arguments = [kind.rawValue, image.path]
        if kind == .inpaint {
            let mask = try store(form, field: "mask", in: folder)
            let maskSize = try checkedSize(mask, field: "mask")
            guard maskSize == size else {
                throw ServeError.badRequest("the mask is \(maskSize.0)×\(maskSize.1) but the image is \(size.0)×\(size.1)")
            }
            arguments += ["--mask", mask.path]
        }
        let scale = kind == .upscale ? (options.outscale ?? Double(entry.scale)) : 1
        guard Double(size.0 * size.1) * scale * scale <= Double(configuration.maxPixels) * 16 else {
            throw ServeError.tooLarge("the result would have more than 16 × the pixel limit")
        }
        let output = folder.appendingPathComponent("result.png")
        arguments += ["-o", output.path, "--model", modelURL.path, "--format", "png"] + options.arguments
        try await queue.enter(model: modelName, id: jobID)
        let outcome: ChildJob.Outcome
        do {
            outcome = try await ChildJob.run(configuration.executable, arguments: arguments, in: folder,
                                             environment: configuration.childEnvironment)
        } catch {
            await queue.leave(model: modelName, id: jobID)
            throw error
        }
        await queue.leave(model: modelName, id: jobID)
        return try result(of: outcome, output: output, hiding: [(folder, ""), (modelURL, modelName)])
    }

    /// The upload of `field` written to the job folder under a name with the extension its bytes call for.
    private func store(_ form: MultipartForm, field: String, in folder: URL) throws -> URL {
        guard let data = form.data(field), !data.isEmpty else { throw ServeError.badRequest("the '\(field)' file is missing or empty") }
        guard let ext = ImageSniffer.fileExtension(data) else {
            throw ServeError.badRequest("the '\(field)' file is not a PNG, JPEG, WebP or TIFF image")
        }
        let url = folder.appendingPathComponent("\(field).\(ext)")
        do { try data.write(to: url) } catch { throw ServeError.internal("cannot store the upload: \(error.localizedDescription)") }
        return url
    }

    /// The width and height of a stored upload, within the pixel limit.
    private func checkedSize(_ url: URL, field: String) throws -> (Int, Int) {
        let image: VipsImage
        do { image = try VipsImage.open(url) } catch {
            throw ServeError.badRequest("the '\(field)' file cannot be decoded as an image")
        }
        let (width, height) = (image.width, image.height)
        guard width > 0, height > 0 else { throw ServeError.badRequest("the '\(field)' image is empty") }
        guard width * height <= configuration.maxPixels else {
            throw ServeError.tooLarge("the '\(field)' image is \(width)×\(height) = \(width * height) pixels; the limit is \(configuration.maxPixels)")
        }
        return (width, height)
    }

    /// The PNG a finished child wrote, or the error its exit status stands for (its message without server paths).
    private func result(of outcome: ChildJob.Outcome, output: URL, hiding paths: [(URL, String)]) throws -> Data {
        let message = InferenceService.lastError(outcome.output, hiding: paths)
        switch (outcome.signalled, outcome.status) {
        case (false, 0):
            guard let data = try? Data(contentsOf: output) else { throw ServeError.internal("the job wrote no result") }
            return data
        case (false, 1): throw ServeError.badRequest(message)
        case (false, 2): throw ServeError.wrongModel(message)
        default: throw ServeError.internal("the inference job ended with \(outcome.signalled ? "signal" : "status") \(outcome.status): \(message)")
        }
    }

    /// The most telling line of a child's output (its last `morph:` or failure line), with server paths replaced
    /// (the job folder by nothing, the model file by its name) so none reaches the client.
    static func lastError(_ output: String, hiding paths: [(URL, String)]) -> String {
        let lines = output.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        // A batch lists its failures under "failed files:"; a model or usage error is one "morph: …" line.
        let failure = lines.firstIndex(of: "failed files:").flatMap { $0 + 1 < lines.count ? lines[$0 + 1] : nil }
        let pick = failure ?? lines.last(where: { $0.hasPrefix("morph:") }).map { String($0.dropFirst(6)).trimmingCharacters(in: .whitespaces) }
            ?? lines.last ?? "no output"
        var text = pick
        for (url, replacement) in paths {
            for path in [url.path, FileSystem.realPath(url.path) ?? url.path] {
                text = text.replacingOccurrences(of: replacement.isEmpty ? path + "/" : path, with: replacement)
            }
        }
        return text
    }
}

/// The options of one job, checked: tile, overlap, direction, eval, outscale and strategy become `morph` flags.
struct JobOptions {
    /// Extra `morph` arguments.
    var arguments: [String] = []
    /// The final scale asked for (upscale only).
    var outscale: Double?

    init(kind: ModelKind, form: MultipartForm) throws {
        if let tile = form.text("tile"), !tile.isEmpty {
            guard tile == "auto" || Int(tile).map({ $0 == 0 || (16...4096).contains($0) }) == true else {
                throw ServeError.badRequest("tile must be 'auto', 0 or a size from 16 to 4096, not '\(tile)'")
            }
            arguments += ["--tile", tile]
        }
        if let overlap = form.text("overlap"), !overlap.isEmpty {
            guard overlap == "auto" || Int(overlap).map({ (0...512).contains($0) }) == true else {
                throw ServeError.badRequest("overlap must be 'auto' or 0 to 512, not '\(overlap)'")
            }
            arguments += ["--overlap", overlap]
        }
        if kind == .translate {
            if let direction = form.text("direction"), !direction.isEmpty {
                guard direction == "AtoB" || direction == "BtoA" else {
                    throw ServeError.badRequest("direction must be AtoB or BtoA, not '\(direction)'")
                }
                arguments += ["--direction", direction]
            }
            if let eval = form.text("eval"), ["1", "true", "on", "yes"].contains(eval.lowercased()) { arguments.append("--eval") }
        }
        if kind == .inpaint, let strategy = form.text("strategy"), !strategy.isEmpty {
            guard InpaintStrategy(rawValue: strategy) != nil else {
                throw ServeError.badRequest("strategy must be one of \(InpaintStrategy.allCases.map(\.rawValue).joined(separator: ", ")), not '\(strategy)'")
            }
            arguments += ["--strategy", strategy]
        }
        if kind == .upscale, let text = form.text("outscale"), !text.isEmpty {
            guard let value = Double(text), value >= 0.25, value <= 8 else {
                throw ServeError.badRequest("outscale must be a number from 0.25 to 8, not '\(text)'")
            }
            outscale = value
            arguments += ["--outscale", String(value)]
        }
    }

    /// A client's job id (1…64 letters, digits, '-' or '_'), or a fresh one.
    static func jobID(_ text: String?) throws -> String {
        guard let text, !text.isEmpty else { return UUID().uuidString }
        guard text.count <= 64, text.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }) else {
            throw ServeError.badRequest("job id must be 1 to 64 letters, digits, '-' or '_'")
        }
        return text
    }
}

/// Image formats recognised from their first bytes (uploads are never trusted by name).
enum ImageSniffer {
    /// `png`, `jpg`, `webp` or `tif`, or nil for anything else.
    static func fileExtension(_ data: Data) -> String? {
        let head = [UInt8](data.prefix(12))
        if head.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return "png" }
        if head.starts(with: [0xFF, 0xD8, 0xFF]) { return "jpg" }
        if head.count >= 12, head.starts(with: Array("RIFF".utf8)), Array(head[8..<12]) == Array("WEBP".utf8) { return "webp" }
        if head.starts(with: [0x49, 0x49, 0x2A, 0x00]) || head.starts(with: [0x4D, 0x4D, 0x00, 0x2A]) { return "tif" }
        return nil
    }
}
