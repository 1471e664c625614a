import Foundation

/// One recorded op on the autodiff tape: its inputs and how to map the
/// output's gradient to theirs.
public final class GradNode {
    /// A short op name, for debugging.
    public let name: String
    /// The op's tensor inputs, kept alive until backward runs.
    let inputs: [Tensor]
    /// Maps the output gradient to one gradient per input (nil where none flows).
    let backward: (Tensor) throws -> [Tensor?]

    init(name: String, inputs: [Tensor], backward: @escaping (Tensor) throws -> [Tensor?]) {
        self.name = name
        self.inputs = inputs
        self.backward = backward
    }
}

/// Grad mode: whether ops record onto the tape. Thread-local, on by default.
public enum GradMode {
    private static let key: pthread_key_t = {
        var k = pthread_key_t()
        pthread_key_create(&k, nil)
        return k
    }()

    /// True while ops record onto the tape on this thread.
    public static var isEnabled: Bool {
        get { pthread_getspecific(key) == nil }
        set { pthread_setspecific(key, newValue ? nil : UnsafeRawPointer(bitPattern: 1)) }
    }
}

/// Runs `body` without recording: no graph is built and no intermediate
/// buffers are kept alive. Use it for inference.
@discardableResult
public func withoutGrad<T>(_ body: () throws -> T) rethrows -> T {
    let previous = GradMode.isEnabled
    GradMode.isEnabled = false
    defer { GradMode.isEnabled = previous }
    return try body()
}

extension Tensor {
    /// Attaches a tape node to `output` if grad mode is on and any input requires grad.
    /// Returns `output` for chaining.
    @discardableResult
    public static func record(_ output: Tensor, _ name: String, inputs: [Tensor],
                              backward: @escaping (Tensor) throws -> [Tensor?]) -> Tensor {
        guard GradMode.isEnabled, inputs.contains(where: { $0.requiresGrad }) else { return output }
        output.requiresGrad = true
        output.gradFn = GradNode(name: name, inputs: inputs, backward: backward)
        return output
    }

    /// Whether this tensor was made by an op and not created directly.
    public var isLeaf: Bool { gradFn == nil }

    /// Back-propagates from this tensor. A non-scalar root needs `gradient`.
    ///
    /// Gradients of leaves that require grad are added to their `grad`.
    /// The graph is released afterwards unless `retainGraph` is true.
    /// - Throws: `TensorError.invalidArgument` for a non-scalar root with no gradient.
    public func backward(_ gradient: Tensor? = nil, retainGraph: Bool = false) throws {
        let seed: Tensor
        if let gradient {
            guard gradient.shape == shape else { throw TensorError.shapeMismatch(op: "backward", shape, gradient.shape) }
            seed = gradient
        } else {
            guard count == 1 else {
                throw TensorError.invalidArgument(op: "backward", "a root of shape \(shape) needs an explicit gradient")
            }
            seed = Tensor.full(shape, 1)
        }
        guard requiresGrad else {
            throw TensorError.invalidArgument(op: "backward", "tensor does not require grad")
        }
        try withoutGrad {
            // Topological order by iterative depth-first search.
            var order: [Tensor] = []
            var visited = Set<ObjectIdentifier>()
            var stack: [(Tensor, Bool)] = [(self, false)]
            while let (node, expanded) = stack.popLast() {
                if expanded { order.append(node); continue }
                let id = ObjectIdentifier(node)
                if visited.contains(id) { continue }
                visited.insert(id)
                stack.append((node, true))
                if let fn = node.gradFn {
                    for input in fn.inputs where input.requiresGrad && !visited.contains(ObjectIdentifier(input)) {
                        stack.append((input, false))
                    }
                }
            }
            var grads: [ObjectIdentifier: Tensor] = [ObjectIdentifier(self): seed]
            for node in order.reversed() {
                let id = ObjectIdentifier(node)
                guard let g = grads.removeValue(forKey: id) else { continue }
                guard let fn = node.gradFn else {
                    node.accumulateGrad(g)
                    continue
                }
                let inputGrads = try fn.backward(g)
                for (input, ig) in zip(fn.inputs, inputGrads) {
                    guard input.requiresGrad, let ig else { continue }
                    let key = ObjectIdentifier(input)
                    if let existing = grads[key] {
                        grads[key] = Tensor.sumFresh(existing, ig)
                    } else {
                        grads[key] = ig
                    }
                }
                if !retainGraph { node.gradFn = nil }
            }
        }
    }

    /// Adds `g` into `grad`, allocating it on first use.
    func accumulateGrad(_ g: Tensor) {
        if let grad {
            let p = grad.data, q = g.data
            for i in 0..<count { p[i] += q[i] }
        } else {
            grad = g.shape == shape ? g.detached() : Tensor(shape: shape, storage: g.detached().storage)
        }
    }

    /// `a + b` into a new buffer (same shapes), without recording.
    static func sumFresh(_ a: Tensor, _ b: Tensor) -> Tensor {
        let out = a.detached()
        let p = out.data, q = b.data
        for i in 0..<out.count { p[i] += q[i] }
        return out
    }

    /// Clears the accumulated gradient.
    public func zeroGrad() { grad = nil }
}
