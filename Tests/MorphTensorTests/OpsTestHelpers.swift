import XCTest
import MorphTensor
import TestSupport

/// Shared checks for the ops parity and gradient tests.
enum OpsCheck {
    /// Runs `op` on fixture `name`: the input `x` and the named parameters get `requiresGrad`, the output is
    /// compared with `out`, then (out · r).sum() is back-propagated and every `grad_<key>` is compared.
    /// `paramFloorFraction`, when set, compares the parameters' gradients with `assertCloseScaled` instead (an absolute
    /// floor of that fraction of the gradient's largest element): for kernels whose weight gradient is a sum over every pixel.
    /// `floorFraction` does the same for `out` and `grad_x` (Winograd F(4×4, 3×3), see ConvWinograd4x4Tests).
    static func parity(_ name: String, params: [String] = [], rtol: Float = 1e-4, atol: Float = 1e-5,
                       floorFraction: Float? = nil, paramFloorFraction: Float? = nil,
                       file: StaticString = #filePath, line: UInt = #line,
                       _ op: (Fixture, Tensor, [String: Tensor]) throws -> Tensor) throws {
        let f = try Fixture.load(name)
        let x = try f.copy("x")
        x.requiresGrad = true
        var p: [String: Tensor] = [:]
        for key in params {
            let t = try f.copy(key)
            t.requiresGrad = true
            p[key] = t
        }
        let out = try op(f, x, p)
        let expected = try f.tensor("out")
        XCTAssertEqual(out.shape, expected.shape, "\(name) out shape", file: file, line: line)
        try (out * f.tensor("r")).sum().backward()
        let gx = try f.tensor("grad_x")
        for (label, actual, reference) in [("out", out.values, expected.values), ("grad_x", x.grad?.values ?? [], gx.values)] {
            if let floorFraction {
                assertCloseScaled(actual, reference, rtol: rtol, floorFraction: floorFraction, "\(name) \(label)",
                                  file: file, line: line)
            } else {
                assertClose(actual, reference, rtol: rtol, atol: atol, "\(name) \(label)", file: file, line: line)
            }
        }
        for key in params {
            let g = try f.tensor("grad_" + key)
            if let paramFloorFraction {
                assertCloseScaled(p[key]?.grad?.values ?? [], g.values, rtol: rtol, floorFraction: paramFloorFraction,
                                  "\(name) grad_\(key)", file: file, line: line)
            } else {
                assertClose(p[key]?.grad?.values ?? [], g.values, rtol: rtol, atol: atol, "\(name) grad_\(key)",
                            file: file, line: line)
            }
        }
    }

    /// Runs `body` for every fixture whose name starts with `prefix`, failing when there are none.
    static func each(_ prefix: String, file: StaticString = #filePath, line: UInt = #line,
                     _ body: (String) throws -> Void) throws {
        let names = Fixture.names(prefix: prefix)
        XCTAssertFalse(names.isEmpty, "no fixtures named \(prefix)*", file: file, line: line)
        for name in names { try body(name) }
    }

    /// Compares the tape's gradients of sum(f(inputs) · r) with per-element central differences at step `eps`
    /// (`GradientCheck`; ops are cheap, so up to 512 elements per input: all of them in these tests). A scalar output is
    /// used as the loss directly. Tolerance: `rtol·|g| + atol·max|g|` per input.
    static func gradients(_ label: String, _ inputs: [Tensor], eps: Float = 1e-2, rtol: Double = 1e-2,
                          atol: Double = 2e-3, seed: UInt64 = 7, file: StaticString = #filePath, line: UInt = #line,
                          _ f: ([Tensor]) throws -> Tensor) throws {
        var rng = SeededRNG(seed: seed)
        let probe = try withoutGrad { try f(inputs) }
        let r = probe.count == 1 ? Tensor.ones(probe.shape) : Tensor.normal(probe.shape, rng: &rng)
        for t in inputs { t.requiresGrad = true; t.zeroGrad() }
        try (f(inputs) * r).sum().backward()
        for (k, t) in inputs.enumerated() {
            guard let analytic = t.grad else { XCTFail("\(label): input \(k) got no gradient", file: file, line: line); continue }
            try GradientCheck.compare("\(label) input \(k)", tensor: t, analytic: analytic.values, step: eps, samples: 512,
                                      rtol: rtol, atol: atol, seed: seed &+ UInt64(k), file: file, line: line) {
                GradientCheck.weightedSum(try withoutGrad { try f(inputs) }, r)
            }
        }
    }

    /// A normal random tensor whose elements keep at least `margin` away from zero (for kinks at 0).
    static func awayFromZero(_ shape: [Int], margin: Float = 0.05, rng: inout SeededRNG) -> Tensor {
        let t = Tensor.normal(shape, rng: &rng)
        for i in 0..<t.count where abs(t.data[i]) < margin { t.data[i] = t.data[i] < 0 ? -margin - 0.1 : margin + 0.1 }
        return t
    }
}
