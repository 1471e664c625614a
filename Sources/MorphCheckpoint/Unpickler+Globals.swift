import Foundation

/// The allow-listed globals and how each is interpreted as data: the unpickler never calls anything.
extension Unpickler {
    /// Checks a global against the allow-list; the error names the global when refused.
    func resolveGlobal(_ module: String, _ name: String) throws -> PickleValue {
        let full = "\(module).\(name)"
        if Unpickler.allowedCallables.contains(full) || Unpickler.opaqueClasses.contains(full)
            || Unpickler.isInertClass(module, name) {
            return .global(module: module, name: name)
        }
        if module == "torch", StorageDType(storageName: name) != nil || StorageDType(torchName: name) != nil {
            return .global(module: module, name: name)
        }
        throw CheckpointError.forbiddenGlobal(file: file, name: full)
    }

    /// Applies an allowed callable to its arguments by interpreting it; nothing is called.
    func apply(_ callable: PickleValue, _ args: [PickleValue]) throws -> PickleValue {
        guard case let .global(module, name) = callable else {
            throw fail("REDUCE on a non-callable \(callable.summary)")
        }
        let full = "\(module).\(name)"
        switch full {
        case "collections.OrderedDict":
            let dict = PickleDict()
            if let first = args.first {
                guard let pairs = first.sequence else { throw fail("OrderedDict argument is \(first.summary)") }
                for pair in pairs {
                    guard let kv = pair.sequence, kv.count == 2 else { throw fail("OrderedDict item is not a pair") }
                    guard dict.insert(kv[0], kv[1]) else { throw fail("duplicate key \(kv[0].summary) in an OrderedDict") }
                }
            }
            return .dict(dict)
        case "torch._utils._rebuild_tensor", "torch._utils._rebuild_tensor_v2":
            return try rebuildTensor(args)
        case "torch._utils._rebuild_parameter", "torch._utils._rebuild_parameter_with_state":
            guard let first = args.first, case .tensor = first else {
                throw fail("\(name) expects a tensor, got \(args.first?.summary ?? "nothing")")
            }
            return first
        case "torch.Size":
            guard let dims = args.first?.sequence else { throw fail("torch.Size expects a tuple") }
            return .tuple(PickleList(dims))
        default:
            if Unpickler.opaqueClasses.contains(full) || Unpickler.isInertClass(module, name) {
                return .object(PickleObject(module: module, name: name, args: args))
            }
            throw CheckpointError.forbiddenGlobal(file: file, name: full + " (as a callable)")
        }
    }

    /// `_rebuild_tensor_v2(storage, offset, size, stride, ...)`, checked against the storage with
    /// overflow-checked arithmetic: the view must lie inside the storage, strides must not be negative,
    /// and the view may not hold more values than the storage does (a stride-0 expansion would let a
    /// few stored bytes declare terabytes).
    func rebuildTensor(_ args: [PickleValue]) throws -> PickleValue {
        guard args.count >= 4, case let .storage(storage) = args[0] else {
            throw fail("_rebuild_tensor expects (storage, offset, size, stride)")
        }
        guard let offset = args[1].intValue, offset >= 0 else { throw fail("bad storage offset \(args[1].summary)") }
        guard let sizeItems = args[2].sequence, let strideItems = args[3].sequence,
              sizeItems.count == strideItems.count, sizeItems.count <= 16 else {
            throw fail("tensor size and stride do not match")
        }
        var shape: [Int] = []
        var strides: [Int] = []
        for (s, st) in zip(sizeItems, strideItems) {
            guard let n = s.intValue, n >= 0, let k = st.intValue, k >= 0 else {
                throw fail("bad tensor size \(s.summary) or stride \(st.summary) (sizes and strides must not be negative)")
            }
            shape.append(n)
            strides.append(k)
        }
        let math = CheckedArithmetic(file: file)
        let elements = try math.count(shape, "tensor of shape \(shape)")
        let end = try math.extent(offset: offset, shape: shape, strides: strides, "tensor view \(shape)")
        if elements > 0, end > storage.count {
            throw fail("tensor view (offset \(offset), shape \(shape), strides \(strides)) exceeds its storage of \(storage.count) elements")
        }
        if elements > storage.count {
            throw fail("tensor of shape \(shape) (strides \(strides)) repeats values: it holds \(elements) values "
                + "but its storage only \(storage.count); expanded (stride-0) views are refused")
        }
        return .tensor(TensorRef(storage: storage, offset: offset, shape: shape, strides: strides))
    }
}
