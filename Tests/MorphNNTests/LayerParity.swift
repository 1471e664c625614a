import XCTest
import MorphTensor
@testable import MorphNN
import TestSupport

/// Checks a layer against an `nn_layer_*` fixture written by `gen/nn.py`: loads the fixture's
/// initial state dict strictly, runs each recorded step (forward, loss `sum(out · r)`, backward),
/// and compares outputs, the input and parameter gradients (accumulated over steps, as in PyTorch),
/// and the final state (running statistics). Then checks a few gradients by central differences.
func checkLayerParity(_ fixture: String, _ layer: Module, rtol: Float = 1e-4, atol: Float = 1e-5,
                      file: StaticString = #filePath, line: UInt = #line) throws {
    let f = try Fixture.load(fixture)
    var initial: [String: Tensor] = [:]
    for (key, t) in f.tensors where key.hasPrefix("init.") { initial[String(key.dropFirst(5))] = t.detached() }
    try layer.load(stateDict: initial)
    try f.int("train") == 1 ? layer.train() : layer.eval()
    let x = try f.copy("x")
    x.requiresGrad = true
    layer.zeroGrad()
    for s in 0..<(try f.int("steps")) {
        let out = try layer(x)
        let expected = try f.tensor("out\(s)")
        assertClose(out, shape: expected.shape, expected.values, rtol: rtol, atol: atol, "\(fixture) out\(s)",
                    file: file, line: line)
        try (try out * (try f.tensor("r\(s)"))).sum().backward()
    }
    let gx = try f.tensor("grad.x")
    assertClose(x.grad?.values ?? [], gx.values, rtol: rtol, atol: atol, "\(fixture) grad.x", file: file, line: line)
    let zeroBound = 1e-5 * f.gradientScale(prefix: "grad.")
    for (name, p) in layer.namedParameters() {
        f.assertGradient(p.grad, count: p.count, key: name, rtol: rtol, zeroBound: zeroBound, "\(fixture) grad.\(name)",
                         file: file, line: line)
    }
    let finalKeys = f.tensors.keys.filter { $0.hasPrefix("final.") }.map { String($0.dropFirst(6)) }.sorted()
    XCTAssertEqual(layer.stateDict().map(\.0).sorted(), finalKeys, "\(fixture) state keys", file: file, line: line)
    for (name, t) in layer.stateDict() {
        assertClose(t.values, try f.tensor("final." + name).values, rtol: rtol, atol: atol, "\(fixture) final.\(name)",
                    file: file, line: line)
    }
    let zeroKeys = Set(f.tensors.keys.filter { $0.hasPrefix("zero_grad.") }.map { String($0.dropFirst("zero_grad.".count)) })
    try checkFiniteDifferences(fixture, layer, x: try f.copy("x"), r: try f.tensor("r0"), structurallyZero: zeroKeys,
                               file: file, line: line)
}

/// Per-element central-difference check (`GradientCheck`) of d sum(layer(x) · r) for x and every parameter.
/// Train-mode layers with running statistics are checked too: their buffers are restored after every forward,
/// so each evaluation sees the same state (the batch statistics the loss depends on are recomputed each time).
/// Parameters in `structurallyZero` (a bias that a normalisation cancels) have no gradient to difference: their
/// tape gradient must be zero within 1e-5 of the layer's largest one instead.
func checkFiniteDifferences(_ name: String, _ layer: Module, x: Tensor, r: Tensor, eps: Float = 1e-2,
                            structurallyZero: Set<String> = [], file: StaticString = #filePath, line: UInt = #line) throws {
    let buffers = layer.namedBuffers().map { ($0.1, $0.1.values) }
    func restoreBuffers() { for (b, v) in buffers { for i in 0..<v.count { b.data[i] = v[i] } } }
    defer { restoreBuffers() }
    func loss() throws -> Double {
        defer { restoreBuffers() }
        return GradientCheck.weightedSum(try withoutGrad { try layer(x) }, r)
    }
    x.requiresGrad = true
    x.zeroGrad()
    layer.zeroGrad()
    try (try layer(x) * r).sum().backward()
    restoreBuffers()
    let targets: [(String, Tensor)] = [("x", x)] + layer.namedParameters()
    let largest = targets.compactMap { $0.1.grad?.values.map(abs).max() }.max() ?? 0
    for (k, (tname, t)) in targets.enumerated() {
        guard let grad = t.grad?.values else {
            XCTFail("\(name): \(tname) got no gradient", file: file, line: line)
            continue
        }
        if structurallyZero.contains(tname) {
            XCTAssertLessThanOrEqual(grad.map(abs).max() ?? 0, 1e-5 * largest, "\(name) d/d\(tname) is zero in exact arithmetic",
                                     file: file, line: line)
            continue
        }
        try GradientCheck.compare("\(name) d/d\(tname)", tensor: t, analytic: grad, step: eps, rtol: 1e-2, atol: 2e-3,
                                  seed: UInt64(k + 1), file: file, line: line, loss: loss)
    }
}
