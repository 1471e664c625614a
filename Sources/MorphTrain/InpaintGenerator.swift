import MorphModels

/// The generator of `morph train inpaint --net-g` (both refine a pull–push fill of the holes).
public enum InpaintGeneratorArch: String, CaseIterable, Codable, Sendable {
    /// Morph's gated-convolution encoder–decoder (`gated_inpaint`, width `--cnum`).
    case gated_inpaint
    /// A small LaMa generator of Fourier convolutions (`ffc_inpaint`, `--ngf`, `--n-blocks`).
    case ffc
}

extension InpaintTrainOptions {
    /// The generator this run trains (runs from before `--net-g` existed trained `gated_inpaint`).
    public var generator: InpaintGeneratorArch { netG ?? .gated_inpaint }

    /// Registry name and options of the generator.
    public var generatorSpec: (name: String, options: [String: String]) {
        switch generator {
        case .gated_inpaint: return ("gated_inpaint", ["cnum": "\(cnum)"])
        case .ffc:
            var o: [String: String] = [:]
            if let ngf { o["ngf"] = "\(ngf)" }
            if let nBlocks { o["n_blocks"] = "\(nBlocks)" }
            return ("ffc_inpaint", o)
        }
    }

    /// The generator in a few words (`gated_inpaint cnum 16`, `ffc_inpaint ngf 16, 6 blocks`).
    public var generatorSummary: String {
        switch generator {
        case .gated_inpaint: return "gated_inpaint cnum \(cnum)"
        case .ffc: return "ffc_inpaint ngf \(ngf.map(String.init) ?? "16"), \(nBlocks.map(String.init) ?? "6") blocks"
        }
    }
}
