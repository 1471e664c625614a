import Foundation
import MorphImage
import MorphModels
import MorphNN
import MorphTensor

/// Which statistics the normalization layers use when an image is tiled.
public enum NormStatisticsMode: String, CaseIterable, Sendable {
    /// Whole-image statistics gathered over the tiles first, so tiles are normalised alike.
    case global
    /// Each tile's own statistics (fast, visible differences between tiles).
    case tile
}

/// Settings of one model run over an image tensor.
public struct InferenceOptions: Sendable {
    /// Tile size: `auto` fits the available memory, `size(0)` is the whole image, `size(n)` is rounded up to
    /// the model's size multiple.
    public var tile: TileSetting
    /// Overlap in input pixels; nil picks it from the model's receptive field (`Tiler.autoOverlap`).
    public var overlap: Int?
    /// Norm statistics when tiling; nil means global for models with normalization.
    public var normStatistics: NormStatisticsMode?
    /// Bytes the auto tile size may use; nil reads MemAvailable (half of it is used).
    public var availableMemory: Int?
    /// Statistics-gathering passes before the final pass with `--norm-stats global`; nil: one per norm layer,
    /// which makes the statistics exact (fewer passes are faster and approximate).
    public var statisticsPasses: Int?

    /// Options with Morph's defaults: auto tile, auto overlap, exact global statistics.
    public init(tile: TileSetting = .auto, overlap: Int? = nil, normStatistics: NormStatisticsMode? = nil,
                availableMemory: Int? = nil, statisticsPasses: Int? = nil) {
        self.tile = tile
        self.overlap = overlap
        self.normStatistics = normStatistics
        self.availableMemory = availableMemory
        self.statisticsPasses = statisticsPasses
    }
}

/// Runs a loaded model over one image tensor: pads to the model's size multiple, runs whole or tiled
/// (with global normalization statistics when asked), and crops back to the input size × scale.
public struct InferenceEngine {
    /// The model.
    public let loaded: LoadedModel
    /// Tiling settings.
    public let options: InferenceOptions

    /// Shows progress over the tiles of an image, if set.
    public var progress: TileProgress?

    /// An engine for `loaded` with `options`.
    public init(_ loaded: LoadedModel, options: InferenceOptions = InferenceOptions(), progress: TileProgress? = nil) {
        self.loaded = loaded
        self.options = options
        self.progress = progress
    }

    /// The tiler for an image of `height` × `width` (after padding), or nil to run it whole.
    /// - Throws: `PipelineError.usage` for an impossible tile/overlap pair.
    public func tiler(height: Int, width: Int) throws -> Tiler? {
        let traits = loaded.traits
        let m = max(traits.sizeMultiple, 1)
        var side: Int
        switch options.tile {
        case let .size(n):
            if n <= 0 { return nil }
            side = n
        case .auto:
            side = Tiler.autoTileSize(availableMemory: autoTileMemory(), bytesPerPixel: bytesPerPixel())
        }
        var overlap: Int
        if let given = options.overlap {
            overlap = given
        } else if let radius = traits.receptiveFieldRadius {
            overlap = Tiler.autoOverlap(receptiveField: 2 * radius)
        } else {
            return nil  // the model sees the whole image: tiles cannot reproduce it
        }
        // An automatic tile is at least twice the automatic overlap, so tiles stay exact; a given tile keeps
        // its size and the automatic overlap shrinks to half of it.
        if case .auto = options.tile, options.overlap == nil { side = max(side, 2 * overlap) }
        side = max(m, (side + m - 1) / m * m)
        if side >= height && side >= width { return nil }
        if options.overlap == nil { overlap = min(overlap, side / 2) }
        guard overlap < side else {
            throw PipelineError.usage("--overlap \(overlap) must be smaller than the tile size \(side)")
        }
        do { return try Tiler(tileSize: side, overlap: overlap, alignment: m) } catch {
            throw PipelineError.usage(String(describing: error))
        }
    }

    /// The tiler for streaming an image `width` input pixels wide (see `StreamingProcessor`). An automatic tile is
    /// capped so that one strip of Float output, 3 · (tile·s) · (width·s) values, stays within `stripBudget` bytes;
    /// peak memory then no longer grows with the image. A given `--tile` is kept.
    public func streamingTiler(width: Int, stripBudget: Int = 384 << 20) throws -> Tiler? {
        guard case .auto = options.tile else { return try tiler(height: Int.max / 4, width: Int.max / 4) }
        let s = max(loaded.traits.scale, 1), m = max(loaded.traits.sizeMultiple, 1)
        let automatic = Tiler.autoTileSize(availableMemory: autoTileMemory(), bytesPerPixel: bytesPerPixel())
        let cap = max(64, stripBudget / max(1, 4 * 3 * s * s * width)) / m * m
        var capped = options
        capped.tile = .size(max(m, min(automatic, cap)))
        return try InferenceEngine(loaded, options: capped).tiler(height: Int.max / 4, width: Int.max / 4)
    }

    /// The bytes an automatic tile may use: half the available memory (or `availableMemory`), and for models
    /// without normalisation layers (whose tiles are exact and cost nothing extra) at most `fastTileBytes`.
    func autoTileMemory() -> Int {
        let memory = options.availableMemory ?? SystemMemory.available() / 2
        return NormHooks.layers(of: loaded.model).isEmpty ? min(memory, Self.fastTileBytes) : memory
    }

    /// The working set of the fastest tiles, measured with `morph bench --filter linear` and `morph upscale --tile`:
    /// a 1600² ×4 upscale with morph-sr-x4 took 14 s in 256² tiles (about this budget), 19 s in 512² tiles and 58 s
    /// whole, because huge tensors cost page faults and cache misses in every layer.
    static let fastTileBytes = 512 << 20

    /// A rough peak memory per input pixel: three Float maps as wide as the widest layer, at the output scale
    /// (resnet_9blocks measures about 2.3 KB per pixel; this gives 3 KB).
    func bytesPerPixel() -> Int {
        var widest = 3
        for (_, t) in loaded.model.namedParameters() where t.rank == 4 { widest = max(widest, t.shape[0], t.shape[1]) }
        let s = max(loaded.traits.scale, 1)
        return 4 * widest * 3 * s * s
    }

    /// Runs the model on `x` [1, C, H, W] and returns [1, C', H·s, W·s].
    /// - Throws: model errors, `PipelineError.usage` for bad tiling settings.
    public func run(_ x: Tensor) throws -> Tensor {
        guard x.rank == 4, x.shape[0] == 1 else {
            throw PipelineError.usage("model input must be [1, C, H, W], got \(x.shape)")
        }
        let h = x.shape[2], w = x.shape[3], s = loaded.traits.scale
        let m = max(loaded.traits.sizeMultiple, 1)
        let padded = try Self.reflectPad(x, bottom: (m - h % m) % m, right: (m - w % m) % m)
        let model = loaded.model
        let out: Tensor = try withoutGrad {
            guard let tiler = try tiler(height: padded.shape[2], width: padded.shape[3]) else {
                return try model(padded)
            }
            let layers = NormHooks.layers(of: model)
            let mode = options.normStatistics ?? .global
            let tiles = tiler.spans(length: padded.shape[2]).count * tiler.spans(length: padded.shape[3]).count
            defer { progress?.end() }
            if mode == .global && !layers.isEmpty {
                let memory = options.availableMemory ?? SystemMemory.available()
                let passes = min(max(options.statisticsPasses ?? layers.count, 1), layers.count) + 1
                progress?.begin(tiles: tiles * passes)
                return try GlobalNormStatistics.run(padded, model: model, layers: layers, tiler: tiler,
                                                    passes: options.statisticsPasses, cacheBytes: memory / 4,
                                                    onTile: { progress?.tick() })
            }
            progress?.begin(tiles: tiles)
            return try tiler.run(padded) { tile in
                defer { progress?.tick() }
                return try model(tile)
            }
        }
        guard out.rank == 4, out.shape[2] == padded.shape[2] * s, out.shape[3] == padded.shape[3] * s else {
            throw PipelineError.usage("model output \(out.shape) is not the padded input \(padded.shape) × \(s)")
        }
        return try Self.crop(out, height: h * s, width: w * s)
    }

    /// Extends `x` by `bottom` rows and `right` columns mirrored about the last row and column (numpy's
    /// `reflect`; pads longer than the image keep reflecting). A side of one pixel is repeated.
    public static func reflectPad(_ x: Tensor, bottom: Int, right: Int) throws -> Tensor {
        guard bottom > 0 || right > 0 else { return x }
        return try x.padded(left: 0, right: right, top: 0, bottom: bottom, mode: .reflectRepeating)
    }

    /// The top-left `height` × `width` of `x`.
    public static func crop(_ x: Tensor, height: Int, width: Int) throws -> Tensor {
        let h = x.shape[2], w = x.shape[3]
        guard height <= h, width <= w else {
            throw PipelineError.usage("cannot crop \(x.shape) to \(height)×\(width)")
        }
        if height == h && width == w { return x }
        let planes = x.shape[0] * x.shape[1]
        let out = Tensor(zeros: [x.shape[0], x.shape[1], height, width], zeroed: false)
        for p in 0..<planes {
            for y in 0..<height {
                (out.data + (p * height + y) * width).update(from: x.data + (p * h + y) * w, count: width)
            }
        }
        return out
    }
}

/// The machine's available memory.
public enum SystemMemory {
    /// MemAvailable from /proc/meminfo in bytes; 2 GiB when it cannot be read.
    public static func available() -> Int {
        guard let text = try? String(contentsOfFile: "/proc/meminfo", encoding: .utf8) else { return 2 << 30 }
        return parse(meminfo: text) ?? (2 << 30)
    }

    /// The MemAvailable line of a /proc/meminfo text, in bytes.
    public static func parse(meminfo text: String) -> Int? {
        for line in text.split(separator: "\n") where line.hasPrefix("MemAvailable:") {
            let fields = line.split(separator: " ")
            if fields.count >= 2, let kb = Int(fields[1]) { return kb * 1024 }
        }
        return nil
    }
}
