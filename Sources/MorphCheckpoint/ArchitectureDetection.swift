import Foundation

/// Recognises an architecture from state-dict keys and shapes alone (after `KeyRemap.normalize`), and names it as
/// the registry does: pytorch-CycleGAN-and-pix2pix's ResnetGenerator (`resnet_9blocks` with its `n_blocks`),
/// UnetGenerator (`unet_256` with its `num_downs`), NLayer (`n_layers`) and Pixel discriminators, BasicSR's RRDBNet,
/// SRVGGNetCompact and MSRResNet (`srresnet`) with their factor as the registry's `scale` / `upscale` option, and LaMa.
public enum ArchitectureDetection {
    /// The architectures `detect` recognises, for error messages.
    static let known = "resnet (model.K.conv_block.*), unet (model.model.*), rrdbnet (conv_first + body.N.rdb1.*), "
        + "srvgg (body.N only), srresnet (conv_first + body.N.conv1), nlayer (model.N convs 4×4), pixel (net.N convs 1×1), "
        + "lama (model.1.ffc.convl2l + model.K.conv1.ffc.*)"

    /// Detects the architecture of a state dict given as key → shape.
    /// - Throws: `CheckpointError.unknownArchitecture` saying what was found and what was expected.
    public static func detect(shapes: [String: [Int]]) throws -> ArchitectureConfiguration {
        let keys = shapes.keys
        func has(_ k: String) -> Bool { shapes[k] != nil }
        if has(lamaMarker) { return try lama(shapes) }
        if keys.contains(where: { $0.hasPrefix("model.model.") }) { return try unet(shapes) }
        if keys.contains(where: { $0.contains(".conv_block.") && $0.hasPrefix("model.") }) { return try resnet(shapes) }
        if has("conv_first.weight") && keys.contains(where: { $0.hasPrefix("body.") && $0.contains(".rdb1.") }) {
            return try rrdbnet(shapes)
        }
        if has("conv_first.weight") && keys.contains(where: { $0.hasPrefix("body.") && $0.hasSuffix(".conv1.weight") }) {
            return try srresnet(shapes)
        }
        if keys.allSatisfy({ $0.hasPrefix("body.") }) && has("body.0.weight") { return try srvgg(shapes) }
        if keys.allSatisfy({ $0.hasPrefix("net.") }) && has("net.0.weight") { return try pixel(shapes) }
        if keys.allSatisfy({ $0.hasPrefix("model.") }), let w = shapes["model.0.weight"], w.count == 4, w[2] == 4 {
            return try nlayer(shapes)
        }
        let sample = keys.sorted().prefix(6).joined(separator: ", ")
        throw CheckpointError.unknownArchitecture(found: "\(shapes.count) keys such as \(sample)", expected: known)
    }

    // MARK: Helpers

    static func fail(_ arch: String, _ found: String, _ expected: String) -> CheckpointError {
        .unknownArchitecture(found: "\(arch) keys with \(found)", expected: expected)
    }

    /// The shape of a 4-D conv weight, or an error naming the key.
    static func conv(_ shapes: [String: [Int]], _ key: String, _ arch: String) throws -> [Int] {
        guard let s = shapes[key] else { throw fail(arch, "no \(key)", "a conv weight \(key)") }
        // Every dimension at least 1: detection divides by channel counts, and a zero-size tensor holds no bytes.
        guard s.count == 4, s.allSatisfy({ $0 >= 1 }) else {
            throw fail(arch, "\(key) of shape \(s)", "a 4-D conv weight with no empty dimension")
        }
        return s
    }

    /// The distinct integer indices N in keys `<prefix>N.<rest>`, sorted.
    static func indices(_ shapes: [String: [Int]], prefix: String, containing: String = "") -> [Int] {
        var out = Set<Int>()
        for key in shapes.keys where key.hasPrefix(prefix) && (containing.isEmpty || key.contains(containing)) {
            let rest = key.dropFirst(prefix.count)
            if let n = Int(rest.prefix { $0 != "." }) { out.insert(n) }
        }
        return out.sorted()
    }

    /// CycleGAN-style norm from a conv `prefix` and the norm layer after it:
    /// `instance` (bias, no norm params), `instance-affine` (bias and norm weight),
    /// `batch` (running_mean, no bias), `none` (neither).
    static func norm(_ shapes: [String: [Int]], conv: String, norm: String) -> String {
        let bias = shapes[conv + ".bias"] != nil
        if bias { return shapes[norm + ".weight"] != nil ? "instance-affine" : "instance" }
        if shapes[norm + ".running_mean"] != nil || shapes[norm + ".weight"] != nil { return "batch" }
        return "none"
    }

    // MARK: pytorch-CycleGAN-and-pix2pix

    static func resnet(_ shapes: [String: [Int]]) throws -> ArchitectureConfiguration {
        let first = try conv(shapes, "model.1.weight", "resnet")
        guard first[2] == 7 else { throw fail("resnet", "model.1.weight of shape \(first)", "a 7×7 first conv") }
        let blocks = indices(shapes, prefix: "model.", containing: ".conv_block.")
        guard let firstBlock = blocks.first, firstBlock == 10, blocks == Array(10..<(10 + blocks.count)) else {
            throw fail("resnet", "blocks at model.\(blocks)", "consecutive ResnetBlocks from model.10")
        }
        let dropout = shapes["model.10.conv_block.6.weight"]?.count == 4
        let lastIndex = 10 + blocks.count + 6 + 1  // two upsampling stages of 3 layers, then the padding
        let last = try conv(shapes, "model.\(lastIndex).weight", "resnet")
        return ArchitectureConfiguration(name: "resnet_9blocks", options: [
            "n_blocks": .int(blocks.count), "ngf": .int(first[0]), "input_nc": .int(first[1]),
            "output_nc": .int(last[0]), "norm": .string(norm(shapes, conv: "model.1", norm: "model.2")),
            "use_dropout": .bool(dropout),
        ])
    }

    static func unet(_ shapes: [String: [Int]]) throws -> ArchitectureConfiguration {
        let outer = try conv(shapes, "model.model.0.weight", "unet")
        let up = try conv(shapes, "model.model.3.weight", "unet")
        var downs = 1
        var prefix = "model.model.1.model"
        var firstInner: String?
        while shapes[prefix + ".1.weight"] != nil {
            downs += 1
            if firstInner == nil { firstInner = prefix }
            prefix += ".3.model"
            guard downs <= 16 else { break }
        }
        guard downs >= 5, let inner = firstInner else {
            throw fail("unet", "\(downs) down-sampling levels", "at least 5 nested UnetSkipConnectionBlocks")
        }
        return ArchitectureConfiguration(name: "unet_256", options: [
            "num_downs": .int(downs), "ngf": .int(outer[0]), "input_nc": .int(outer[1]), "output_nc": .int(up[1]),
            "norm": .string(norm(shapes, conv: inner + ".1", norm: inner + ".2")),
        ])
    }

    static func nlayer(_ shapes: [String: [Int]]) throws -> ArchitectureConfiguration {
        let first = try conv(shapes, "model.0.weight", "nlayer")
        let convs = indices(shapes, prefix: "model.").filter { shapes["model.\($0).weight"]?.count == 4 }
        guard convs.count >= 3, let lastIndex = convs.last, let last = shapes["model.\(lastIndex).weight"], last[0] == 1,
              convs.count > 1 else {
            throw fail("nlayer", "convs at model.\(convs)", "PatchGAN convs ending in one output channel")
        }
        let second = "model.\(convs[1])"
        return ArchitectureConfiguration(name: "n_layers", options: [
            "n_layers": .int(convs.count - 2), "ndf": .int(first[0]), "input_nc": .int(first[1]),
            "norm": .string(norm(shapes, conv: second, norm: "model.\(convs[1] + 1)")),
        ])
    }

    static func pixel(_ shapes: [String: [Int]]) throws -> ArchitectureConfiguration {
        let first = try conv(shapes, "net.0.weight", "pixel")
        _ = try conv(shapes, "net.2.weight", "pixel")
        return ArchitectureConfiguration(name: "pixel", options: [
            "ndf": .int(first[0]), "input_nc": .int(first[1]),
            "norm": .string(norm(shapes, conv: "net.2", norm: "net.3")),
        ])
    }

    // MARK: BasicSR

    /// The number of BasicSR blocks `body.0`, `body.1`, … (`what` they are, for the error when they are not consecutive).
    static func bodyBlocks(_ shapes: [String: [Int]], _ arch: String, _ what: String) throws -> Int {
        let blocks = indices(shapes, prefix: "body.")
        guard blocks == Array(0..<blocks.count) else {
            throw fail(arch, "blocks body.\(blocks)", "consecutive \(what) from body.0")
        }
        return blocks.count
    }

    static func rrdbnet(_ shapes: [String: [Int]]) throws -> ArchitectureConfiguration {
        let first = try conv(shapes, "conv_first.weight", "rrdbnet")
        let last = try conv(shapes, "conv_last.weight", "rrdbnet")
        let grow = try conv(shapes, "body.0.rdb1.conv1.weight", "rrdbnet")
        let blocks = try bodyBlocks(shapes, "rrdbnet", "RRDB blocks")
        let outChannels = last[0]
        let ratio = first[1] / max(outChannels, 1)
        let scale: Int
        switch (ratio, first[1] % max(outChannels, 1)) {
        case (1, 0): scale = 4
        case (4, 0): scale = 2
        case (16, 0): scale = 1
        default:
            throw fail("rrdbnet", "conv_first in-channels \(first[1]) for \(outChannels) output channels",
                       "in-channels of 1×, 4× or 16× the output channels (×4, ×2, ×1)")
        }
        _ = try conv(shapes, "conv_up2.weight", "rrdbnet")
        return ArchitectureConfiguration(name: "rrdbnet", options: [
            "num_block": .int(blocks), "num_feat": .int(first[0]), "num_grow_ch": .int(grow[0]),
            "num_in_ch": .int(outChannels), "num_out_ch": .int(outChannels), "scale": .int(scale),
        ])
    }

    static func srvgg(_ shapes: [String: [Int]]) throws -> ArchitectureConfiguration {
        let first = try conv(shapes, "body.0.weight", "srvgg")
        let convs = indices(shapes, prefix: "body.").filter { shapes["body.\($0).weight"]?.count == 4 }
        guard convs.count >= 2, convs == stride(from: 0, to: 2 * convs.count, by: 2).map({ $0 }),
              let lastIndex = convs.last else {
            throw fail("srvgg", "convs at body.\(convs)", "convs at even body indices with activations between")
        }
        // Checked like the first: a negative output count made the square root below NaN, and Int(NaN) traps.
        let last = try conv(shapes, "body.\(lastIndex).weight", "srvgg")
        guard shapes["body.1.weight"] != nil else {
            throw fail("srvgg", "no PReLU weights (body.1.weight)", "act_type prelu (relu/leakyrelu cannot be told apart)")
        }
        let inChannels = first[1]
        let squared = last[0] / inChannels
        let s = Int(Double(squared).squareRoot().rounded())
        guard last[0] % inChannels == 0, s * s == squared, s >= 1 else {
            throw fail("srvgg", "last conv body.\(lastIndex) with \(last[0]) outputs", "3·scale² outputs")
        }
        return ArchitectureConfiguration(name: "srvgg", options: [
            "num_conv": .int(convs.count - 2), "num_feat": .int(first[0]), "num_in_ch": .int(inChannels),
            "num_out_ch": .int(inChannels), "act_type": .string("prelu"), "upscale": .int(s),
        ])
    }

    static func srresnet(_ shapes: [String: [Int]]) throws -> ArchitectureConfiguration {
        let first = try conv(shapes, "conv_first.weight", "srresnet")
        let last = try conv(shapes, "conv_last.weight", "srresnet")
        let up1 = try conv(shapes, "upconv1.weight", "srresnet")
        let blocks = try bodyBlocks(shapes, "srresnet", "residual blocks")
        let feat = first[0]
        let scale: Int
        if shapes["upconv2.weight"] != nil {
            scale = 4
        } else if up1[0] == feat * 4 {
            scale = 2
        } else if up1[0] == feat * 9 {
            scale = 3
        } else {
            throw fail("srresnet", "upconv1 with \(up1[0]) outputs for \(feat) features", "4× (×2) or 9× (×3) the features, or upconv2 (×4)")
        }
        return ArchitectureConfiguration(name: "srresnet", options: [
            "num_block": .int(blocks), "num_feat": .int(feat), "num_in_ch": .int(first[1]),
            "num_out_ch": .int(last[0]), "upscale": .int(scale),
        ])
    }
}
