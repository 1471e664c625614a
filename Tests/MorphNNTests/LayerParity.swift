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
    for (name, p) in layer.namedParameters() {
        let expected = try f.tensor("grad." + name)
        assertClose(p.grad?.values ?? [], expected.values, rtol: rtol, atol: atol, "\(fixture) grad.\(name)",
                    file: file, line: line)
    }
    let finalKeys = f.tensors.keys.filter { $0.hasPrefix("final.") }.map { String($0.dropFirst(6)) }.sorted()
    XCTAssertEqual(layer.stateDict().map(\.0).sorted(), finalKeys, "\(fixture) state keys", file: file, line: line)
    for (name, t) in layer.stateDict() {
        assertClose(t.values, try f.tensor("final." + name).values, rtol: rtol, atol: atol, "\(fixture) final.\(name)",
                    file: file, line: line)
    }
    try checkFiniteDifferences(fixture, layer, x: try f.copy("x"), r: try f.tensor("r0"), file: file, line: line)
}

/// Central-difference check of d sum(layer(x) · r) for a few input elements and parameter elements.
/// Skipped for train-mode layers with running statistics (each forward would move them).
func checkFiniteDifferences(_ name: String, _ layer: Module, x: Tensor, r: Tensor, eps: Float = 1e-2,
                            file: StaticString = #filePath, line: UInt = #line) throws {
    if layer.isTraining && !layer.namedBuffers().isEmpty { return }
    func loss() throws -> Double {
        try withoutGrad { Double(try (try layer(x) * r).sum().item) }
    }
    x.requiresGrad = true
    layer.zeroGrad()
    try (try layer(x) * r).sum().backward()
    var targets: [(String, Tensor)] = [("x", x)] + layer.namedParameters()
    targets = targets.filter { $0.1.grad != nil }
    for (tname, t) in targets {
        guard let grad = t.grad?.values else { continue }
        for k in 0..<3 {
            let i = (k * 7919) % t.count
            let saved = t.data[i]
            t.data[i] = saved + eps
            let up = try loss()
            t.data[i] = saved - eps
            let down = try loss()
            t.data[i] = saved
            let numeric = (up - down) / Double(2 * eps)
            let analytic = Double(grad[i])
            XCTAssertEqual(analytic, numeric, accuracy: 1e-2 * max(1, abs(numeric)),
                           "\(name) finite difference d/d\(tname)[\(i)]", file: file, line: line)
        }
    }
}
