import Foundation

/// Every rename Morph applies to foreign checkpoints lives here: `module.` prefixes
/// (DataParallel), the original ESRGAN release's names, and stale InstanceNorm statistics.
public enum KeyRemap {
    /// Applies the renames that never need the target model: strips `module.` prefixes,
    /// then maps either original ESRGAN naming to BasicSR's RRDBNet names.
    public static func normalize<T>(_ entries: [(String, T)]) -> [(String, T)] {
        var out = selectLamaGenerator(stripModulePrefix(unwrapEMA(entries)))
        let keys = out.map(\.0)
        if isOldArchESRGAN(keys) {
            out = out.map { (oldArchESRGANName($0.0), $0.1) }
        } else if isTrunkESRGAN(keys) {
            out = out.map { (trunkESRGANName($0.0), $0.1) }
        }
        return out
    }

    /// Picks the `params_ema.` half (else the `params.` half) of a flat file whose every key has one of the two
    /// prefixes — the safetensors form of Real-ESRGAN's `{'params': …, 'params_ema': …}` that `morph train sr` writes.
    public static func unwrapEMA<T>(_ entries: [(String, T)]) -> [(String, T)] {
        let prefixes = ["params_ema.", "params."]
        guard !entries.isEmpty, entries.allSatisfy({ e in prefixes.contains { e.0.hasPrefix($0) } }) else { return entries }
        for prefix in prefixes {
            let part = entries.filter { $0.0.hasPrefix(prefix) }
            if !part.isEmpty { return part.map { (String($0.0.dropFirst(prefix.count)), $0.1) } }
        }
        return entries
    }

    /// Removes one leading `module.` from every key when all keys have it (nn.DataParallel checkpoints).
    public static func stripModulePrefix<T>(_ entries: [(String, T)]) -> [(String, T)] {
        let prefix = "module."
        guard !entries.isEmpty, entries.allSatisfy({ $0.0.hasPrefix(prefix) }) else { return entries }
        return entries.map { (String($0.0.dropFirst(prefix.count)), $0.1) }
    }

    // MARK: ESRGAN, xinntao/ESRGAN RRDBNet_arch.py names

    /// True when keys use the `RRDB_trunk` / `trunk_conv` names of the ESRGAN repository.
    public static func isTrunkESRGAN(_ keys: [String]) -> Bool {
        keys.contains { $0.hasPrefix("RRDB_trunk.") || $0.hasPrefix("trunk_conv.") }
    }

    /// `RRDB_trunk.N.RDBk.convj[.0].weight` → `body.N.rdbk.convj.weight`; `trunk_conv` → `conv_body`;
    /// `upconv1/2` → `conv_up1/2`; `HRconv` → `conv_hr`; `conv_first` and `conv_last` keep their names.
    static func trunkESRGANName(_ key: String) -> String {
        var parts = key.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard let head = parts.first else { return key }
        switch head {
        case "RRDB_trunk":
            parts[0] = "body"
            if parts.count > 2, parts[2].hasPrefix("RDB") { parts[2] = "rdb" + parts[2].dropFirst(3) }
            if parts.count == 6, parts[4] == "0" { parts.remove(at: 4) }  // conv wrapped in a Sequential
        case "trunk_conv": parts[0] = "conv_body"
        case "upconv1": parts[0] = "conv_up1"
        case "upconv2": parts[0] = "conv_up2"
        case "HRconv": parts[0] = "conv_hr"
        default: break
        }
        return parts.joined(separator: ".")
    }

    // MARK: ESRGAN, the first release (`model.N` sequential names)

    /// True when keys use the first ESRGAN release's flattened `model.1.sub.N` names.
    public static func isOldArchESRGAN(_ keys: [String]) -> Bool {
        keys.contains("model.0.weight") && keys.contains { $0.hasPrefix("model.1.sub.") }
    }

    /// `model.0` → `conv_first`; `model.1.sub.N.RDBk.convj.0` → `body.N.rdbk.convj`; the last
    /// `model.1.sub.M` (no RDB) → `conv_body`; `model.3/6/8/10` → `conv_up1/conv_up2/conv_hr/conv_last` (×4 layout).
    static func oldArchESRGANName(_ key: String) -> String {
        let parts = key.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard parts.count >= 3, parts[0] == "model" else { return key }
        let leaf = parts[parts.count - 1]
        switch parts[1] {
        case "0": return "conv_first." + leaf
        case "3": return "conv_up1." + leaf
        case "6": return "conv_up2." + leaf
        case "8": return "conv_hr." + leaf
        case "10": return "conv_last." + leaf
        case "1":
            guard parts.count >= 5, parts[2] == "sub" else { return key }
            if parts.count == 5 { return "conv_body." + leaf }          // model.1.sub.M.weight
            guard parts.count >= 7, parts[4].hasPrefix("RDB") else { return key }
            return "body.\(parts[3]).rdb\(parts[4].dropFirst(3)).\(parts[5]).\(leaf)"
        default: return key
        }
    }
}
