import Foundation

/// Iterative walks over unpickled object graphs: measuring nesting depth and
/// tearing graphs down without recursion (a hostile pickle can nest containers
/// deeply enough to overflow the stack in a recursive deinit).
enum PickleGraph {
    /// The identity and children of a container value, nil for scalars.
    static func node(_ value: PickleValue) -> (ObjectIdentifier, [PickleValue])? {
        switch value {
        case let .list(l), let .tuple(l): return (ObjectIdentifier(l), l.items)
        case let .dict(d): return (ObjectIdentifier(d), d.entries.flatMap { [$0.key, $0.value] })
        case let .object(o): return (ObjectIdentifier(o), o.args + (o.state.map { [$0] } ?? []))
        default: return nil
        }
    }

    /// The longest chain of nested containers reachable from `roots`, and whether some container contains
    /// itself (cycles are not followed); stops early and returns a height above `limit` once the chain exceeds it.
    static func height(of roots: [PickleValue], limit: Int) -> (height: Int, cyclic: Bool) {
        var cyclic = false
        var done: [ObjectIdentifier: Int] = [:]
        var active = Set<ObjectIdentifier>()
        var best = 0
        for root in roots {
            guard let (rootID, rootChildren) = node(root) else { continue }
            if let h = done[rootID] { best = max(best, h); continue }
            // Each frame: node, its children, the next child to visit, the tallest child so far.
            var frames: [(id: ObjectIdentifier, children: [PickleValue], next: Int, tallest: Int)] = [(rootID, rootChildren, 0, 0)]
            active.insert(rootID)
            while let i = frames.indices.last {
                if frames[i].next < frames[i].children.count {
                    let child = frames[i].children[frames[i].next]
                    frames[i].next += 1
                    guard let (childID, grandchildren) = node(child) else { continue }
                    if let h = done[childID] { frames[i].tallest = max(frames[i].tallest, h); continue }
                    if active.contains(childID) { cyclic = true; continue }
                    if frames.count >= limit { return (frames.count + 1, cyclic) }
                    active.insert(childID)
                    frames.append((childID, grandchildren, 0, 0))
                } else {
                    let frame = frames.removeLast()
                    let h = frame.tallest + 1
                    done[frame.id] = h
                    active.remove(frame.id)
                    if let j = frames.indices.last { frames[j].tallest = max(frames[j].tallest, h) }
                    best = max(best, h)
                }
            }
        }
        return (best, cyclic)
    }

    /// Releases `work`'s values without recursion: a container that nothing else references is emptied onto the
    /// work list before it goes, so its deinit finds nothing left to release. The containers' deinits call this,
    /// so dropping any unpickled graph, however deep and on whatever path, uses a bounded stack.
    static func release(_ work: inout [PickleValue]) {
        while var value = work.popLast() {
            var list: PickleList?, dict: PickleDict?, object: PickleObject?
            switch value {
            case let .list(l), let .tuple(l): list = l
            case let .dict(d): dict = d
            case let .object(o): object = o
            default: continue
            }
            value = .none
            if isKnownUniquelyReferenced(&list), let l = list {
                work.append(contentsOf: l.items)
                l.items = []
            }
            if isKnownUniquelyReferenced(&dict), let d = dict { d.moveEntries(onto: &work) }
            if isKnownUniquelyReferenced(&object), let o = object { o.moveChildren(onto: &work) }
        }
    }

    /// Empties every container reachable from `roots`, one level at a time. The containers' deinits already release
    /// deep graphs iteratively (`release`); what this adds is breaking reference cycles, which never reach a deinit,
    /// so a refused pickle that built one does not leak it.
    static func dismantle(_ roots: [PickleValue]) {
        var work = roots
        while let value = work.popLast() {
            switch value {
            case let .list(l), let .tuple(l):
                work.append(contentsOf: l.items)
                l.items = []
            case let .dict(d):
                for entry in d.entries { work.append(entry.key); work.append(entry.value) }
                d.removeAll()
            case let .object(o):
                work.append(contentsOf: o.args)
                o.args = []
                if let state = o.state { work.append(state); o.state = nil }
            default:
                break
            }
        }
    }
}
