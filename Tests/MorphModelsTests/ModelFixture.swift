import Foundation
import XCTest
import MorphModels
import MorphNN
import MorphTensor
import TestSupport

/// A `models_<case>` fixture decoded: the registry name and options, the PyTorch state dict, and the
/// modes in which PyTorch ran the network (see `Tests/Fixtures/gen/models.py`).
struct ModelFixture {
    let fixture: Fixture
    let arch: String
    let options: [String: String]
    let modes: [String]
    let gradKeys: [String]

    init(_ name: String) throws {
        fixture = try Fixture.load("models_" + name)
        arch = try ModelFixture.meta(fixture, "arch")
        options = try ModelFixture.json(fixture, "options", as: [String: String].self)
        modes = try ModelFixture.json(fixture, "modes", as: [String].self)
        gradKeys = try ModelFixture.json(fixture, "grad_keys", as: [String].self)
    }

    /// The state dict PyTorch started from, as fresh copies.
    var stateDict: [String: Tensor] {
        var sd: [String: Tensor] = [:]
        for (k, v) in fixture.tensors where k.hasPrefix("sd.") { sd[String(k.dropFirst(3))] = v.detached() }
        return sd
    }

    /// Builds the network from the registry and loads the fixture's weights strictly.
    func buildModel() throws -> MorphModel {
        let model = try ArchitectureRegistry.build(arch, options: options, seed: 99)
        try model.load(stateDict: stateDict, strict: true)
        return model
    }

    static func meta(_ f: Fixture, _ key: String) throws -> String {
        guard let s = f.metadata[key] else { throw FixtureError.missing("\(f.name): no metadata '\(key)'") }
        return s
    }

    static func json<T: Decodable>(_ f: Fixture, _ key: String, as type: T.Type) throws -> T {
        try JSONDecoder().decode(T.self, from: Data(meta(f, key).utf8))
    }
}

/// `(out * r).sum()` — the scalar whose gradients the fixtures hold.
func weightedSum(_ out: Tensor, _ r: Tensor) throws -> Tensor {
    try (out * r).sum()
}
