import Foundation

/// Which command a generator is made for, from its architecture: translation generators (ResNet, U-Net),
/// super-resolution networks (SRResNet, RRDBNet, SRVGGNetCompact) and inpainting networks (image + mask in).
public enum ModelPurpose: String, Sendable {
    case translate, upscale, inpaint

    /// The purpose of `loaded`, or nil for an architecture Morph cannot place (then any command may try it).
    public init?(_ loaded: LoadedModel) {
        let name = loaded.configuration.name
        if loaded.traits.inputChannels == 4 && loaded.traits.outputChannels == 3 {
            self = .inpaint
        } else if ["srresnet", "rrdbnet", "srvgg"].contains(name) {
            self = .upscale
        } else if name.hasPrefix("resnet") || name.hasPrefix("unet_") {
            self = .translate
        } else {
            return nil
        }
    }

    /// What the model is, in a few words, for messages.
    var noun: String {
        switch self {
        case .translate: return "an image-to-image translation generator"
        case .upscale: return "a super-resolution model"
        case .inpaint: return "an inpainting model (image + mask in)"
        }
    }

    /// Throws when `loaded` is made for another command than `command`.
    /// - Throws: `PipelineError.model` naming the command that runs it (exit code 2, before any file runs).
    public static func require(_ command: ModelPurpose, of loaded: LoadedModel) throws {
        guard let purpose = ModelPurpose(loaded), purpose != command else { return }
        throw PipelineError.model(file: loaded.file.path, "is \(purpose.noun) (\(loaded.configuration.name)), "
            + "not for morph \(command.rawValue); run it with morph \(purpose.rawValue)")
    }
}

extension ModelLoader {
    /// Loads the generator an image command (or recipe step) runs: `url` with the caller's `arch` / `options`
    /// overrides, interpolated with its companion at `denoiseStrength` when one is given (`DenoiseStrength`), and
    /// refused when it is a discriminator or is made for another command than `purpose`.
    /// - Throws: `PipelineError.model` naming the file (exit code 2, before any file runs).
    public static func loadGenerator(_ url: URL, for purpose: ModelPurpose?, arch: String? = nil,
                                     options: [String: String] = [:], denoiseStrength: Double? = nil) throws -> LoadedModel {
        let loaded = try denoiseStrength.map { try DenoiseStrength.load(url, strength: $0, arch: arch, options: options) }
            ?? load(url, arch: arch, options: options)
        guard loaded.traits.role == .generator else {
            throw PipelineError.model(file: url.path, "is a \(loaded.configuration.name) discriminator, not a generator")
        }
        if let purpose { try ModelPurpose.require(purpose, of: loaded) }
        return loaded
    }
}
