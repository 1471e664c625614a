import MorphNN
import MorphTensor

/// Morph's own Fourier-convolution inpainting generator (`ffc_inpaint`): a small LaMa `FFCResNetGenerator`
/// (tanh output) that refines a pull–push fill of the holes, as `GatedInpaintGenerator` does.
///
/// Input `[N, 4, H, W]` = concat(pull–push fill of the image's known pixels, mask), the image in [-1, 1] and the
/// mask 1 in holes (`GatedInpaintGenerator.makeInput`); H and W multiples of 2^nDownsampling. Output `[N, 3, H, W]`
/// = fill + LaMa(input): the network learns the correction. Its last convolution starts at zero, so an untrained
/// generator returns the fill itself. The spectral transforms of the residual blocks see the whole image.
/// The state keys are LaMa's (`model.0` … `model.K`, see `FFCResNetGenerator`), so a trained Morph model is a LaMa
/// generator state dict; only the input convention and the residual differ.
public final class FFCInpaintGenerator: MorphModel {
    /// The LaMa generator that computes the correction.
    public let lama: FFCResNetGenerator
    public var isTraining = true
    /// 4 → 3 channels, size multiple 2^nDownsampling, global receptive field, batch norm.
    public var traits: ModelTraits { lama.traits }

    public var namedChildren: [(String, Module)] { lama.namedChildren }

    /// A generator of `ngf` channels after the first convolution, `nDownsampling` stride-2 stages and `nBlocks`
    /// FFC residual blocks with a `ratio` global share (and local Fourier units if `enableLFU`).
    /// - Throws: `ModelError.invalidConfiguration` for impossible sizes.
    public init(ngf: Int, nDownsampling: Int, nBlocks: Int, ratio: Double, enableLFU: Bool, rng: inout SeededRNG) throws {
        let c = LamaConfiguration(inputNC: 4, outputNC: 3, ngf: ngf, nDownsampling: nDownsampling, nBlocks: nBlocks,
                                  ratio: ratio, enableLFU: enableLFU, sigmoidOutput: false)
        lama = try FFCResNetGenerator(c, rng: &rng)
        guard let last = lama.model.layers.last(where: { $0 is Conv2d }) as? Conv2d else {
            throw ModelError.invalidConfiguration(architecture: "ffc_inpaint", "LaMa generator without an output convolution")
        }
        last.weight.fill(0)
        last.bias?.fill(0)
    }

    public func forward(_ x: Tensor) throws -> Tensor {
        try checkInput(x, channels: 4, model: "FFCInpaintGenerator")
        return try x.slice(dim: 1, 0..<3) + lama.forward(x)
    }
}
