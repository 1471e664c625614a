import MorphNN
import MorphTensor

/// The `--norm` choice of pytorch-CycleGAN-and-pix2pix's `get_norm_layer`.
public enum NormKind: String, CaseIterable {
    /// BatchNorm2d(affine, track_running_stats): keys weight, bias, running_mean, running_var, num_batches_tracked.
    case batch
    /// InstanceNorm2d(affine=False, track_running_stats=False): no keys.
    case instance
    /// Identity: no keys.
    case none

    /// The reference's `use_bias` rule: convs before a norm have a bias exactly when the norm is InstanceNorm
    /// (with `none` the reference passes a lambda returning Identity, which is not InstanceNorm, so no bias).
    public var convBias: Bool { self == .instance }

    /// True for batch and instance norm.
    public var normalizes: Bool { self != .none }

    /// A fresh norm layer over `channels` channels.
    public func layer(_ channels: Int) -> Module {
        switch self {
        case .batch: return BatchNorm2d(channels)
        case .instance: return InstanceNorm2d(channels, affine: false, trackRunningStats: false)
        case .none: return Identity()
        }
    }
}

/// How ResnetBlock pads before its 3×3 convolutions (`--padding_type` in the reference).
public enum ResnetPadding: String, CaseIterable {
    /// ReflectionPad2d(1) then a conv with padding 0.
    case reflect
    /// ReplicationPad2d(1) then a conv with padding 0.
    case replicate
    /// No pad layer; the conv pads with zeros (padding 1).
    case zero
}

/// The activation of SRVGGNetCompact (`act_type`).
public enum CompactActivation: String, CaseIterable {
    /// ReLU.
    case relu
    /// PReLU with one slope per feature channel.
    case prelu
    /// LeakyReLU with slope 0.1.
    case leakyrelu

    /// A fresh activation layer for `channels` channels.
    func layer(_ channels: Int) -> Module {
        switch self {
        case .relu: return ReLU()
        case .prelu: return PReLU(numParameters: channels)
        case .leakyrelu: return LeakyReLU(0.1)
        }
    }
}
