import Foundation

/// Finding the state dict inside an unpickled checkpoint.
public enum StateDict {
    /// Wrapper keys tried in order; the first whose value is a dict of tensors wins
    /// (`params_ema` before `params`, as Real-ESRGAN's loader prefers).
    public static let wrapperKeys = [
        "params_ema", "params", "state_dict", "model_state_dict", "model", "netG", "g_ema", "net_g", "generator",
    ]

    /// Returns the tensors of the state dict in `object`, in file order, and the wrapper key it came from
    /// (nil when the top level is itself the state dict). Wrappers may nest (`{'model': {'state_dict': ...}}`).
    /// - Throws: `CheckpointError.malformed` listing the top-level keys when no dict of tensors is found.
    public static func flatten(_ object: PickleValue, file: String) throws -> (wrapper: String?, tensors: [(String, TensorRef)]) {
        if case let .object(module) = object, TorchScriptModules.isModule(module) {
            return ("TorchScript module \(module.name)", try TorchScriptModules.tensors(module, file: file))
        }
        var current = object
        var path: [String] = []
        // A bounded loop, not recursion: each step descends one wrapper level.
        for _ in 0..<8 {
            guard let dict = current.dictValue else { break }
            if let tensors = tensorEntries(dict) {
                return (path.isEmpty ? nil : path.joined(separator: "."), tensors)
            }
            guard let key = wrapperKeys.first(where: { k in
                guard let inner = dict[k]?.dictValue else { return false }
                return tensorEntries(inner) != nil || inner.stringKeys.contains(where: wrapperKeys.contains)
            }), let inner = dict[key] else { break }
            path.append(key)
            current = inner
        }
        let keys = current.dictValue?.stringKeys.prefix(12).joined(separator: ", ") ?? current.summary
        throw CheckpointError.malformed(file: file, reason:
            "no state dict of tensors found (looked for \(wrapperKeys.joined(separator: ", ")); top level holds: \(keys)")
    }

    /// The entries of `dict` when every key is a string and every value a tensor (and there is at least one).
    static func tensorEntries(_ dict: PickleDict) -> [(String, TensorRef)]? {
        guard !dict.entries.isEmpty else { return nil }
        var out: [(String, TensorRef)] = []
        out.reserveCapacity(dict.entries.count)
        for (key, value) in dict.entries {
            guard let name = key.stringValue, let ref = value.tensorValue else { return nil }
            out.append((name, ref))
        }
        return out
    }
}
