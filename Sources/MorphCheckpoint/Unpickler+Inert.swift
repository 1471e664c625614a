import Foundation

extension Unpickler {
    /// Builtin types that configuration objects name as data (`object_type=dict`); never called.
    static let inertBuiltins: Set<String> = [
        "dict", "list", "tuple", "set", "frozenset", "int", "float", "complex", "str", "bytes", "bool", "object", "type",
    ]
    /// Modules whose classes appear in checkpoints as configuration and bookkeeping records: TorchScript's
    /// module classes (`__torch__.*`), OmegaConf configs and PyTorch Lightning callbacks in a Lightning
    /// checkpoint's `hyper_parameters` and `callbacks`, `typing` annotations, `pathlib` paths.
    static let inertModules = ["__torch__", "omegaconf", "pytorch_lightning", "lightning", "lightning_fabric",
                               "typing", "pathlib"]

    /// Whether `module.name` is a class kept as an inert record (`PickleObject`): its arguments and state are
    /// stored as data, and nothing is constructed or called.
    static func isInertClass(_ module: String, _ name: String) -> Bool {
        if module == "builtins" || module == "__builtin__" { return inertBuiltins.contains(name) }
        return inertModules.contains { module == $0 || module.hasPrefix($0 + ".") }
    }
}
