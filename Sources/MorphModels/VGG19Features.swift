import Foundation
import MorphCheckpoint
import MorphNN
import MorphTensor

/// The convolutional trunk of torchvision's VGG19 (`features.*`), for perceptual losses.
///
/// Simonyan & Zisserman, "Very Deep Convolutional Networks for Large-Scale Image Recognition" (ICLR 2015),
/// configuration E. `features` is a Sequential of 37 modules: sixteen 3×3 convolutions (`features.0`, `.2`, `.5`, …,
/// `.34`), a ReLU after each and five 2×2 max pools. Layers are named as BasicSR's VGGFeatureExtractor names them
/// (`conv1_1`, `relu1_1`, …, `pool5`); a `conv*` layer's output is the feature before its activation.
/// Input `[N, 3, H, W]`, already normalised as the weights expect (ImageNet mean and std for torchvision's).
public final class VGG19Features: Module {
    /// The trunk, key prefix `features.`.
    public let features: Sequential
    public var isTraining = false

    public var namedChildren: [(String, Module)] { [("features", features)] }

    /// Layer names in order, one per module of `features`.
    public static let layerNames: [String] = {
        var names: [String] = []
        for (block, convs) in [(1, 2), (2, 2), (3, 4), (4, 4), (5, 4)] {
            for i in 1...convs { names += ["conv\(block)_\(i)", "relu\(block)_\(i)"] }
            names.append("pool\(block)")
        }
        return names
    }()

    /// Channel widths of the five blocks in the real network.
    public static let widths = [64, 128, 256, 512, 512]

    /// A VGG19 trunk with PyTorch's default init; `widthDivisor` shrinks every width (tests use small copies).
    public init(widthDivisor: Int = 1, rng: inout SeededRNG) {
        var layers: [Module] = []
        var cin = 3
        for (block, convs) in [2, 2, 4, 4, 4].enumerated() {
            let cout = max(1, Self.widths[block] / widthDivisor)
            for _ in 0..<convs {
                layers.append(Conv2d(cin, cout, kernelSize: 3, padding: 1, rng: &rng))
                layers.append(ReLU())
                cin = cout
            }
            layers.append(MaxPool2d(kernel: 2))
        }
        features = Sequential(layers)
    }

    public func forward(_ x: Tensor) throws -> Tensor { try features(x) }

    /// The outputs of the named layers, running the trunk only as deep as the deepest of them.
    /// - Throws: `ModelError.badInput` for an unknown layer name or a wrong input shape.
    public func extract(_ x: Tensor, layers wanted: Set<String>) throws -> [String: Tensor] {
        try checkInput(x, channels: 3, model: "VGG19")
        let indices = try wanted.map { name -> Int in
            guard let i = Self.layerNames.firstIndex(of: name) else {
                throw ModelError.badInput(model: "VGG19", "unknown layer '\(name)' (known: \(Self.layerNames.joined(separator: ", ")))")
            }
            return i
        }
        guard let last = indices.max() else { return [:] }
        var out: [String: Tensor] = [:]
        var h = x
        for i in 0...last {
            h = try features.layers[i](h)
            if wanted.contains(Self.layerNames[i]) { out[Self.layerNames[i]] = h }
        }
        return out
    }

    /// Loads torchvision's `vgg19` weights (a `.pth` or a safetensors file of its state dict). The `classifier.*`
    /// keys are not needed and are ignored; every `features.*` key must be there with VGG19's shapes.
    /// - Throws: `ModelError.invalidConfiguration` naming the file when it is not a plain VGG19 (VGG16, VGG19-BN,
    ///   another network), or the checkpoint's own errors for unreadable files.
    public static func load(contentsOf url: URL) throws -> VGG19Features {
        let checkpoint = try Checkpoint.load(contentsOf: url).normalized()
        let trunk = checkpoint.tensors.filter { $0.0.hasPrefix("features.") }
        let convKeys = trunk.map(\.0).filter { $0.hasSuffix(".weight") }
        let expected = Set(layerNames.enumerated().filter { $0.element.hasPrefix("conv") }.map { "features.\($0.offset).weight" })
        guard Set(convKeys) == expected, trunk.count == 2 * expected.count else {
            throw ModelError.invalidConfiguration(architecture: "vgg19",
                "\(url.path): not a torchvision VGG19 checkpoint: expected 16 convolutions at features.0 … features.34 (\(2 * expected.count) keys), found \(convKeys.count) convolution weights in \(trunk.count) features.* keys")
        }
        // Small copies (tests) keep VGG19's structure with every width divided by the same factor.
        let firstWidth = checkpoint["features.0.weight"]?.shape.first ?? 0
        guard firstWidth > 0, 64 % firstWidth == 0 else {
            throw ModelError.invalidConfiguration(architecture: "vgg19",
                "\(url.path): not a torchvision VGG19 checkpoint: features.0 has \(firstWidth) filters, expected 64")
        }
        var rng = SeededRNG(seed: 0)
        let model = VGG19Features(widthDivisor: 64 / firstWidth, rng: &rng)
        do {
            _ = try model.load(stateDict: trunk)
        } catch {
            throw ModelError.invalidConfiguration(architecture: "vgg19", "\(url.path): not a torchvision VGG19 checkpoint: \(error)")
        }
        return model
    }
}
