import Foundation
import XCTest
import MorphCheckpoint
import MorphInference
import MorphTensor
import TestSupport

/// `morph info` and `morph convert` on real PyTorch checkpoints, and the loader's errors.
final class CheckpointToolsTests: XCTestCase {
    static let expected: [(file: String, arch: String, scale: Int)] = [
        ("cli_resnet_in.pth", "resnet_9blocks", 1), ("cli_resnet_in_legacy.pth", "resnet_9blocks", 1),
        ("cli_unet_bn.pth", "unet_256", 1), ("cli_unet_bn_legacy.pth", "unet_256", 1),
        ("cli_rrdb_x4.pth", "rrdbnet", 4), ("cli_rrdb_x4_legacy.pth", "rrdbnet", 4),
        ("cli_rrdb_x2.pth", "rrdbnet", 2), ("cli_rrdb_x2_legacy.pth", "rrdbnet", 2),
        ("cli_srvgg_x4.pth", "srvgg", 4), ("cli_srvgg_x4_legacy.pth", "srvgg", 4),
        ("cli_srresnet_x4.pth", "srresnet", 4), ("cli_srresnet_x4_legacy.pth", "srresnet", 4),
    ]

    func testInfoNamesEveryArchitectureWithoutFlags() throws {
        for e in Self.expected {
            let info = try CheckpointInfo(contentsOf: PipelineFixtures.url(e.file))
            XCTAssertEqual(info.architecture, e.arch, e.file)
            XCTAssertEqual(info.scale, e.scale, e.file)
            XCTAssertEqual(info.format, e.file.contains("legacy") ? "pth-legacy" : "pth-zip", e.file)
            XCTAssertEqual(info.firstKeys.count, min(10, info.tensorCount), e.file)
            XCTAssertGreaterThan(info.parameters, 100, e.file)
            XCTAssertTrue(info.text.contains("architecture: \(e.arch)"), e.file)
            let json = try JSONSerialization.jsonObject(with: Data(info.json.utf8)) as? [String: Any]
            XCTAssertEqual(json?["architecture"] as? String, e.arch, e.file)
        }
        XCTAssertEqual(try CheckpointInfo(contentsOf: PipelineFixtures.url("cli_srvgg_x4.pth")).dtype, "F16")
        XCTAssertEqual(try CheckpointInfo(contentsOf: PipelineFixtures.url("cli_rrdb_x4.pth")).wrapper, "params_ema")
        XCTAssertTrue(try CheckpointInfo(contentsOf: PipelineFixtures.url("cli_resnet_in_legacy.pth"))
            .firstKeys[0].hasPrefix("module.model.1.weight"))
    }

    func testInfoAndConvertNameLamaInEveryForm() throws {
        let dir = try PipelineFixtures.scratch()
        for (file, form) in [("lama_form_lightning.ckpt", "lightning"), ("lama_form_torchscript.pt", "torchscript"),
                             ("lama_form_plain.pth", nil)] {
            let info = try CheckpointInfo(contentsOf: PipelineFixtures.url(file))
            XCTAssertEqual(info.architecture, "lama", file)
            XCTAssertEqual(info.form, form, file)
            XCTAssertEqual(info.configuration, "ngf 8, 2 downsamplings, 2 FFC blocks, ratio 0.75, LFU off, 4→3, sigmoid output")
            XCTAssertTrue(info.text.contains("architecture: lama (ngf 8"), info.text)
            let out = dir.appendingPathComponent(file + ".safetensors")
            try CheckpointConverter.convert(PipelineFixtures.url(file), to: out)
            let converted = try Checkpoint.load(contentsOf: out)
            XCTAssertEqual(converted.metadata["morph.arch"], "lama")
            XCTAssertFalse(converted.tensors.contains { $0.0.hasPrefix("discriminator.") || $0.0.hasPrefix("generator.") })
            XCTAssertEqual(try CheckpointInfo(contentsOf: out).architecture, "lama")
        }
    }

    func testUnknownOrDamagedCheckpointsGiveOneLineErrors() {
        for name in ["ckpt_basic_zip.pth", "ckpt_truncated_zip.pth", "ckpt_not_a_checkpoint.pth"] {
            let url = PipelineFixtures.url(name)
            XCTAssertThrowsError(try CheckpointInfo(contentsOf: url), name) { error in
                let text = "\(error)"
                XCTAssertTrue(text.hasPrefix(url.path + ": "), text)
                XCTAssertFalse(text.contains("\n"), text)
                XCTAssertTrue(error is PipelineError, name)
            }
            XCTAssertThrowsError(try ModelLoader.load(url), name)
        }
        XCTAssertThrowsError(try CheckpointInfo(contentsOf: PipelineFixtures.url("ckpt_basic_zip.pth"))) { error in
            XCTAssertTrue("\(error)".contains("cannot detect the architecture: found"), "\(error)")
            XCTAssertTrue("\(error)".contains("expected resnet"), "\(error)")
        }
    }

    func testWrongArchitectureListsTheMismatchedKeysAndNamesTheFile() throws {
        let url = PipelineFixtures.url("cli_rrdb_x4.pth")
        XCTAssertThrowsError(try ModelLoader.load(url, arch: "srvgg")) { error in
            let text = "\(error)"
            XCTAssertTrue(text.hasPrefix(url.path + ": "), text)
            XCTAssertTrue(text.contains("missing keys"), text)
            XCTAssertTrue(text.contains("unexpected keys"), text)
            XCTAssertTrue(text.contains("body.0.rdb1.conv1.weight"), text)
        }
        XCTAssertThrowsError(try ModelLoader.load(url, options: ["num_feat": "16"])) { error in
            XCTAssertTrue("\(error)".contains("shape mismatches"), "\(error)")
        }
        XCTAssertThrowsError(try ModelLoader.load(url, options: ["colour": "blue"])) { error in
            XCTAssertTrue("\(error)".contains("unknown option 'colour'"), "\(error)")
        }
    }

    func testConvertRoundTripLoadsWithoutFlagsAndGivesTheSameOutput() throws {
        let dir = try PipelineFixtures.scratch()
        for e in Self.expected where !e.file.contains("legacy") {
            let source = PipelineFixtures.url(e.file)
            let target = dir.appendingPathComponent(e.file + ".safetensors")
            let converted = try CheckpointConverter.convert(source, to: target)
            let reloaded = try ModelLoader.load(target)
            XCTAssertEqual(reloaded.configuration, converted.configuration, e.file)
            XCTAssertEqual(reloaded.traits, converted.traits, e.file)
            let info = try CheckpointInfo(contentsOf: target)
            XCTAssertEqual(info.format, "safetensors")
            XCTAssertEqual(info.scale, e.scale, e.file)
            converted.model.eval()
            reloaded.model.eval()
            let m = converted.traits.sizeMultiple
            let x = PipelineFixtures.pattern(height: max(m, 8), width: max(m, 12))
            let a = try withoutGrad { try converted.model(x) }, b = try withoutGrad { try reloaded.model(x) }
            XCTAssertEqual(a.values, b.values, e.file)
        }
    }

    func testConvertRefusesToOverwriteItsInputAndNeedsSafetensors() throws {
        let dir = try PipelineFixtures.scratch()
        let st = dir.appendingPathComponent("m.safetensors")
        try CheckpointConverter.convert(PipelineFixtures.url("cli_srvgg_x4.pth"), to: st)
        XCTAssertThrowsError(try CheckpointConverter.convert(st, to: st))
        XCTAssertThrowsError(try CheckpointConverter.convert(st, to: dir.appendingPathComponent("m.pth")))
        // An explicit --arch with options converts too, and the result loads with no flags.
        let explicit = dir.appendingPathComponent("x2.safetensors")
        try CheckpointConverter.convert(PipelineFixtures.url("cli_rrdb_x2_legacy.pth"), to: explicit, arch: "rrdbnet",
                                        options: ["scale": "2", "num_feat": "8", "num_block": "1", "num_grow_ch": "4"])
        XCTAssertEqual(try ModelLoader.load(explicit).traits.scale, 2)
    }
}
