import MorphModels
import MorphNN
import MorphTensor

/// BasicSR's perceptual loss: Σ_layer w_layer · L1(φ_layer(x), φ_layer(target)) on frozen VGG19 features.
///
/// Johnson et al., "Perceptual Losses for Real-Time Style Transfer and Super-Resolution" (ECCV 2016); ESRGAN uses
/// `conv5_4` before its activation with weight 1. Inputs are RGB in [0, 1], normalised with ImageNet's mean and std
/// (BasicSR's `use_input_norm`) before VGG. The target's features carry no gradient.
public struct PerceptualLoss {
    /// The frozen feature extractor.
    public let vgg: VGG19Features
    /// Weight per VGG layer name (`conv5_4`, `relu3_4`, …).
    public let layerWeights: [String: Float]

    private static let mean = try? Tensor(shape: [1, 3, 1, 1], values: [0.485, 0.456, 0.406])
    private static let std = try? Tensor(shape: [1, 3, 1, 1], values: [0.229, 0.224, 0.225])

    /// A loss over `layerWeights`; VGG's parameters are frozen and it is put in eval mode.
    /// - Throws: `ModelError.badInput` for an unknown layer name.
    public init(vgg: VGG19Features, layerWeights: [String: Float] = ["conv5_4": 1]) throws {
        for name in layerWeights.keys where !VGG19Features.layerNames.contains(name) {
            throw ModelError.badInput(model: "VGG19", "unknown perceptual layer '\(name)'")
        }
        vgg.setRequiresGrad(false)
        vgg.eval()
        self.vgg = vgg
        self.layerWeights = layerWeights
    }

    /// The weighted L1 distance between the features of `x` and `target` (both `[N, 3, H, W]` in [0, 1]).
    public func callAsFunction(_ x: Tensor, _ target: Tensor) throws -> Tensor {
        let layers = Set(layerWeights.keys)
        let fx = try vgg.extract(normalized(x), layers: layers)
        let ft = try withoutGrad { try vgg.extract(normalized(target), layers: layers) }
        var total: Tensor?
        for name in layerWeights.keys.sorted() {
            guard let a = fx[name], let b = ft[name], let w = layerWeights[name] else { continue }
            let term = try Tensor.l1Loss(a, b) * w
            total = try total.map { try $0 + term } ?? term
        }
        return total ?? Tensor(scalar: 0)
    }

    private func normalized(_ x: Tensor) throws -> Tensor {
        guard let mean = Self.mean, let std = Self.std else { return x }
        return try (x - mean) / std
    }
}
