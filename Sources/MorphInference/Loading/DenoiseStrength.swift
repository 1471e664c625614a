import Foundation
import MorphCheckpoint
import MorphTensor

/// Real-ESRGAN's `--denoise-strength` for realesr-general-x4v3: deep network interpolation between the model and its
/// `-wdn` companion (trained to keep noise), weight by weight: `s · general + (1 − s) · wdn`. 1 is the plain model
/// (strong denoising), 0 the `-wdn` one. The companion is the file whose path has `realesr-general-wdn-x4v3` where
/// the model's has `realesr-general-x4v3`, as Real-ESRGAN's `inference_realesrgan.py` finds it.
public enum DenoiseStrength {
    /// The model name the option applies to.
    public static let model = "realesr-general-x4v3"
    /// Its companion's name.
    public static let companion = "realesr-general-wdn-x4v3"

    /// The companion file of `url`.
    /// - Throws: `PipelineError.model` when `url` is not realesr-general-x4v3, or `PipelineError.model` naming the
    ///   command that downloads the companion when it is missing.
    public static func companionFile(of url: URL) throws -> URL {
        let name = url.lastPathComponent
        guard name.contains(model) else {
            throw PipelineError.model(file: url.path, "--denoise-strength only applies to \(model) (it interpolates "
                + "with \(companion)); this is another model")
        }
        let other = url.deletingLastPathComponent()
            .appendingPathComponent(name.replacingOccurrences(of: model, with: companion))
        guard FileManager.default.fileExists(atPath: other.path) else {
            throw PipelineError.model(file: other.path, "--denoise-strength needs \(companion) next to \(name); "
                + "fetch it with: morph models download \(companion)")
        }
        return other
    }

    /// Loads `url` interpolated with its companion at `strength` (0…1); 1 loads the model alone.
    /// - Throws: as `companionFile(of:)`, and `PipelineError.model` when the two files do not hold the same tensors.
    public static func load(_ url: URL, strength: Double, arch: String? = nil,
                            options: [String: String] = [:]) throws -> LoadedModel {
        guard strength < 1 else { return try ModelLoader.load(url, arch: arch, options: options) }
        let other = try companionFile(of: url)
        var a = try read(url), b = try read(other)
        a = try interpolate(a, b, weight: Float(strength), file: other.path)
        b.tensors = []
        return try ModelLoader.load(a, file: url, arch: arch, options: options)
    }

    /// `weight · a + (1 − weight) · b` for every tensor of `a` (same keys and shapes in `b`).
    static func interpolate(_ a: Checkpoint, _ b: Checkpoint, weight: Float, file: String) throws -> Checkpoint {
        var byKey: [String: Tensor] = [:]
        for (key, tensor) in b.tensors { byKey[key] = tensor }
        var out = a
        out.tensors = try a.tensors.map { key, x in
            guard let y = byKey[key], y.shape == x.shape else {
                throw PipelineError.model(file: file, "has no tensor \(key) of shape \(x.shape) to interpolate with")
            }
            let mixed = Tensor(zeros: x.shape, zeroed: false)
            let p = x.data, q = y.data, r = mixed.data
            for i in 0..<x.count { r[i] = weight * p[i] + (1 - weight) * q[i] }
            return (key, mixed)
        }
        return out
    }

    static func read(_ url: URL) throws -> Checkpoint {
        do { return try Checkpoint.load(contentsOf: url).normalized() } catch {
            throw PipelineError.model(file: url.path, PipelineError.cause(error, dropping: url.path))
        }
    }
}
