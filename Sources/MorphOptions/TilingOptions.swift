import ArgumentParser
import MorphInference

/// How large images are split into tiles: shared by translate, upscale and inpaint.
public struct TilingOptions: ParsableArguments {
    /// The defaults (ArgumentParser fills in what the command line gives).
    public init() {}

    @Option(parsing: .unconditional,
            help: "Tile size in input pixels: a number, 'auto' (fit the available memory) or 0 (whole image).")
    public var tile: String = "auto"

    @Option(parsing: .unconditional, help: "Overlap between tiles in input pixels, or 'auto' (the model's receptive field).")
    public var overlap: String = "auto"

    @Option(help: ArgumentHelp("on: raise a --tile/--overlap that would be approximate to the smallest exact one; off: keep it.",
                               valueName: "on|off"))
    public var tileExact: Switch = .on

    public func validate() throws {
        if tile != "auto" {
            guard let n = Int(tile), n >= 0 else { throw ValidationError("--tile must be a number ≥ 0 or 'auto', got '\(tile)'") }
        }
        if overlap != "auto" {
            guard let n = Int(overlap), n >= 0 else { throw ValidationError("--overlap must be a number ≥ 0 or 'auto', got '\(overlap)'") }
        }
    }

    /// The tile size, nil for auto.
    public var tileSize: Int? { Int(tile) }
    /// The overlap, nil for auto.
    public var overlapSize: Int? { Int(overlap) }

    /// The tile setting: a size, whole image (0) or auto.
    public var tileSetting: TileSetting {
        tileSize.map { .size($0) } ?? .auto
    }
}

/// An on/off setting.
public enum Switch: String, ExpressibleByArgument, CaseIterable, Sendable {
    case on, off
}
