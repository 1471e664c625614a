import MorphNN
import MorphTensor

/// What a caller (the tiler, the CLI, a trainer) needs to know about a built model without running it.
public struct ModelTraits: Equatable, CustomStringConvertible {
    /// Whether the network maps images to images or scores them.
    public enum Role: String, Equatable { case generator, discriminator }

    /// Generator or discriminator.
    public var role: Role
    /// Channels the input must have.
    public var inputChannels: Int
    /// Channels of the output.
    public var outputChannels: Int
    /// Output height and width are `scale` × the input's (generators; 1 for discriminators).
    public var scale: Int
    /// Input height and width should be multiples of this for the output to have exactly `scale` × the size.
    public var sizeMultiple: Int
    /// How far, in input pixels, one output pixel can see to each side; nil when it sees the whole image
    /// (fully connected heads). Tiles overlapping by this much reproduce the untiled result exactly,
    /// unless `hasNormalization`.
    public var receptiveFieldRadius: Int?
    /// True when the network has BatchNorm or InstanceNorm layers, whose statistics depend on
    /// the whole input (InstanceNorm always, BatchNorm in train mode).
    public var hasNormalization: Bool

    /// Creates traits.
    public init(role: Role, inputChannels: Int, outputChannels: Int, scale: Int = 1, sizeMultiple: Int = 1,
                receptiveFieldRadius: Int?, hasNormalization: Bool) {
        self.role = role
        self.inputChannels = inputChannels
        self.outputChannels = outputChannels
        self.scale = scale
        self.sizeMultiple = sizeMultiple
        self.receptiveFieldRadius = receptiveFieldRadius
        self.hasNormalization = hasNormalization
    }

    public var description: String {
        let rf = receptiveFieldRadius.map(String.init) ?? "global"
        return "\(role) \(inputChannels)→\(outputChannels) ×\(scale), size multiple \(sizeMultiple), "
            + "receptive radius \(rf), normalization \(hasNormalization ? "yes" : "no")"
    }
}

/// A network built by MorphModels: a `Module` that also reports its `ModelTraits`.
public protocol MorphModel: Module {
    /// Channels, scale, receptive field and normalization of this configuration.
    var traits: ModelTraits { get }
}

/// Accumulates the one-sided receptive field radius of a chain of layers, in input pixels.
///
/// `jump` is the distance in input pixels between neighbouring pixels of the current feature map.
/// Each layer adds its own one-sided reach times the current jump. The result is an upper bound.
struct ReceptiveField {
    private(set) var radius: Double = 0
    private(set) var jump: Double = 1

    /// A convolution with kernel `k` (its one-sided reach is ⌊k/2⌋·dilation) and stride `s`.
    mutating func conv(_ k: Int, stride s: Int = 1, dilation: Int = 1) {
        radius += Double((k / 2) * dilation) * jump
        jump *= Double(s)
    }

    /// A transposed convolution with kernel `k` and stride `s`: reach ⌈k/(2s)⌉ input pixels.
    mutating func convTranspose(_ k: Int, stride s: Int) {
        radius += (Double(k) / Double(2 * s)).rounded(.up) * jump
        jump /= Double(s)
    }

    /// Nearest (reach 0) or bilinear (reach 1) upsampling by `s`.
    mutating func upsample(_ s: Int, bilinear: Bool) {
        if bilinear { radius += jump }
        jump /= Double(s)
    }

    /// PixelShuffle by `r`: no reach, finer grid.
    mutating func pixelShuffle(_ r: Int) { jump /= Double(r) }

    /// PixelUnshuffle by `r`: a pixel gathers an r×r block.
    mutating func pixelUnshuffle(_ r: Int) {
        radius += Double(r - 1) * jump
        jump *= Double(r)
    }

    /// The radius rounded up to whole input pixels.
    var pixels: Int { Int(radius.rounded(.up)) }
}
