import Foundation

extension ArchitectureDetection {
    /// The key every LaMa generator has: the first FFC's local convolution.
    static let lamaMarker = "model.1.ffc.convl2l.weight"

    /// LaMa's `FFCResNetGenerator` (`model.1.ffc.*`, FFC residual blocks `model.K.conv1.ffc.*`):
    /// ngf and input channels from the first FFC, downsamplings, blocks, the global ratio of the
    /// blocks, local Fourier units and output channels. The output activation cannot be seen in the
    /// weights; the public checkpoints use sigmoid, the registry's default.
    static func lama(_ shapes: [String: [Int]]) throws -> ArchitectureConfiguration {
        let first = try conv(shapes, lamaMarker, "lama")
        guard first[2] == 7 else { throw fail("lama", "\(lamaMarker) of shape \(first)", "a 7×7 first FFC") }
        var downs = 0
        while shapes["model.\(2 + downs).ffc.convl2l.weight"]?.count == 4 { downs += 1 }
        let blocks = indices(shapes, prefix: "model.", containing: ".conv1.ffc.")
        let firstBlock = 2 + downs
        guard downs > 0, let start = blocks.first, start == firstBlock, blocks == Array(start..<(start + blocks.count)) else {
            throw fail("lama", "\(downs) downsamplings and FFC blocks at model.\(blocks)",
                       "stride-2 FFCs from model.2, then consecutive FFCResnetBlocks")
        }
        let local = try conv(shapes, "model.\(start).conv1.ffc.convl2l.weight", "lama")
        let globalIn = shapes["model.\(start).conv1.ffc.convg2l.weight"]?[1] ?? 0
        let dim = local[1] + globalIn
        let ratio = dim > 0 ? Double(globalIn) / Double(dim) : 0
        guard let ratioText = ["0", "0.25", "0.5", "0.75"].first(where: { abs((Double($0) ?? -1) - ratio) < 1e-9 }) else {
            throw fail("lama", "a global share of \(globalIn)/\(dim) channels", "a ratio of 0, 0.25, 0.5 or 0.75")
        }
        let lfu = shapes.keys.contains { $0.hasPrefix("model.\(start).") && $0.contains(".convg2g.lfu.") }
        let lastIndex = start + blocks.count + 1 + 3 * downs + 1  // ConcatTupleLayer, 3 layers per upsampling, pad
        let last = try conv(shapes, "model.\(lastIndex).weight", "lama")
        return ArchitectureConfiguration(name: "lama", options: [
            "ngf": .int(first[0]), "input_nc": .int(first[1]), "output_nc": .int(last[0]),
            "n_downsampling": .int(downs), "n_blocks": .int(blocks.count), "ratio": .string(ratioText),
            "enable_lfu": .bool(lfu),
        ])
    }
}

extension KeyRemap {
    /// Keeps only the LaMa generator of a checkpoint that holds more: the `generator.` half of a LaMa
    /// Lightning checkpoint (dropping `discriminator.*` and loss-network keys), or the module tree of a
    /// TorchScript wrapper, with the prefix in front of `model.1.ffc.convl2l.weight` stripped. Of several prefixes
    /// (a file holding weights and, say, their gradients) the one with the most keys wins: the full state dict.
    public static func selectLamaGenerator<T>(_ entries: [(String, T)]) -> [(String, T)] {
        let marker = ArchitectureDetection.lamaMarker
        guard !entries.contains(where: { $0.0 == marker }) else { return entries }
        let prefixes = entries.filter { $0.0.hasSuffix("." + marker) }.map { String($0.0.dropLast(marker.count)) }
        var best: (prefix: String, count: Int)?
        for prefix in prefixes {
            let count = entries.reduce(0) { $0 + ($1.0.hasPrefix(prefix) ? 1 : 0) }
            if count > (best?.count ?? 0) { best = (prefix, count) }
        }
        guard let prefix = best?.prefix else { return entries }
        return entries.filter { $0.0.hasPrefix(prefix) }.map { (String($0.0.dropFirst(prefix.count)), $0.1) }
    }
}
