import Foundation

/// The module tree of a TorchScript archive (`torch.jit.save`), read as data: `data.pkl` pickles each
/// module as an inert `__torch__.*` record whose state holds its attributes, parameters and buffers as
/// tensors and its sub-modules as further records. Its code (`code/`) is never read or run.
public enum TorchScriptModules {
    /// Whether `object` is a TorchScript module record.
    public static func isModule(_ object: PickleObject) -> Bool {
        object.module == "__torch__" || object.module.hasPrefix("__torch__.")
    }

    /// The tensors of the module tree under dotted attribute paths (`generator.model.1.ffc.convl2l.weight`),
    /// in file order, parents' own tensors before their children's, as `state_dict` orders them.
    /// - Throws: `CheckpointError.malformed` naming the form when the tree holds no tensors or is not a
    ///   tree of module records.
    public static func tensors(_ root: PickleObject, file: String) throws -> [(String, TensorRef)] {
        var out: [(String, TensorRef)] = []
        var seen = Set<ObjectIdentifier>()
        var pending: [(prefix: String, module: PickleObject)] = [("", root)]
        while let (prefix, module) = pending.popLast() {
            guard seen.insert(ObjectIdentifier(module)).inserted else { continue }
            guard let state = module.state?.dictValue else {
                throw unmappable(file, "module \(module.module).\(module.name) at '\(prefix)' has no attribute dict")
            }
            var children: [(String, PickleObject)] = []
            for (key, value) in state.entries {
                guard let name = key.stringValue else { continue }
                switch value {
                case let .tensor(ref): out.append((prefix + name, ref))
                case let .object(child) where isModule(child): children.append((prefix + name + ".", child))
                default: continue  // flags (`training`), hooks, plain attributes
                }
            }
            pending.append(contentsOf: children.reversed())
            guard out.count < 1 << 20 else { throw unmappable(file, "more than \(1 << 20) tensors") }
        }
        guard !out.isEmpty else { throw unmappable(file, "its module tree holds no tensors") }
        return out
    }

    static func unmappable(_ file: String, _ reason: String) -> CheckpointError {
        .malformed(file: file, reason: "TorchScript archive cannot be mapped to a state dict: \(reason)")
    }
}

extension TorchScriptModules {
    /// Runs `body`; when `isTorchScript`, a refused global becomes an error that names the form.
    static func naming<T>(_ isTorchScript: Bool, file: String, _ body: () throws -> T) throws -> T {
        do { return try body() } catch let CheckpointError.forbiddenGlobal(_, name) where isTorchScript {
            throw unmappable(file, "its data.pkl uses \(name), which Morph does not read (only module trees of tensors)")
        }
    }
}

extension PyTorchCheckpoint {
    /// The checkpoint form a user would name: `torchscript` (a `torch.jit.save` archive), `lightning`
    /// (a PyTorch Lightning checkpoint), or nil for a plain `torch.save` of a state dict or wrapper dict.
    static func form(of object: PickleValue) -> String? {
        if case let .object(module) = object, TorchScriptModules.isModule(module) { return "torchscript" }
        if let dict = object.dictValue, dict["pytorch-lightning_version"] != nil || dict["hyper_parameters"] != nil {
            return "lightning"
        }
        return nil
    }
}
