import MorphTensor

/// What a lenient `load(stateDict:strict:)` skipped.
public struct LoadReport: Equatable {
    /// Module keys the state dict did not provide (left unchanged).
    public var missing: [String]
    /// State-dict keys the module does not have (ignored).
    public var unexpected: [String]
}

extension Module {
    /// Copies a state dict's values into this module's parameters and buffers, in place.
    ///
    /// Nothing is copied unless the whole check passes. Strict loading (the default) throws
    /// `NNError.stateDictMismatch` naming every missing key, unexpected key and shape mismatch.
    /// With `strict: false`, missing and unexpected keys are skipped and returned in the report,
    /// but shape mismatches still throw (as in PyTorch).
    @discardableResult
    public func load(stateDict: [String: Tensor], strict: Bool = true) throws -> LoadReport {
        let own = self.stateDict()
        var ownKeys = Set<String>()
        var missing: [String] = []
        var mismatches: [NNError.ShapeMismatch] = []
        var pairs: [(Tensor, Tensor)] = []
        for (key, target) in own {
            ownKeys.insert(key)
            guard let source = stateDict[key] else { missing.append(key); continue }
            guard source.shape == target.shape else {
                mismatches.append(.init(key: key, expected: target.shape, got: source.shape))
                continue
            }
            pairs.append((target, source))
        }
        let unexpected = stateDict.keys.filter { !ownKeys.contains($0) }.sorted()
        if !mismatches.isEmpty || (strict && (!missing.isEmpty || !unexpected.isEmpty)) {
            throw NNError.stateDictMismatch(missing: missing, unexpected: strict ? unexpected : [],
                                            shapeMismatches: mismatches)
        }
        for (target, source) in pairs { try target.assign(source) }
        return LoadReport(missing: missing, unexpected: unexpected)
    }

    /// Loads an ordered list of (key, tensor) pairs, as read from a safetensors file.
    /// - Throws: `NNError.stateDictMismatch` as `load(stateDict:strict:)`, also for duplicate keys.
    @discardableResult
    public func load(stateDict list: [(String, Tensor)], strict: Bool = true) throws -> LoadReport {
        var dict: [String: Tensor] = [:]
        var duplicates: [String] = []
        for (key, t) in list {
            if dict[key] != nil { duplicates.append(key) }
            dict[key] = t
        }
        guard duplicates.isEmpty else {
            throw NNError.invalidArgument("state dict has duplicate keys \(NNError.list(duplicates))")
        }
        return try load(stateDict: dict, strict: strict)
    }
}

extension Module {
    /// Removes the `running_mean`, `running_var` and `num_batches_tracked` entries that old PyTorch
    /// versions saved for `InstanceNorm2d` layers without running statistics, as the reference's
    /// `__patch_instance_norm_state_dict` does. Returns the cleaned dict and the keys removed.
    public func droppingStaleInstanceNormStatistics(_ dict: [String: Tensor]) -> (dict: [String: Tensor], removed: [String]) {
        var out = dict
        var removed: [String] = []
        visitModules(prefix: "") { prefix, module in
            guard let norm = module as? InstanceNorm2d, norm.runningMean == nil else { return }
            for name in ["running_mean", "running_var", "num_batches_tracked"] {
                let key = Self.join(prefix, name)
                if out.removeValue(forKey: key) != nil { removed.append(key) }
            }
        }
        return (out, removed)
    }
}
