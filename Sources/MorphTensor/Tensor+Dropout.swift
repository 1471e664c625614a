extension Tensor {
    /// Inverted dropout: in training each element is zeroed with probability `p` and the survivors are
    /// scaled by 1 / (1 − p); otherwise (or with p ≤ 0) the input is returned unchanged.
    ///
    /// The mask is drawn element by element in order from `rng`, so a given seed always drops the same
    /// elements. PyTorch's generator is not reproduced. With p ≥ 1 every element is dropped.
    public func dropout(p: Float, training: Bool, rng: inout SeededRNG) -> Tensor {
        guard training, p > 0 else { return self }
        let mask = Tensor(zeros: shape, zeroed: false)
        let keep: Float = p >= 1 ? 0 : 1 / (1 - p)
        let m = mask.data
        for i in 0..<count { m[i] = rng.nextUniform() < p ? 0 : keep }
        let out = Tensor(zeros: shape, zeroed: false)
        let x = data, o = out.data
        for i in 0..<count { o[i] = x[i] * m[i] }
        return Tensor.record(out, "dropout", inputs: [self]) { g in
            let r = Tensor(zeros: g.shape, zeroed: false)
            let gp = g.data, rd = r.data, mk = mask.data
            for i in 0..<g.count { rd[i] = gp[i] * mk[i] }
            return [r]
        }
    }
}
