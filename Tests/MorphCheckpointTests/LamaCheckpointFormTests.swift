import Foundation
import XCTest
import MorphCheckpoint
import TestSupport

/// The three forms LaMa checkpoints come in, read as data: a Lightning `.ckpt` whose `hyper_parameters` hold
/// configuration objects (inert records, never constructed), a plain state dict, and a TorchScript archive whose
/// module tree maps to the same keys. All three give the same generator tensors; unmappable archives are refused.
final class LamaCheckpointFormTests: XCTestCase {
    private func load(_ name: String) throws -> Checkpoint {
        try Checkpoint.load(contentsOf: Fixture.directory.appendingPathComponent(name))
    }

    func testAllThreeFormsGiveTheSameGenerator() throws {
        let plain = try load("lama_form_plain.pth").normalized()
        XCTAssertNil(plain.metadata["morph.form"])
        XCTAssertTrue(plain.tensors.allSatisfy { $0.0.hasPrefix("model.") })
        let spec = try plain.architecture()
        XCTAssertEqual(spec.name, "lama")
        XCTAssertEqual(spec.options["ngf"], .int(8))
        XCTAssertEqual(spec.options["n_downsampling"], .int(2))
        XCTAssertEqual(spec.options["n_blocks"], .int(2))
        XCTAssertEqual(spec.options["ratio"], .string("0.75"))
        XCTAssertEqual(spec.options["enable_lfu"], .bool(false))
        for (name, form) in [("lama_form_lightning.ckpt", "lightning"), ("lama_form_torchscript.pt", "torchscript")] {
            let raw = try load(name)
            XCTAssertEqual(raw.metadata["morph.form"], form, name)
            let other = raw.normalized()
            XCTAssertEqual(other.tensors.map(\.0), plain.tensors.map(\.0), "\(name): keys and order")
            for ((key, a), (_, b)) in zip(other.tensors, plain.tensors) {
                XCTAssertEqual(a.shape, b.shape, "\(name) \(key)")
                XCTAssertEqual(a.values, b.values, "\(name) \(key)")
            }
            XCTAssertEqual(try other.architecture(), spec, name)
        }
        // The Lightning file also holds the discriminator and a loss network, dropped by normalisation.
        let lightning = try load("lama_form_lightning.ckpt")
        XCTAssertTrue(lightning.tensors.contains { $0.0.hasPrefix("discriminator.") })
        XCTAssertTrue(lightning.tensors.contains { $0.0.hasPrefix("loss_resnet_pl.") })
    }

    func testLightningConfigurationObjectsStayInertRecords() throws {
        let file = try PyTorchCheckpoint.read(contentsOf: Fixture.directory.appendingPathComponent("lama_form_lightning.ckpt"))
        guard let top = file.object.dictValue, let hyper = top["hyper_parameters"]?.dictValue,
              case let .object(config)? = hyper["config"] else {
            return XCTFail("no hyper_parameters.config record")
        }
        XCTAssertEqual("\(config.module).\(config.name)", "omegaconf.dictconfig.DictConfig")
        guard let state = config.state?.dictValue, case let .object(metadata)? = state["_metadata"],
              let fields = metadata.state?.dictValue else {
            return XCTFail("the DictConfig record lost its state")
        }
        XCTAssertEqual(metadata.name, "ContainerMetadata")
        // Protocol 2 names the builtins module `__builtin__`.
        XCTAssertTrue(["builtins.dict", "__builtin__.dict"].contains(fields["object_type"]?.summary ?? ""))
        XCTAssertEqual(fields["ref_type"]?.summary, "typing.Any")
        // Globals outside the inert families are still refused, as before.
        XCTAssertThrowsError(try Checkpoint.load(contentsOf: Fixture.directory.appendingPathComponent("ckpt_evil_os_system.pth")))
    }

    func testUnmappableTorchScriptIsRefusedNamingTheForm() throws {
        XCTAssertThrowsError(try load("lama_form_unmappable.pt")) { error in
            let text = "\(error)"
            XCTAssertTrue(text.contains("TorchScript archive cannot be mapped to a state dict"), text)
            XCTAssertTrue(text.contains("lama_form_unmappable.pt"), text)
        }
    }
}
