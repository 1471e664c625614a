import MorphTensor

/// Pads both spatial sides of NCHW input by the same amount with a given mode.
public class Pad2d: Module {
    /// Padding on each of the four sides.
    public let padding: Int
    /// How the border is filled.
    public let mode: PaddingMode
    public var isTraining = true

    /// A padding layer of `padding` pixels on every side.
    public init(_ padding: Int, mode: PaddingMode) {
        self.padding = padding
        self.mode = mode
    }

    public func forward(_ x: Tensor) throws -> Tensor {
        try x.padded(left: padding, right: padding, top: padding, bottom: padding, mode: mode)
    }
}

/// Mirror padding without repeating the edge (PyTorch `nn.ReflectionPad2d`).
public final class ReflectionPad2d: Pad2d {
    /// Pads `p` pixels on every side.
    public init(_ p: Int) { super.init(p, mode: .reflect) }
}

/// Edge-repeating padding (PyTorch `nn.ReplicationPad2d`).
public final class ReplicationPad2d: Pad2d {
    /// Pads `p` pixels on every side.
    public init(_ p: Int) { super.init(p, mode: .replicate) }
}

/// Zero padding (PyTorch `nn.ZeroPad2d`).
public final class ZeroPad2d: Pad2d {
    /// Pads `p` pixels on every side.
    public init(_ p: Int) { super.init(p, mode: .zeros) }
}
