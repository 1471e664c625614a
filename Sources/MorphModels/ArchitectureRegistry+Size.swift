import MorphCheckpoint

/// Parameter counts computed from an architecture's options alone, without building anything, so a loader can
/// refuse a configuration (from a file's `morph.*` metadata or from `--arch/--option`) whose weights would not
/// fit its memory budget before allocating them. Each formula mirrors its model's constructor; a test builds
/// every registered architecture and compares, so they cannot drift apart. Arithmetic saturates at `Int.max`.
extension ArchitectureRegistry {
    /// The number of learnable parameters `build(name, options:)` would allocate (buffers such as running
    /// statistics and spectral-norm vectors are not counted: they are at most a few per output channel).
    /// - Throws: `ModelError` for an unknown name, unknown option or bad value, as `build` does.
    public static func parameterCount(_ configuration: ArchitectureConfiguration) throws -> Int {
        let (_, o) = try parse(configuration)
        let name = configuration.name
        var n = SizeTally()
        switch name {
        case "resnet_9blocks", "resnet_6blocks":
            let (i, out, g, norm) = (try o.int("input_nc"), try o.int("output_nc"), try o.int("ngf"),
                                     try o.choice("norm", as: NormKind.self))
            let bias = norm.convBias
            n.conv(i, g, 7, bias: bias); n.norm(norm, g)
            n.conv(g, 2 * g, 3, bias: bias); n.norm(norm, 2 * g)
            n.conv(2 * g, 4 * g, 3, bias: bias); n.norm(norm, 4 * g)
            n.repeatTally(try o.int("n_blocks")) { b in
                b.conv(4 * g, 4 * g, 3, bias: bias); b.norm(norm, 4 * g)
                b.conv(4 * g, 4 * g, 3, bias: bias); b.norm(norm, 4 * g)
            }
            n.conv(4 * g, 2 * g, 3, bias: bias); n.norm(norm, 2 * g)
            n.conv(2 * g, g, 3, bias: bias); n.norm(norm, g)
            n.conv(g, out, 7, bias: true)
        case "unet_256", "unet_128":
            let (i, out, g, norm) = (try o.int("input_nc"), try o.int("output_nc"), try o.int("ngf"),
                                     try o.choice("norm", as: NormKind.self))
            let bias = norm.convBias
            func middle(_ outer: Int, _ inner: Int) {
                n.conv(outer, inner, 4, bias: bias); n.norm(norm, inner)
                n.conv(inner * 2, outer, 4, bias: bias); n.norm(norm, outer)
            }
            n.conv(8 * g, 8 * g, 4, bias: bias); n.conv(8 * g, 8 * g, 4, bias: bias); n.norm(norm, 8 * g)  // innermost
            for _ in 0..<max(0, try o.int("num_downs") - 5) { middle(8 * g, 8 * g) }
            middle(4 * g, 8 * g); middle(2 * g, 4 * g); middle(g, 2 * g)
            n.conv(i, g, 4, bias: bias); n.conv(2 * g, out, 4, bias: true)  // outermost
        case "basic", "n_layers":
            let (i, d, norm) = (try o.int("input_nc"), try o.int("ndf"), try o.choice("norm", as: NormKind.self))
            let layers = name == "basic" ? 3 : try o.int("n_layers")
            n.conv(i, d, 4, bias: true)
            var mult = 1
            for k in 1..<max(1, layers) {
                let prev = mult
                mult = min(1 << k, 8)
                n.conv(d * prev, d * mult, 4, bias: norm.convBias); n.norm(norm, d * mult)
            }
            let prev = mult
            mult = min(1 << layers, 8)
            n.conv(d * prev, d * mult, 4, bias: norm.convBias); n.norm(norm, d * mult)
            n.conv(d * mult, 1, 4, bias: true)
        case "pixel":
            let (i, d, norm) = (try o.int("input_nc"), try o.int("ndf"), try o.choice("norm", as: NormKind.self))
            n.conv(i, d, 1, bias: true)
            n.conv(d, 2 * d, 1, bias: norm.convBias); n.norm(norm, 2 * d)
            n.conv(2 * d, 1, 1, bias: norm.convBias)
        case "srresnet":
            let (i, out, f, up) = (try o.int("num_in_ch"), try o.int("num_out_ch"), try o.int("num_feat"),
                                   try o.int("upscale"))
            n.conv(i, f, 3, bias: true)
            n.repeatTally(try o.int("num_block")) { b in b.conv(f, f, 3, bias: true); b.conv(f, f, 3, bias: true) }
            if up == 4 { n.conv(f, 4 * f, 3, bias: true); n.conv(f, 4 * f, 3, bias: true) } else {
                n.conv(f, f * up * up, 3, bias: true)
            }
            n.conv(f, f, 3, bias: true); n.conv(f, out, 3, bias: true)
        case "rrdbnet":
            let (i, out, f, g) = (try o.int("num_in_ch"), try o.int("num_out_ch"), try o.int("num_feat"),
                                  try o.int("num_grow_ch"))
            let unshuffle = 4 / max(1, try o.int("scale"))
            n.conv(i * unshuffle * unshuffle, f, 3, bias: true)
            n.repeatTally(try o.int("num_block")) { b in
                for _ in 0..<3 {
                    for k in 0..<4 { b.conv(f + k * g, g, 3, bias: true) }
                    b.conv(f + 4 * g, f, 3, bias: true)
                }
            }
            for _ in 0..<4 { n.conv(f, f, 3, bias: true) }
            n.conv(f, out, 3, bias: true)
        case "srvgg":
            let (i, out, f, up) = (try o.int("num_in_ch"), try o.int("num_out_ch"), try o.int("num_feat"),
                                   try o.int("upscale"))
            let prelu = try o.choice("act_type", as: CompactActivation.self) == .prelu
            n.conv(i, f, 3, bias: true); if prelu { n.add(f) }
            n.repeatTally(try o.int("num_conv")) { b in b.conv(f, f, 3, bias: true); if prelu { b.add(f) } }
            n.conv(f, out * up * up, 3, bias: true)
        case "unet_discriminator_sn":
            let (i, f) = (try o.int("num_in_ch"), try o.int("num_feat"))
            n.conv(i, f, 3, bias: true)
            for (cin, cout) in [(f, 2 * f), (2 * f, 4 * f), (4 * f, 8 * f)] { n.conv(cin, cout, 4, bias: false) }
            for (cin, cout) in [(8 * f, 4 * f), (4 * f, 2 * f), (2 * f, f), (f, f), (f, f)] { n.conv(cin, cout, 3, bias: false) }
            n.conv(f, 1, 3, bias: true)
        case "vgg_discriminator":
            let (i, f) = (try o.int("num_in_ch"), try o.int("num_feat"))
            n.conv(i, f, 3, bias: true); n.conv(f, f, 4, bias: false); n.add(2 * f)
            var stages = [(f, 2 * f), (2 * f, 4 * f), (4 * f, 8 * f), (8 * f, 8 * f)]
            if try o.int("input_size") == 256 { stages.append((8 * f, 8 * f)) }
            for (cin, cout) in stages {
                n.conv(cin, cout, 3, bias: false); n.add(2 * cout)
                n.conv(cout, cout, 4, bias: false); n.add(2 * cout)
            }
            n.linear(8 * f * 16, 100); n.linear(100, 1)
        case "gated_inpaint":
            let c = try o.int("cnum")
            let gated: [(Int, Int, Int)] = [(4, c, 5), (c, 2 * c, 3), (2 * c, 2 * c, 3), (2 * c, 4 * c, 3)]
                + Array(repeating: (4 * c, 4 * c, 3), count: 8)
                + [(4 * c, 2 * c, 3), (2 * c, 2 * c, 3), (2 * c, c, 3), (c, c / 2, 3)]
            for (cin, cout, k) in gated { n.conv(cin, 2 * cout, k, bias: true) }
            n.conv(c / 2, 3, 3, bias: true)
        case "sn_patch":
            var cin = try o.int("num_in_ch")
            let f = try o.int("num_feat")
            for k in 0..<(try o.int("num_layers")) {
                let cout = f * min(1 << k, 4)
                n.conv(cin, cout, 5, bias: true)
                cin = cout
            }
        case "lama":
            n.add(try lamaParameterCount(o, inputNC: try o.int("input_nc"), outputNC: try o.int("output_nc")))
        case "ffc_inpaint":
            n.add(try lamaParameterCount(o, inputNC: 4, outputNC: 3))
        default:
            throw ModelError.invalidConfiguration(architecture: name, "no parameter-count formula for this architecture")
        }
        return n.total
    }

    /// `parameterCount(_:)` of architecture `name` with options given as text.
    /// - Throws: as `parameterCount(_:)`.
    public static func parameterCount(_ name: String, options: [String: String] = [:]) throws -> Int {
        try parameterCount(ArchitectureConfiguration(name: name, parsing: options))
    }

    private static func lamaParameterCount(_ o: ArchitectureOptions, inputNC: Int, outputNC: Int) throws -> Int {
        let (ngf, downs) = (try o.int("ngf"), try o.int("n_downsampling"))
        let ratio = Double(o.all["ratio"] ?? "") ?? 0.75
        let lfu = try o.bool("enable_lfu")
        func channels(_ level: Int) -> Int { min(1024, ngf << level) }  // ngf ≤ 4096, level ≤ 8: no overflow
        var n = SizeTally()
        func ffc(_ cin: Int, _ cout: Int, _ k: Int, _ rin: Double, _ rout: Double, lfu: Bool) {
            let (inG, outG) = (Int(Double(cin) * rin), Int(Double(cout) * rout))
            let (inL, outL) = (cin - inG, cout - outG)
            for (i, out) in [(inL, outL), (inL, outG), (inG, outL)] where i > 0 && out > 0 { n.conv(i, out, k, bias: false) }
            if inG > 0 && outG > 0 {
                let half = outG / 2
                n.conv(inG, half, 1, bias: false); n.add(2 * half)
                for _ in 0..<(lfu ? 2 : 1) { n.conv(2 * half, 2 * half, 1, bias: false); n.add(4 * half) }
                n.conv(half, outG, 1, bias: false)
            }
            if rout != 1 { n.add(2 * outL) }
            if rout != 0 { n.add(2 * outG) }
        }
        ffc(inputNC, ngf, 7, 0, 0, lfu: false)
        for i in 0..<downs { ffc(channels(i), channels(i + 1), 3, 0, i == downs - 1 ? ratio : 0, lfu: false) }
        let dim = channels(downs)
        for _ in 0..<(try o.int("n_blocks")) { for _ in 0..<2 { ffc(dim, dim, 3, ratio, ratio, lfu: lfu) } }
        for i in 0..<downs {
            let level = downs - i
            let outC = min(1024, (ngf << level) / 2)
            n.conv(channels(level), outC, 3, bias: true); n.add(2 * outC)
        }
        n.conv(ngf, outputNC, 7, bias: true)
        return n.total
    }
}

/// A running parameter total whose arithmetic saturates at `Int.max` instead of overflowing.
private struct SizeTally {
    private(set) var total = 0

    mutating func add(_ count: Int) {
        let (sum, overflow) = total.addingReportingOverflow(max(0, count))
        total = overflow ? Int.max : sum
    }

    /// A (transposed) convolution: `cin·cout·k²` weights plus `cout` biases when `bias`.
    mutating func conv(_ cin: Int, _ cout: Int, _ k: Int, bias: Bool) {
        add(cin.multipliedFullWidthSaturated(cout).multipliedFullWidthSaturated(k * k))
        if bias { add(cout) }
    }

    mutating func linear(_ inputs: Int, _ outputs: Int) {
        add(inputs.multipliedFullWidthSaturated(outputs)); add(outputs)
    }

    /// A normalisation layer's learnable parameters: batch norm has a scale and a shift per channel.
    mutating func norm(_ kind: NormKind, _ channels: Int) {
        if kind == .batch { add(2 * channels) }
    }

    /// `count` copies of what `body` tallies.
    mutating func repeatTally(_ count: Int, _ body: (inout SizeTally) -> Void) {
        var one = SizeTally()
        body(&one)
        add(one.total.multipliedFullWidthSaturated(max(0, count)))
    }
}

private extension Int {
    /// `self × other`, or `Int.max` when that overflows (both non-negative here).
    func multipliedFullWidthSaturated(_ other: Int) -> Int {
        let (product, overflow) = multipliedReportingOverflow(by: other)
        return overflow || product < 0 ? Int.max : product
    }
}
