import Foundation

/// A restricted pickle reader: it rebuilds plain data, containers and PyTorch
/// tensor references, and refuses every global outside a short allow-list.
/// Nothing in the pickle is ever executed. The machine is iterative (no
/// recursion), every length, memo index and stack access is checked, and what it
/// builds is bounded by `PickleLimits` and the load's `LoadBudget`.
public struct Unpickler {
    /// Resolves a persistent id (the value BINPERSID pops) to a value.
    public typealias PersistentLoader = (PickleValue) throws -> PickleValue

    private let data: Data
    let file: String
    /// The byte offset of the next opcode, relative to the start of `data`.
    public private(set) var position: Int
    private let persistentLoad: PersistentLoader

    private var stack: [PickleValue] = []
    private var marks: [Int] = []
    private var memo: [Int: PickleValue] = [:]
    private var meter: PickleMeter

    /// Callables REDUCE and NEWOBJ may apply; each is interpreted here, never called.
    static let allowedCallables: Set<String> = [
        "collections.OrderedDict",
        "torch._utils._rebuild_tensor", "torch._utils._rebuild_tensor_v2",
        "torch._utils._rebuild_parameter", "torch._utils._rebuild_parameter_with_state",
        "torch.Size",
    ]
    /// Classes kept as opaque records (their arguments and state), never constructed.
    static let opaqueClasses: Set<String> = ["argparse.Namespace"]

    /// Prepares to read pickles from `data` starting at byte `offset`; `file` names the source in errors.
    /// What the pickles build counts against `limits` and, when given, `budget`.
    public init(data: Data, offset: Int = 0, file: String, limits: PickleLimits = .checkpoint, budget: LoadBudget? = nil,
                persistentLoad: @escaping PersistentLoader) {
        self.data = data
        self.file = file
        self.position = max(0, offset)
        self.persistentLoad = persistentLoad
        self.meter = PickleMeter(limits: limits, budget: budget)
    }

    func fail(_ reason: String) -> CheckpointError {
        .malformed(file: file, reason: "bad pickle at byte \(position): \(reason)")
    }

    // MARK: Reading bytes

    private mutating func readByte() throws -> UInt8 {
        guard position < data.count else { throw fail("unexpected end of data") }
        let b = data[data.startIndex + position]
        position += 1
        return b
    }

    private mutating func readBytes(_ n: Int) throws -> [UInt8] {
        guard n >= 0, position <= data.count, n <= data.count - position else {
            throw fail("length \(n) runs past the end of the data (\(data.count - position) bytes left)")
        }
        let start = data.startIndex + position
        position += n
        return [UInt8](data[start..<(start + n)])
    }

    private mutating func readUInt(_ n: Int) throws -> UInt64 {
        LittleEndian.unsigned(try readBytes(n))
    }

    /// Reads a length field of `n` bytes and checks it fits in the remaining data.
    private mutating func readLength(_ n: Int) throws -> Int {
        let v = try readUInt(n)
        guard position <= data.count, v <= UInt64(data.count - position) else {
            throw fail("length \(v) runs past the end of the data (\(data.count - position) bytes left)")
        }
        return Int(v)
    }

    private mutating func readLine() throws -> String {
        var bytes: [UInt8] = []
        while true {
            let b = try readByte()
            if b == 0x0A { break }
            bytes.append(b)
            if bytes.count > 1 << 16 { throw fail("text line longer than 64 KiB") }
        }
        guard let s = String(bytes: bytes, encoding: .utf8) else { throw fail("text line is not UTF-8") }
        return s
    }

    private func utf8(_ bytes: [UInt8]) throws -> String {
        guard let s = String(bytes: bytes, encoding: .utf8) else { throw fail("string is not valid UTF-8") }
        return s
    }

    // MARK: Stack

    /// Pushes a newly created value, counting it against the limits and the budget.
    private mutating func push(_ value: PickleValue) throws {
        switch value {
        case let .string(s): try meter.created(payload: s.utf8.count, fail: fail)
        case let .bytes(b), let .bigInt(b): try meter.created(payload: b.count, fail: fail)
        case .list, .tuple, .dict, .object: try meter.created(container: true, fail: fail)
        default: try meter.created(fail: fail)
        }
        try pushExisting(value)
    }

    /// Pushes a value already counted (DUP, GET): only the stack slot is new.
    private mutating func pushExisting(_ value: PickleValue) throws {
        stack.append(value)
        try meter.check(stack: stack.count, memo: memo.count, fail: fail)
    }

    /// A tuple or list of `items`, their slots counted against the budget.
    private mutating func container(_ items: [PickleValue], tuple: Bool) throws -> PickleValue {
        try meter.grew(by: items.count)
        return tuple ? .tuple(PickleList(items)) : .list(PickleList(items))
    }

    /// Adds `items` (key, value, key, value...) to `dict`; a repeated string key is an error.
    private mutating func insert(_ items: [PickleValue], into dict: PickleDict) throws {
        guard items.count % 2 == 0 else { throw fail("dict items with an odd count") }
        try meter.grew(by: items.count)
        for i in stride(from: 0, to: items.count, by: 2) {
            guard dict.insert(items[i], items[i + 1]) else {
                throw fail("duplicate key \(items[i].summary) in a dict (a state dict's keys must be unique)")
            }
        }
    }

    private mutating func pop() throws -> PickleValue {
        guard let top = stack.popLast() else { throw fail("stack underflow") }
        if let m = marks.last, stack.count < m { throw fail("stack underflow past a MARK") }
        return top
    }

    private func top() throws -> PickleValue {
        guard let last = stack.last else { throw fail("stack underflow") }
        return last
    }

    private mutating func popMark() throws -> [PickleValue] {
        guard let m = marks.popLast() else { throw fail("no MARK on the stack") }
        guard m <= stack.count else { throw fail("MARK above the stack top") }
        let items = Array(stack[m...])
        stack.removeSubrange(m...)
        return items
    }

    private func memoGet(_ index: Int) throws -> PickleValue {
        guard let v = memo[index] else { throw fail("memo index \(index) was never stored") }
        return v
    }

    private mutating func memoPut(_ index: Int) throws {
        guard index >= 0 else { throw fail("negative memo index \(index)") }
        memo[index] = try top()
        try meter.check(stack: stack.count, memo: memo.count, fail: fail)
        try meter.grew(by: 4)
    }

    // MARK: The machine

    /// Runs the pickle machine to the next STOP and returns the object it built.
    /// - Throws: `CheckpointError.forbiddenGlobal` for globals outside the allow-list,
    ///   `.malformed` for anything structurally wrong.
    public mutating func load() throws -> PickleValue {
        stack.removeAll()
        marks.removeAll()
        memo.removeAll()
        do {
            let result = try run()
            let roots = [result] + stack + Array(memo.values)
            let maxDepth = meter.limits.maxDepth
            let (depth, cyclic) = PickleGraph.height(of: roots, limit: maxDepth)
            stack.removeAll()
            memo.removeAll()
            guard depth <= maxDepth else {
                PickleGraph.dismantle(roots)
                throw fail("objects nested deeper than \(maxDepth) levels")
            }
            guard !cyclic else {
                // A container holding itself would never be freed, and walks over it would not end.
                PickleGraph.dismantle(roots)
                throw fail("a container contains itself (a reference cycle)")
            }
            return result
        } catch {
            // Break up the partial object graph: it may hold reference cycles, which would otherwise leak.
            PickleGraph.dismantle(stack + Array(memo.values))
            stack.removeAll()
            memo.removeAll()
            throw error
        }
    }

    /// The deepest container nesting `load` accepts by default.
    public static let maxDepth = PickleLimits.checkpoint.maxDepth

    private mutating func run() throws -> PickleValue {
        while true {
            let op = try readByte()
            switch op {
            case 0x80: // PROTO
                let proto = try readByte()
                guard proto <= 5 else { throw fail("unsupported protocol \(proto)") }
            case 0x95: // FRAME (frames are only a buffering hint)
                _ = try readUInt(8)
            case 0x2E: // STOP
                let result = try pop()
                return result
            case 0x28: // MARK
                marks.append(stack.count)
                try meter.check(stack: marks.count, memo: memo.count, fail: fail)
            case 0x30: _ = try pop()                                 // POP
            case 0x31: _ = try popMark()                             // POP_MARK
            case 0x32: try pushExisting(try top())                       // DUP
            case 0x4E: try push(.none)                           // NONE
            case 0x88: try push(.bool(true))                     // NEWTRUE
            case 0x89: try push(.bool(false))                    // NEWFALSE
            case 0x4A: try push(.int(Int(Int32(bitPattern: UInt32(try readUInt(4))))))  // BININT
            case 0x4B: try push(.int(Int(try readByte())))       // BININT1
            case 0x4D: try push(.int(Int(try readUInt(2))))      // BININT2
            case 0x8A: try push(try longValue(try readBytes(try readLength(1))))  // LONG1
            case 0x8B: // LONG4
                let n = try readLength(4)
                try push(try longValue(try readBytes(n)))
            case 0x49: // INT (text)
                let line = try readLine()
                if line == "01" { try push(.bool(true)) } else if line == "00" { try push(.bool(false)) } else {
                    guard let v = Int(line) else { throw fail("bad INT '\(line.prefix(20))'") }
                    try push(.int(v))
                }
            case 0x4C: // LONG (text)
                let line = try readLine()
                guard let v = Int(line.hasSuffix("L") ? String(line.dropLast()) : line) else {
                    throw fail("bad LONG '\(line.prefix(20))'")
                }
                try push(.int(v))
            case 0x47: try push(.float(Double(bitPattern: try readUInt(8).byteSwapped)))  // BINFLOAT (big-endian)
            case 0x46: // FLOAT (text)
                let line = try readLine()
                guard let v = Double(line) else { throw fail("bad FLOAT '\(line.prefix(20))'") }
                try push(.float(v))
            case 0x58: try push(.string(try utf8(try readBytes(try readLength(4)))))  // BINUNICODE
            case 0x8C: try push(.string(try utf8(try readBytes(try readLength(1)))))  // SHORT_BINUNICODE
            case 0x8D: try push(.string(try utf8(try readBytes(try readLength(8)))))  // BINUNICODE8
            case 0x54: try push(.string(String(decoding: try readBytes(try readLength(4)), as: UTF8.self)))  // BINSTRING
            case 0x55: try push(.string(String(decoding: try readBytes(try readLength(1)), as: UTF8.self)))  // SHORT_BINSTRING
            case 0x42: try push(.bytes(try readBytes(try readLength(4))))   // BINBYTES
            case 0x43: try push(.bytes(try readBytes(try readLength(1))))   // SHORT_BINBYTES
            case 0x8E, 0x96: try push(.bytes(try readBytes(try readLength(8))))  // BINBYTES8, BYTEARRAY8
            case 0x29: try push(.tuple(PickleList()))                      // EMPTY_TUPLE
            case 0x74: try push(try container(try popMark(), tuple: true))           // TUPLE
            case 0x85: try push(.tuple(PickleList([try pop()])))             // TUPLE1
            case 0x86: // TUPLE2
                let b = try pop(), a = try pop()
                try push(.tuple(PickleList([a, b])))
            case 0x87: // TUPLE3
                let c = try pop(), b = try pop(), a = try pop()
                try push(.tuple(PickleList([a, b, c])))
            case 0x5D: try push(.list(PickleList()))             // EMPTY_LIST
            case 0x6C: try push(try container(try popMark(), tuple: false))  // LIST
            case 0x61: // APPEND
                let v = try pop()
                guard case let .list(list) = try top() else { throw fail("APPEND to \(try top().summary)") }
                try meter.grew(by: 1)
                list.items.append(v)
            case 0x65: // APPENDS
                let items = try popMark()
                guard case let .list(list) = try top() else { throw fail("APPENDS to \(try top().summary)") }
                try meter.grew(by: items.count)
                list.items.append(contentsOf: items)
            case 0x8F: try push(.list(PickleList()))             // EMPTY_SET (kept as a list)
            case 0x90: // ADDITEMS
                let items = try popMark()
                guard case let .list(list) = try top() else { throw fail("ADDITEMS to \(try top().summary)") }
                try meter.grew(by: items.count)
                list.items.append(contentsOf: items)
            case 0x91: try push(try container(try popMark(), tuple: false))  // FROZENSET (kept as a list)
            case 0x7D: try push(.dict(PickleDict()))             // EMPTY_DICT
            case 0x64: // DICT
                let dict = PickleDict()
                try insert(try popMark(), into: dict)
                try push(.dict(dict))
            case 0x73: // SETITEM
                let value = try pop(), key = try pop()
                guard case let .dict(dict) = try top() else { throw fail("SETITEM on \(try top().summary)") }
                try insert([key, value], into: dict)
            case 0x75: // SETITEMS
                let items = try popMark()
                guard case let .dict(dict) = try top() else { throw fail("SETITEMS on \(try top().summary)") }
                try insert(items, into: dict)
            case 0x63: // GLOBAL
                let module = try readLine(), name = try readLine()
                try push(try resolveGlobal(module, name))
            case 0x93: // STACK_GLOBAL
                let name = try pop(), module = try pop()
                guard let n = name.stringValue, let m = module.stringValue else { throw fail("STACK_GLOBAL needs two strings") }
                try push(try resolveGlobal(m, n))
            case 0x52: // REDUCE
                let args = try pop(), callable = try pop()
                guard let items = args.tupleItems else { throw fail("REDUCE arguments are \(args.summary), not a tuple") }
                try push(try apply(callable, items))
            case 0x81: // NEWOBJ
                let args = try pop(), cls = try pop()
                guard let items = args.tupleItems else { throw fail("NEWOBJ arguments are \(args.summary)") }
                try push(try apply(cls, items))
            case 0x92: // NEWOBJ_EX
                let kwargs = try pop(), args = try pop(), cls = try pop()
                guard let items = args.tupleItems, case let .dict(kw) = kwargs, kw.entries.isEmpty else {
                    throw fail("NEWOBJ_EX with keyword arguments")
                }
                try push(try apply(cls, items))
            case 0x62: // BUILD
                let state = try pop()
                switch try top() {
                case let .object(object): object.state = state
                case .dict, .tensor: break  // an OrderedDict's `_metadata`, a parameter's hooks: not needed
                default: throw fail("BUILD on \(try top().summary)")
                }
            case 0x51: // BINPERSID
                try push(try persistentLoad(try pop()))
            case 0x71: try memoPut(Int(try readByte()))              // BINPUT
            case 0x72: try memoPut(Int(try readUInt(4)))             // LONG_BINPUT
            case 0x94: try memoPut(memo.count)                       // MEMOIZE
            case 0x70: // PUT (text)
                let line = try readLine()
                guard let i = Int(line) else { throw fail("bad PUT index") }
                try memoPut(i)
            case 0x68: try pushExisting(try memoGet(Int(try readByte())))   // BINGET
            case 0x6A: try pushExisting(try memoGet(Int(try readUInt(4))))  // LONG_BINGET
            case 0x67: // GET (text)
                let line = try readLine()
                guard let i = Int(line) else { throw fail("bad GET index") }
                try pushExisting(try memoGet(i))
            default:
                throw fail(String(format: "unsupported opcode 0x%02x", op))
            }
        }
    }

    /// Decodes a little-endian two's-complement integer of any width.
    private func longValue(_ bytes: [UInt8]) throws -> PickleValue {
        if bytes.isEmpty { return .int(0) }
        if bytes.count > 8 { return .bigInt(bytes) }
        var v = LittleEndian.unsigned(bytes)
        if bytes.count < 8, bytes[bytes.count - 1] & 0x80 != 0 {
            v |= ~UInt64(0) << (8 * UInt64(bytes.count))  // sign-extend
        }
        return .int(Int(Int64(bitPattern: v)))
    }
}
