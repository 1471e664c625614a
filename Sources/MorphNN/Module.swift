import MorphTensor

/// A neural-network layer or model with named parameters, buffers and children.
///
/// Names follow PyTorch: a module's state-dict keys are its own parameters, then its own
/// buffers, then each child's keys prefixed by the child's name and a dot, so checkpoints
/// written by PyTorch load without renaming.
public protocol Module: AnyObject {
    /// Direct sub-modules with their attribute names, in registration order.
    var namedChildren: [(String, Module)] { get }
    /// This module's own parameters (not its children's), e.g. `[("weight", w), ("bias", b)]`.
    var namedOwnParameters: [(String, Tensor)] { get }
    /// This module's own buffers (running statistics and counters), not trained by gradients.
    var namedOwnBuffers: [(String, Tensor)] { get }
    /// Whether the module is in training mode (batch statistics, dropout on).
    var isTraining: Bool { get set }
    /// Applies the module to `x`.
    func forward(_ x: Tensor) throws -> Tensor
}

extension Module {
    public var namedChildren: [(String, Module)] { [] }
    public var namedOwnParameters: [(String, Tensor)] { [] }
    public var namedOwnBuffers: [(String, Tensor)] { [] }

    /// Applies the module to `x` (`module(x)`).
    public func callAsFunction(_ x: Tensor) throws -> Tensor { try forward(x) }

    /// This module and every descendant with dotted names, parents before children
    /// (PyTorch `named_modules`; the module itself has the name "").
    public func namedModules() -> [(String, Module)] {
        var out: [(String, Module)] = []
        visitModules(prefix: "") { name, module in out.append((name, module)) }
        return out
    }

    /// Calls `body` for this module and each descendant in pre-order, with dotted names.
    func visitModules(prefix: String, _ body: (String, Module) -> Void) {
        body(prefix, self)
        for (name, child) in namedChildren {
            child.visitModules(prefix: prefix.isEmpty ? name : prefix + "." + name, body)
        }
    }

    /// All parameters with dotted names, in PyTorch `named_parameters` / state-dict order.
    public func namedParameters() -> [(String, Tensor)] {
        var out: [(String, Tensor)] = []
        visitModules(prefix: "") { prefix, module in
            for (name, t) in module.namedOwnParameters { out.append((Self.join(prefix, name), t)) }
        }
        return out
    }

    /// All parameters, in state-dict order (for optimizers).
    public func parameters() -> [Tensor] { namedParameters().map(\.1) }

    /// All buffers with dotted names, in PyTorch `named_buffers` order.
    public func namedBuffers() -> [(String, Tensor)] {
        var out: [(String, Tensor)] = []
        visitModules(prefix: "") { prefix, module in
            for (name, t) in module.namedOwnBuffers { out.append((Self.join(prefix, name), t)) }
        }
        return out
    }

    /// Parameters and buffers in PyTorch `state_dict` order: for each module in pre-order,
    /// its own parameters, then its own buffers. The tensors are the live ones, not copies.
    public func stateDict() -> [(String, Tensor)] {
        var out: [(String, Tensor)] = []
        visitModules(prefix: "") { prefix, module in
            for (name, t) in module.namedOwnParameters { out.append((Self.join(prefix, name), t)) }
            for (name, t) in module.namedOwnBuffers { out.append((Self.join(prefix, name), t)) }
        }
        return out
    }

    /// Puts this module and all descendants into training mode.
    public func train() { setTraining(true) }

    /// Puts this module and all descendants into evaluation mode (running statistics, no dropout).
    public func eval() { setTraining(false) }

    /// Sets `isTraining` recursively.
    public func setTraining(_ on: Bool) {
        visitModules(prefix: "") { _, module in module.isTraining = on }
    }

    /// The number of scalar parameters (buffers excluded).
    public var parameterCount: Int { namedParameters().reduce(0) { $0 + $1.1.count } }

    /// Turns gradient tracking of all parameters on or off (the reference's `set_requires_grad`,
    /// used to freeze discriminators while generators train).
    public func setRequiresGrad(_ on: Bool) { for (_, p) in namedParameters() { p.requiresGrad = on } }

    /// Clears the gradients of all parameters.
    public func zeroGrad() { for (_, p) in namedParameters() { p.zeroGrad() } }

    static func join(_ prefix: String, _ name: String) -> String {
        prefix.isEmpty ? name : prefix + "." + name
    }
}
