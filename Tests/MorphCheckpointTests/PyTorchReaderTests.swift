import Foundation
import XCTest
import MorphTensor
import MorphCheckpoint
import TestSupport

/// Reads the `.pth` fixtures PyTorch wrote and compares every tensor with the
/// values PyTorch stored in the companion safetensors.
final class PyTorchReaderTests: XCTestCase {
    func url(_ name: String) -> URL { Fixture.directory.appendingPathComponent(name) }

    func keys(_ fixture: Fixture) throws -> [String] {
        let text = try XCTUnwrap(fixture.metadata["keys"])
        return try XCTUnwrap(JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String])
    }

    func assertMatches(_ ckpt: Checkpoint, _ expected: Fixture, file: StaticString = #filePath, line: UInt = #line) throws {
        XCTAssertEqual(ckpt.tensors.map(\.0), try keys(expected), "key order", file: file, line: line)
        for (key, tensor) in ckpt.tensors {
            let want = try expected.tensor(key)
            assertClose(tensor, shape: want.shape, want.values, rtol: 0, atol: 0, key, file: file, line: line)
        }
    }

    func testBasicZipAndLegacyMatchPyTorch() throws {
        let expected = try Fixture.load("ckpt_basic_expected")
        for (name, format) in [("ckpt_basic_zip.pth", Checkpoint.Format.pthZip), ("ckpt_basic_legacy.pth", .pthLegacy)] {
            let ckpt = try Checkpoint.load(contentsOf: url(name))
            XCTAssertEqual(ckpt.format, format, name)
            try assertMatches(ckpt, expected)
            XCTAssertEqual(ckpt.dtypeCounts, ["F32": 6, "F16": 1, "BF16": 1, "F64": 1, "I64": 1, "I32": 1], name)
            XCTAssertEqual(ckpt["transposed"]?.shape, [6, 4])
            XCTAssertEqual(ckpt["bn.num_batches_tracked"]?.values, [1234])
            XCTAssertEqual(ckpt["int32"]?.values, [-3, 0, 7])
            XCTAssertEqual(ckpt["scalar"]?.shape, [])
        }
    }

    /// The same state dict written by `safetensors.torch.save_file`: its I64 and I32 entries (a batch norm's
    /// `num_batches_tracked`, for one) read as numbers, like the `.pth` readers read them.
    func testBasicSafetensorsWithIntegerEntriesMatchesPyTorch() throws {
        let ckpt = try Checkpoint.load(contentsOf: url("ckpt_basic.safetensors"))
        XCTAssertEqual(ckpt.format, .safetensors)
        let expected = try Fixture.load("ckpt_basic_expected")
        XCTAssertEqual(Set(ckpt.tensors.map(\.0)), Set(try keys(expected)))  // safetensors orders its header itself
        for (key, tensor) in ckpt.tensors {
            let want = try expected.tensor(key)
            assertClose(tensor, shape: want.shape, want.values, rtol: 0, atol: 0, key)
        }
        XCTAssertEqual(ckpt.dtypeCounts, ["F32": 6, "F16": 1, "BF16": 1, "F64": 1, "I64": 1, "I32": 1])
        XCTAssertEqual(ckpt["bn.num_batches_tracked"]?.values, [1234])
        XCTAssertEqual(ckpt["int32"]?.values, [-3, 0, 7])
    }

    func testSharedStorageAndOffsetsAreRebuiltFromOneStorage() throws {
        let file = try PyTorchCheckpoint.read(contentsOf: url("ckpt_basic_zip.pth"))
        let (wrapper, refs) = try StateDict.flatten(file.object, file: file.file)
        XCTAssertNil(wrapper)
        let byKey = Dictionary(refs, uniquingKeysWith: { a, _ in a })
        let a = try XCTUnwrap(byKey["shared_a"]), b = try XCTUnwrap(byKey["shared_b"])
        XCTAssertEqual(a.storage.key, b.storage.key, "both views name the same storage")
        XCTAssertEqual(a.offset, 2)
        XCTAssertEqual(b.offset, 10)
        XCTAssertEqual(b.strides, [3])
        let t = try XCTUnwrap(byKey["transposed"])
        XCTAssertEqual(t.strides, [1, 6])
    }

    func testParamsEmaPreferredOverParams() throws {
        let expected = try Fixture.load("ckpt_wrapped_expected")
        for name in ["ckpt_wrapped_zip.pth", "ckpt_wrapped_legacy.pth"] {
            let ckpt = try Checkpoint.load(contentsOf: url(name))
            XCTAssertEqual(ckpt.metadata["morph.wrapper"], "params_ema", name)
            try assertMatches(ckpt, expected)
            let spec = try ckpt.architecture()
            XCTAssertEqual(spec.name, "srvgg")
            XCTAssertEqual(spec.scale, 2)
            XCTAssertEqual(spec.int("num_conv"), 2)
            XCTAssertEqual(spec.int("num_feat"), 4)
        }
    }

    func testModulePrefixStateDictWrapperAndStaleInstanceNormStats() throws {
        let expected = try Fixture.load("ckpt_module_expected")
        let ckpt = try Checkpoint.load(contentsOf: url("ckpt_module_zip.pth"))
        XCTAssertEqual(ckpt.metadata["morph.wrapper"], "state_dict")
        XCTAssertTrue(ckpt.tensors.allSatisfy { $0.0.hasPrefix("module.") })
        let normalized = ckpt.normalized()
        let wanted = try keys(expected)
        // The stale InstanceNorm statistics old PyTorch saved are read as they are (the model drops them on load).
        let stale = ["model.2.running_mean", "model.2.running_var", "model.2.num_batches_tracked"]
        XCTAssertEqual(normalized.tensors.map(\.0).filter { !wanted.contains($0) }, stale)
        let kept = normalized.tensors.filter { !stale.contains($0.0) }
        XCTAssertEqual(kept.map(\.0), wanted)
        for (key, tensor) in kept {
            assertClose(tensor, shape: try expected.tensor(key).shape, try expected.tensor(key).values, rtol: 0, atol: 0, key)
        }
        let spec = try ckpt.architecture()
        XCTAssertEqual(spec.name, "resnet_9blocks")
        XCTAssertEqual(spec.string("norm"), "instance")
        XCTAssertEqual(spec.int("n_blocks"), 1)
    }

    func testNamespaceIsKeptAsOpaqueObject() throws {
        let file = try PyTorchCheckpoint.read(contentsOf: url("ckpt_module_zip.pth"))
        let top = try XCTUnwrap(file.object.dictValue)
        XCTAssertEqual(top["epoch"]?.intValue, 7)
        guard case let .object(opt)? = top["opt"] else { return XCTFail("opt is \(top["opt"]?.summary ?? "missing")") }
        XCTAssertEqual("\(opt.module).\(opt.name)", "argparse.Namespace")
        XCTAssertEqual(opt.state?.dictValue?["name"]?.stringValue, "h2z")
    }

    func testOriginalESRGANNamesMapToBasicSR() throws {
        for name in ["esrgan_trunk", "esrgan_oldarch"] {
            let expected = try Fixture.load("ckpt_\(name)_expected")
            let ckpt = try Checkpoint.load(contentsOf: url("ckpt_\(name).pth")).normalized()
            try assertMatches(ckpt, expected)
            let spec = try ckpt.architecture()
            XCTAssertEqual(spec, ArchitectureConfiguration(name: "rrdbnet", options: [
                "num_block": .int(2), "num_feat": .int(4), "num_grow_ch": .int(2), "num_in_ch": .int(3), "num_out_ch": .int(3),
                "scale": .int(4),
            ]), name)
        }
    }

    func testRemapNamesOneByOne() {
        XCTAssertEqual(KeyRemap.normalize([("RRDB_trunk.3.RDB2.conv5.0.weight", 0), ("trunk_conv.bias", 0)]).map(\.0),
                       ["body.3.rdb2.conv5.weight", "conv_body.bias"])
        XCTAssertEqual(KeyRemap.normalize([("upconv1.weight", 0), ("HRconv.bias", 0), ("trunk_conv.weight", 0)]).map(\.0),
                       ["conv_up1.weight", "conv_hr.bias", "conv_body.weight"])
        // MSRResNet's own upconv1 is left alone when the file is not an ESRGAN one.
        XCTAssertEqual(KeyRemap.normalize([("conv_first.weight", 0), ("upconv1.weight", 0)]).map(\.0),
                       ["conv_first.weight", "upconv1.weight"])
        // A partial module. prefix is not stripped.
        XCTAssertEqual(KeyRemap.stripModulePrefix([("module.a", 0), ("b", 0)]).map(\.0), ["module.a", "b"])
    }
}
