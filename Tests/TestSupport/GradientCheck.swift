import Foundation
import XCTest
import MorphTensor

/// The one finite-difference check that every op, layer and model test uses.
///
/// For a seeded sample of elements of a tensor t (at least `samples` of them, all of them when the tensor is
/// small, and always the elements where the analytic gradient is largest, smallest, largest in magnitude and
/// smallest in magnitude) it compares the tape's gradient with the central difference
/// (L(t + h·eᵢ) − L(t − h·eᵢ)) / 2h at one fixed step h, element by element. Tensors hold Float32, so the loss
/// is accumulated in Double and the tolerance is `rtol·|analytic| + atol·scale`, where `scale` is the largest
/// gradient magnitude of that tensor (analytic over all elements, numeric over the sample): one wrong element
/// fails unless it is below `atol` of its tensor's largest gradient. A tensor whose gradient is zero everywhere
/// cannot be checked this way and fails the check rather than passing silently.
///
/// With `kinks`, for networks with ReLU-type activations, an element whose difference changes when the step is
/// halved, or whose forward and backward differences disagree grossly, is not differentiable at this scale (a
/// pre-activation crosses or sits on a kink) and is replaced by another sampled element; when more than a third
/// of the tried elements (and more than two) are like that, the check fails.
public enum GradientCheck {
    /// Default sample size per tensor.
    public static let defaultSamples = 32

    /// The indices checked for a tensor of `count` elements whose analytic gradient is `analytic`.
    public static func indices(count: Int, analytic: [Float], samples: Int = defaultSamples, seed: UInt64) -> [Int] {
        guard count > samples + 4 else { return Array(0..<count) }
        var chosen = Set<Int>()
        var order: [Int] = []
        func add(_ i: Int) { if chosen.insert(i).inserted { order.append(i) } }
        let indexed = analytic.indices
        if let i = indexed.max(by: { analytic[$0] < analytic[$1] }) { add(i) }
        if let i = indexed.min(by: { analytic[$0] < analytic[$1] }) { add(i) }
        if let i = indexed.max(by: { abs(analytic[$0]) < abs(analytic[$1]) }) { add(i) }
        if let i = indexed.min(by: { abs(analytic[$0]) < abs(analytic[$1]) }) { add(i) }
        var rng = SeededRNG(seed: seed)
        while order.count < samples + 4 && chosen.count < count { add(Int.random(in: 0..<count, using: &rng)) }
        return order
    }

    /// Checks `analytic` (d loss / d `tensor`, already computed by the tape) against central differences of
    /// `loss`, which must evaluate the scalar in Double from the current values of `tensor` without recording.
    /// Returns the number of elements checked.
    @discardableResult
    public static func compare(_ label: String, tensor t: Tensor, analytic: [Float], step: Float,
                               samples: Int = defaultSamples, rtol: Double, atol: Double, seed: UInt64 = 17,
                               kinks: Bool = false, file: StaticString = #filePath, line: UInt = #line,
                               loss: () throws -> Double) throws -> Int {
        guard analytic.count == t.count else {
            XCTFail("\(label): gradient has \(analytic.count) elements, tensor \(t.count)", file: file, line: line)
            return 0
        }
        var picks = indices(count: t.count, analytic: analytic, samples: samples, seed: seed)
        let base = kinks ? try loss() : 0
        let analyticScale = Double(analytic.map(abs).max() ?? 0)
        var numeric: [Double] = []
        var checked: [Int] = []
        var skipped: [Int] = []
        var spare = SeededRNG(seed: seed &+ 0x5eed)
        var k = 0
        while k < picks.count {
            let i = picks[k]
            k += 1
            let saved = t.data[i]
            t.data[i] = saved + step
            let up = try loss()
            t.data[i] = saved - step
            let down = try loss()
            t.data[i] = saved
            // The steps actually taken in Float32, not the nominal one.
            let hUp = Double(saved + step) - Double(saved), hDown = Double(saved) - Double(saved - step)
            let d = (up - down) / (hUp + hDown)
            if kinks {
                // A ReLU-type kink inside ±step makes the difference depend on the step (halving it tells); a kink
                // exactly at this point (a dead unit: the central difference then averages the two slopes at every
                // step) shows as grossly different forward and backward differences. Such an element is not
                // differentiable at this scale: it is replaced by another one (counted; too many fail the check).
                t.data[i] = saved + step / 2
                let upHalf = try loss()
                t.data[i] = saved - step / 2
                let downHalf = try loss()
                t.data[i] = saved
                let half = (upHalf - downHalf) / (Double(saved + step / 2) - Double(saved - step / 2))
                let forward = (up - base) / hUp, backward = (base - down) / hDown
                let tolerance = rtol * abs(d) + atol * Swift.max(analyticScale, abs(d))
                if abs(d - half) > tolerance || abs(forward - backward) > 0.25 * abs(d) + 5 * tolerance {
                    skipped.append(i)
                    if picks.count < t.count, skipped.count <= picks.count / 2 {
                        var j = Int.random(in: 0..<t.count, using: &spare)
                        while picks.contains(j) { j = Int.random(in: 0..<t.count, using: &spare) }
                        picks.append(j)
                    }
                    continue
                }
            }
            checked.append(i)
            numeric.append(d)
        }
        if skipped.count > 2 && skipped.count * 3 > picks.count {
            XCTFail("\(label): \(skipped.count) of \(picks.count) elements change with the step (kinks): \(skipped.prefix(8))",
                    file: file, line: line)
        }
        let scale = Swift.max(Double(analytic.map(abs).max() ?? 0), numeric.map(abs).max() ?? 0)
        guard scale > 0 else {
            XCTFail("\(label): the gradient is zero everywhere (tape and finite differences); nothing to check",
                    file: file, line: line)
            return checked.count
        }
        var worst: (index: Int, excess: Double)? = nil
        for (k, i) in checked.enumerated() {
            let a = Double(analytic[i])
            var excess = abs(numeric[k] - a) - (rtol * abs(a) + atol * scale)
            if excess.isNaN { excess = .infinity }
            if excess > 0, excess > (worst?.excess ?? 0) { worst = (k, excess) }
        }
        if let (k, _) = worst {
            XCTFail("\(label): element \(checked[k]) of \(t.count): tape \(analytic[checked[k]]), central difference "
                    + "\(numeric[k]) (step \(step), rtol \(rtol), atol \(atol) × \(scale))", file: file, line: line)
        }
        return checked.count
    }

    /// Σ out·r in Double: the loss every gradient check differentiates.
    public static func weightedSum(_ out: Tensor, _ r: Tensor) -> Double {
        var acc: Double = 0
        for i in 0..<Swift.min(out.count, r.count) { acc += Double(out.data[i]) * Double(r.data[i]) }
        return acc
    }
}
