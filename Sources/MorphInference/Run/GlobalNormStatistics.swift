import Foundation
import MorphImage
import MorphModels
import MorphNN
import MorphTensor

/// A normalization layer whose statistics tiled inference can observe and replace.
protocol StatisticsHookable: AnyObject {
    var fixedStatistics: NormStatistics? { get set }
    var statisticsObserver: ((Tensor) throws -> Void)? { get set }
    var usesInputStatistics: Bool { get }
}

extension InstanceNorm2d: StatisticsHookable {}
extension BatchNorm2d: StatisticsHookable {}

/// A model whose forward pass is a list of layers applied in turn (after an input check), so a gathering
/// pass can resume a tile at a layer boundary instead of recomputing the prefix.
protocol ResumableLayers {
    var resumableLayers: [Module] { get }
}

extension ResnetGenerator: ResumableLayers {
    var resumableLayers: [Module] { model.layers }
}

/// Finding the layers whose output depends on statistics of the whole input.
enum NormHooks {
    /// InstanceNorm layers, and BatchNorm layers in training mode.
    static func layers(of model: Module) -> [StatisticsHookable] {
        model.namedModules().compactMap { $0.1 as? StatisticsHookable }.filter(\.usesInputStatistics)
    }
}

/// Tiled inference for networks with InstanceNorm (or train-mode BatchNorm) that normalises every tile with
/// the statistics of the whole image, so the tiled output matches the whole-image output.
///
/// A layer's whole-image statistics are exact once every earlier norm layer uses exact statistics. So the
/// layers are settled one at a time, in the order the forward pass reaches them: pass k runs every tile up to
/// the k-th norm layer (earlier ones normalised with their settled statistics) and stops there, summing that
/// layer's per-channel moments over the part of the tile the tile *owns*. The owned parts partition the image
/// (boundaries halfway through each overlap, on the model's stride grid) and are mapped to the layer's
/// resolution, so each input pixel counts exactly once. A last pass runs the tiles with all statistics fixed
/// and blends them. Each pass costs the network prefix up to its layer (about half a forward pass per norm
/// layer), unless the model is `ResumableLayers`: then each tile keeps the input of the layer where its last
/// pass stopped (within `cacheBytes`) and resumes there, so all gathering passes together cost about two
/// forward passes. With `passes` below the layer count, the last gathering pass records all the remaining
/// layers at once (approximate: they see tile-local normalization before them).
enum GlobalNormStatistics {
    /// Per-layer running sums.
    final class Moments {
        var sum: [Double] = [], squares: [Double] = []
        var count = 0

        func statistics() -> NormStatistics {
            NormStatistics(moments: (sum: sum, sumSquares: squares, count: count))
        }
    }

    /// Where the current tile sits and which part of it it owns, in input pixels of the padded image.
    struct TileContext {
        var top = 0, left = 0, height = 1, width = 1
        var ownedRows = 0..<1, ownedColumns = 0..<1
    }

    /// Thrown by an observer to end a gathering forward pass early.
    struct StopForward: Error {}

    /// Runs `model` over `x` tiled by `tiler`, with whole-image statistics in `layers`.
    /// `passes` nil settles every layer exactly.
    /// `onTile` is called after every tile of every pass (progress).
    static func run(_ x: Tensor, model: Module, layers: [StatisticsHookable], tiler: Tiler,
                    passes: Int? = nil, cacheBytes: Int = 1 << 30, onTile: () -> Void = {}) throws -> Tensor {
        let dropouts = DropoutReplay(model)
        defer {
            for layer in layers {
                layer.fixedStatistics = nil
                layer.statisticsObserver = nil
            }
            dropouts.restore()
        }
        let statistics = try gather(x, model: model, layers: layers, tiler: tiler, passes: passes, dropouts: dropouts,
                                    cacheBytes: cacheBytes, onTile: onTile)
        for (index, layer) in layers.enumerated() {
            layer.statisticsObserver = nil
            layer.fixedStatistics = statistics[index]
        }
        var tileIndex = 0
        return try tiler.run(x) { tile in
            dropouts.prepare(tile: tileIndex)
            tileIndex += 1
            defer { onTile() }
            return try model(tile)
        }
    }

    /// The whole-image statistics of every layer in `layers` (same order), gathered over the tiles.
    /// Leaves the layers' hooks set; `run` resets them.
    static func gather(_ x: Tensor, model: Module, layers: [StatisticsHookable], tiler: Tiler,
                       passes: Int? = nil, dropouts: DropoutReplay? = nil,
                       cacheBytes: Int = 1 << 30, onTile: () -> Void = {}) throws -> [NormStatistics] {
        let h = x.shape[2], w = x.shape[3]
        let rows = tiler.spans(length: h), columns = tiler.spans(length: w)
        let ownedRows = owned(rows, length: h, alignment: tiler.alignment)
        let ownedColumns = owned(columns, length: w, alignment: tiler.alignment)
        var context = TileContext()
        var settled = [NormStatistics?](repeating: nil, count: layers.count)
        let passCount = min(max(passes ?? layers.count, 1), layers.count)
        // Per tile: the layer to resume at and its input (ResumableLayers models only).
        var stages = (model as? ResumableLayers)?.resumableLayers
        var resume = [(layer: Int, input: Tensor)?](repeating: nil, count: rows.count * columns.count)
        var cached = 0
        for pass in 0..<passCount {
            let last = pass == passCount - 1
            let moments = layers.map { _ in Moments() }
            // The next layer the forward pass reaches among the unsettled ones, found on the first tile.
            var next: Int?
            for (index, layer) in layers.enumerated() {
                layer.fixedStatistics = settled[index]
                guard settled[index] == nil else {
                    layer.statisticsObserver = nil
                    continue
                }
                let acc = moments[index]
                layer.statisticsObserver = { t in
                    if next == nil { next = index }
                    if last {
                        try accumulate(t, context: context, into: acc)
                    } else {
                        if index == next { try accumulate(t, context: context, into: acc) }
                        throw StopForward()
                    }
                }
            }
            var tileIndex = 0
            for (r, rowSpan) in rows.enumerated() {
                let strip = rowSpan.length == h ? x : try x.slice(dim: 2, rowSpan.start..<rowSpan.end)
                for (c, columnSpan) in columns.enumerated() {
                    let tile = columnSpan.length == w ? strip : try strip.slice(dim: 3, columnSpan.start..<columnSpan.end)
                    context = TileContext(top: rowSpan.start, left: columnSpan.start, height: rowSpan.length,
                                          width: columnSpan.length, ownedRows: ownedRows[r],
                                          ownedColumns: ownedColumns[c])
                    dropouts?.prepare(tile: tileIndex)
                    defer {
                        tileIndex += 1
                        onTile()
                    }
                    guard let list = stages else {
                        do { _ = try model(tile) } catch is StopForward {}
                        continue
                    }
                    var (i, t) = resume[tileIndex] ?? (0, tile)
                    if let old = resume[tileIndex] { cached -= old.input.count * 4 }
                    resume[tileIndex] = nil
                    while i < list.count {
                        do {
                            t = try list[i](t)
                            i += 1
                        } catch is StopForward {
                            resume[tileIndex] = (i, t)
                            cached += t.count * 4
                            break
                        }
                    }
                    if cached > cacheBytes {  // over budget: recompute prefixes from here on
                        stages = nil
                        resume = resume.map { _ in nil }
                        cached = 0
                    }
                }
            }
            if last {
                for index in layers.indices where settled[index] == nil { settled[index] = moments[index].statistics() }
            } else if let next {
                settled[next] = moments[next].statistics()
            } else {
                break  // no unsettled layer is reached by the forward pass
            }
        }
        // A layer the forward pass never reached keeps empty statistics; it is never used.
        return settled.map { $0 ?? NormStatistics(mean: [], variance: []) }
    }

    /// One region per span, partitioning 0..<length: boundaries halfway through each overlap, on the alignment grid.
    static func owned(_ spans: [TileSpan], length: Int, alignment: Int) -> [Range<Int>] {
        guard spans.count > 1 else { return [0..<length] }
        var bounds = [0]
        for (a, b) in zip(spans, spans.dropFirst()) {
            let middle = (a.end + b.start) / 2
            let aligned = min(max(middle / alignment * alignment, bounds.last ?? 0), length)
            bounds.append(aligned)
        }
        bounds.append(length)
        return zip(bounds, bounds.dropFirst()).map { $0..<$1 }
    }

    /// Adds the per-channel moments of `t` [1, C, hl, wl] over the owned region mapped to its resolution.
    static func accumulate(_ t: Tensor, context: TileContext, into acc: Moments) throws {
        guard t.rank == 4, t.shape[0] == 1 else {
            throw PipelineError.usage("global norm statistics need a batch of one, got \(t.shape)")
        }
        let c = t.shape[1], hl = t.shape[2], wl = t.shape[3]
        if acc.sum.isEmpty {
            acc.sum = [Double](repeating: 0, count: c)
            acc.squares = acc.sum
        }
        guard acc.sum.count == c else { throw PipelineError.usage("norm layer channels changed between tiles") }
        let fy = Double(hl) / Double(context.height), fx = Double(wl) / Double(context.width)
        func map(_ r: Range<Int>, origin: Int, factor: Double, limit: Int) -> Range<Int> {
            let base = Int((Double(origin) * factor).rounded())
            let lo = Int((Double(r.lowerBound) * factor).rounded()) - base
            let hi = Int((Double(r.upperBound) * factor).rounded()) - base
            let a = min(max(lo, 0), limit), b = min(max(hi, a), limit)
            return a..<b
        }
        let rows = map(context.ownedRows, origin: context.top, factor: fy, limit: hl)
        let cols = map(context.ownedColumns, origin: context.left, factor: fx, limit: wl)
        let data = t.data
        for ch in 0..<c {
            var s = 0.0, q = 0.0
            for y in rows {
                let row = data + (ch * hl + y) * wl
                for x in cols { let v = Double(row[x]); s += v; q += v * v }
            }
            acc.sum[ch] += s
            acc.squares[ch] += q
        }
        acc.count += rows.count * cols.count
    }
}

/// Gives every tile the same dropout masks in every pass (gathering and final), derived from the generators'
/// state when tiling started; restores that state at the end so the next image starts alike.
final class DropoutReplay {
    private let layers: [Dropout]
    private let saved: [SeededRNG]

    init(_ model: Module) {
        layers = model.namedModules().compactMap { $0.1 as? Dropout }
        saved = layers.map(\.rng)
    }

    /// Seeds each dropout layer for tile number `tile`.
    func prepare(tile: Int) {
        for (layer, start) in zip(layers, saved) {
            var r = start
            for _ in 0...tile { _ = r.next() }
            layer.rng = SeededRNG(seed: r.next())
        }
    }

    /// Puts the generators back.
    func restore() {
        for (layer, start) in zip(layers, saved) { layer.rng = start }
    }
}
