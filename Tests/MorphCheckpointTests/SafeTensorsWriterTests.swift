import Foundation
import XCTest
import MorphTensor
import MorphCheckpoint
import TestSupport

/// The safetensors writer: round trips, metadata, F16/BF16 rounding against PyTorch, atomic replacement.
final class SafeTensorsWriterTests: XCTestCase {
    var folder: URL!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("morph-ckpt-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: folder)
    }

    func testRoundTripKeepsOrderValuesAndMetadata() throws {
        var rng = SeededRNG(seed: 9)
        let tensors: [(String, Tensor)] = [
            ("z.weight", Tensor.normal([2, 3, 3, 3], rng: &rng)), ("a.bias", Tensor.normal([2], rng: &rng)),
            ("scalar", Tensor(scalar: -1.5)), ("empty", Tensor(zeros: [0, 4])),
        ]
        let spec = ArchitectureConfiguration(name: "resnet_9blocks", options: ["n_blocks": .int(9), "norm": .string("instance"),
                                                                               "use_dropout": .bool(false)])
        var meta = spec.metadata
        meta["note"] = "quote \" and ünïcode"
        let url = folder.appendingPathComponent("m.safetensors")
        try Checkpoint(tensors: tensors, metadata: meta).write(to: url)
        let back = try Checkpoint.load(contentsOf: url)
        XCTAssertEqual(back.format, .safetensors)
        XCTAssertEqual(back.tensors.map(\.0), tensors.map(\.0))
        for ((_, a), (_, b)) in zip(back.tensors, tensors) { assertClose(a, shape: b.shape, b.values, rtol: 0, atol: 0) }
        XCTAssertEqual(back.metadata, meta)
        XCTAssertEqual(try back.architecture(), spec)
        XCTAssertEqual(back.dtype, "F32")
        // No temporary files are left beside the result.
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder.path), ["m.safetensors"])
    }

    func testPythonSafetensorsReadsTheHeaderLayout() throws {
        // The header is 8-byte aligned JSON and offsets are contiguous, as the reference writer produces.
        let data = try SafeTensors.serialize([("a", Tensor(zeros: [3])), ("b", Tensor(zeros: [2, 2]))],
                                             metadata: ["k": "v"], dtype: .f16)
        var n = 0
        for i in 0..<8 { n |= Int(data[i]) << (8 * i) }
        XCTAssertEqual(n % 8, 0)
        XCTAssertEqual(data.count, 8 + n + 2 * 7)
        let header = try XCTUnwrap(JSONSerialization.jsonObject(with: data[8..<(8 + n)]) as? [String: Any])
        let b = try XCTUnwrap(header["b"] as? [String: Any])
        XCTAssertEqual(b["dtype"] as? String, "F16")
        XCTAssertEqual(b["data_offsets"] as? [Int], [6, 14])
    }

    func testHalfAndBFloat16RoundLikePyTorch() throws {
        let f = try Fixture.load("ckpt_rounding")
        let x = try f.tensor("x")
        for (dtype, key) in [(SafeTensors.DType.f16, "f16"), (.bf16, "bf16")] {
            let url = folder.appendingPathComponent("\(key).safetensors")
            try SafeTensors.write([("x", x)], dtype: dtype, to: url)
            let back = try Checkpoint.load(contentsOf: url)
            XCTAssertEqual(back.dtype, dtype.rawValue)
            let got = try XCTUnwrap(back["x"]).values
            let want = try f.tensor(key).values
            for i in 0..<want.count {
                XCTAssertEqual(got[i].bitPattern, want[i].bitPattern, "\(key) of \(x.values[i]): \(got[i]) vs \(want[i])")
            }
        }
    }

    func testRepresentableValuesAreExact() throws {
        let values: [Float] = [0, 1, -2, 0.5, 65504, -65504, 6.103515625e-05, 5.960464477539063e-08, 1.0009765625, 3.140625]
        let t = try Tensor(shape: [values.count], values: values)
        let url = folder.appendingPathComponent("h.safetensors")
        try SafeTensors.write([("t", t)], dtype: .f16, to: url)
        XCTAssertEqual(try SafeTensors.read(contentsOf: url).tensors[0].1.values, values)
        let bfValues: [Float] = [0, 1, -2, 0.5, 3.140625, 1.0078125, Float.leastNormalMagnitude, Float(bitPattern: 0x7F7F_0000)]
        let bf = try Tensor(shape: [bfValues.count], values: bfValues)
        try SafeTensors.write([("t", bf)], dtype: .bf16, to: url)
        XCTAssertEqual(try SafeTensors.read(contentsOf: url).tensors[0].1.values, bfValues)
    }

    func testAtomicWriteReplacesAndFailsCleanly() throws {
        let url = folder.appendingPathComponent("r.safetensors")
        try SafeTensors.write([("a", Tensor.ones([2]))], to: url)
        try SafeTensors.write([("b", Tensor.full([3], 2))], to: url)
        XCTAssertEqual(try Checkpoint.load(contentsOf: url).tensors.map(\.0), ["b"])
        let missing = folder.appendingPathComponent("no/such/dir/x.safetensors")
        XCTAssertThrowsError(try SafeTensors.write([("a", Tensor.ones([1]))], to: missing)) { error in
            XCTAssertTrue("\(error)".contains("x.safetensors"), "\(error)")
        }
        XCTAssertThrowsError(try SafeTensors.serialize([("a", Tensor.ones([1])), ("a", Tensor.ones([1]))]))
    }

    func testCorruptSafetensorsHeaderIsRejected() throws {
        let url = folder.appendingPathComponent("bad.safetensors")
        var data = try SafeTensors.serialize([("a", Tensor.ones([4]))])
        data.removeLast(3)
        try data.write(to: url)
        XCTAssertThrowsError(try Checkpoint.load(contentsOf: url)) { error in
            XCTAssertTrue("\(error)".contains("do not fit"), "\(error)")
        }
    }
}
