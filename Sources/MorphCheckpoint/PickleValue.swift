import Foundation

/// A Python object rebuilt by the restricted `Unpickler`: plain data, containers,
/// and the few PyTorch objects a checkpoint holds. Nothing here can run code.
public indirect enum PickleValue {
    case none
    case bool(Bool)
    case int(Int)
    /// An integer too wide for `Int`, as little-endian two's-complement bytes.
    case bigInt([UInt8])
    case float(Double)
    case string(String)
    case bytes([UInt8])
    /// An immutable tuple (a reference, so shared tuples are visited once).
    case tuple(PickleList)
    case list(PickleList)
    case dict(PickleDict)
    /// A reference to an allowed global (`module`, `name`), never called directly.
    case global(module: String, name: String)
    /// An instance of an allowed opaque class (e.g. `argparse.Namespace`): its class, arguments and state.
    case object(PickleObject)
    /// A storage named by a persistent id: `('storage', type, key, location, size)`.
    case storage(StorageRef)
    /// A tensor view of a storage, rebuilt by `_rebuild_tensor(_v2)`; its values are read later.
    case tensor(TensorRef)

    /// The value as a Swift `Int`, when it is an integer or a bool.
    public var intValue: Int? {
        switch self {
        case let .int(v): return v
        case let .bool(b): return b ? 1 : 0
        default: return nil
        }
    }

    /// The value as a string, when it is one.
    public var stringValue: String? {
        if case let .string(s) = self { return s }
        return nil
    }

    /// The dictionary, when the value is one.
    public var dictValue: PickleDict? {
        if case let .dict(d) = self { return d }
        return nil
    }

    /// The elements of a tuple (nil for anything else).
    public var tupleItems: [PickleValue]? {
        if case let .tuple(t) = self { return t.items }
        return nil
    }

    /// The tensor reference, when the value is one.
    public var tensorValue: TensorRef? {
        if case let .tensor(t) = self { return t }
        return nil
    }

    /// The elements of a tuple or list.
    public var sequence: [PickleValue]? {
        switch self {
        case let .tuple(t): return t.items
        case let .list(list): return list.items
        default: return nil
        }
    }

    /// A short description for error messages (type and, for scalars, value).
    public var summary: String {
        switch self {
        case .none: return "None"
        case let .bool(b): return b ? "True" : "False"
        case let .int(v): return "\(v)"
        case .bigInt: return "int"
        case let .float(v): return "\(v)"
        case let .string(s): return "'\(s.prefix(40))'"
        case let .bytes(b): return "bytes(\(b.count))"
        case let .tuple(t): return "tuple(\(t.items.count))"
        case let .list(l): return "list(\(l.items.count))"
        case let .dict(d): return "dict(\(d.entries.count))"
        case let .global(m, n): return "\(m).\(n)"
        case let .object(o): return "\(o.module).\(o.name) object"
        case let .storage(s): return "\(s.dtype.storageName)(\(s.count))"
        case let .tensor(t): return "tensor\(t.shape)"
        }
    }
}

/// A mutable Python list (a reference, as pickle memo entries share it).
public final class PickleList {
    /// The elements in order.
    public var items: [PickleValue]
    /// Creates a list holding `items`.
    public init(_ items: [PickleValue] = []) { self.items = items }

    deinit {
        var children: [PickleValue] = []
        swap(&children, &items)
        PickleGraph.release(&children)
    }
}

/// A mutable Python dict keeping insertion order (a reference, as pickle memo entries share it).
public final class PickleDict {
    /// Key/value pairs in insertion order; a repeated key replaces the value in place.
    public private(set) var entries: [(key: PickleValue, value: PickleValue)] = []
    private var stringIndex: [String: Int] = [:]

    /// An empty dict.
    public init() {}

    /// Sets `value` for `key`, replacing an earlier string key of the same text.
    public func set(_ key: PickleValue, _ value: PickleValue) {
        if case let .string(s) = key {
            if let i = stringIndex[s] { entries[i].value = value; return }
            stringIndex[s] = entries.count
        }
        entries.append((key, value))
    }

    /// Adds `key` unless it is a string key already present; returns whether it was added.
    func insert(_ key: PickleValue, _ value: PickleValue) -> Bool {
        if case let .string(s) = key {
            guard stringIndex[s] == nil else { return false }
            stringIndex[s] = entries.count
        }
        entries.append((key, value))
        return true
    }

    /// The value stored under the string key `key`.
    public subscript(key: String) -> PickleValue? {
        guard let i = stringIndex[key] else { return nil }
        return entries[i].value
    }

    /// Empties the dict (used to tear down deep object graphs without recursion).
    func removeAll() {
        entries.removeAll()
        stringIndex.removeAll()
    }

    /// Moves every key and value onto `work` and empties the dict.
    func moveEntries(onto work: inout [PickleValue]) {
        for entry in entries { work.append(entry.key); work.append(entry.value) }
        removeAll()
    }

    deinit {
        var children: [PickleValue] = []
        moveEntries(onto: &children)
        PickleGraph.release(&children)
    }

    /// The string keys in order (non-string keys are skipped).
    public var stringKeys: [String] { entries.compactMap { $0.key.stringValue } }
}

/// An instance of an allowed opaque class, kept as data and never constructed.
public final class PickleObject {
    /// The class's module, e.g. `argparse`.
    public let module: String
    /// The class's name, e.g. `Namespace`.
    public let name: String
    /// The constructor arguments the pickle gave.
    public internal(set) var args: [PickleValue]
    /// The state set by BUILD, if any.
    public var state: PickleValue?
    /// Creates the record of an opaque object.
    public init(module: String, name: String, args: [PickleValue]) {
        self.module = module
        self.name = name
        self.args = args
    }

    /// Moves the arguments and the state onto `work`, leaving the object empty.
    func moveChildren(onto work: inout [PickleValue]) {
        work.append(contentsOf: args)
        args = []
        if let state { work.append(state); self.state = nil }
    }

    deinit {
        var children: [PickleValue] = []
        moveChildren(onto: &children)
        PickleGraph.release(&children)
    }
}

/// Element types of PyTorch storages, with their sizes in bytes.
public enum StorageDType: String, CaseIterable {
    case float32, float16, bfloat16, float64, int64, int32, int16, int8, uint8, bool

    /// The element size in bytes.
    public var byteSize: Int {
        switch self {
        case .float64, .int64: return 8
        case .float32, .int32: return 4
        case .float16, .bfloat16, .int16: return 2
        case .int8, .uint8, .bool: return 1
        }
    }

    /// The legacy storage class name, e.g. `FloatStorage`.
    public var storageName: String {
        switch self {
        case .float32: return "FloatStorage"
        case .float16: return "HalfStorage"
        case .bfloat16: return "BFloat16Storage"
        case .float64: return "DoubleStorage"
        case .int64: return "LongStorage"
        case .int32: return "IntStorage"
        case .int16: return "ShortStorage"
        case .int8: return "CharStorage"
        case .uint8: return "ByteStorage"
        case .bool: return "BoolStorage"
        }
    }

    /// The short name used in dtype summaries, matching safetensors' names.
    public var safetensorsName: String {
        switch self {
        case .float32: return "F32"
        case .float16: return "F16"
        case .bfloat16: return "BF16"
        case .float64: return "F64"
        case .int64: return "I64"
        case .int32: return "I32"
        case .int16: return "I16"
        case .int8: return "I8"
        case .uint8: return "U8"
        case .bool: return "BOOL"
        }
    }

    /// The dtype of a `torch.<Name>Storage` class name, if it is one.
    public init?(storageName: String) {
        guard let match = StorageDType.allCases.first(where: { $0.storageName == storageName }) else { return nil }
        self = match
    }

    /// The dtype of a `torch.<dtype>` name such as `float32`, `half` or `long`.
    public init?(torchName: String) {
        switch torchName {
        case "float32", "float": self = .float32
        case "float16", "half": self = .float16
        case "bfloat16": self = .bfloat16
        case "float64", "double": self = .float64
        case "int64", "long": self = .int64
        case "int32", "int": self = .int32
        case "int16", "short": self = .int16
        case "int8": self = .int8
        case "uint8": self = .uint8
        case "bool": self = .bool
        default: return nil
        }
    }
}

/// A storage named by a persistent id in a `.pth` pickle.
public struct StorageRef {
    /// The key of the storage: the zip entry `data/<key>` or the legacy storage key.
    public let key: String
    /// The element type.
    public let dtype: StorageDType
    /// The number of elements.
    public let count: Int
    /// Where this storage starts inside the stored one, in elements (legacy storage views; usually 0).
    public let elementOffset: Int

    /// Names `count` elements of `dtype` stored under `key`, starting `elementOffset` elements in.
    public init(key: String, dtype: StorageDType, count: Int, elementOffset: Int = 0) {
        self.key = key
        self.dtype = dtype
        self.count = count
        self.elementOffset = elementOffset
    }
}

/// A strided view of a storage, as `_rebuild_tensor_v2` describes it.
public struct TensorRef {
    /// The storage it views.
    public let storage: StorageRef
    /// The element offset of the first value.
    public let offset: Int
    /// The tensor's shape.
    public let shape: [Int]
    /// The element strides, one per dimension.
    public let strides: [Int]
}
