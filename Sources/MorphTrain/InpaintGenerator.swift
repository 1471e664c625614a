/// The generator of `morph train inpaint --net-g` (both refine a pull–push fill of the holes).
public enum InpaintGeneratorArch: String, CaseIterable, Codable, Sendable {
    /// Morph's gated-convolution encoder–decoder (`gated_inpaint`, width `--cnum`).
    case gated_inpaint
    /// A small LaMa generator of Fourier convolutions (`ffc_inpaint`, `--ngf`, `--n-blocks`).
    case ffc
}
