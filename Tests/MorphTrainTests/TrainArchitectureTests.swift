import Foundation
import XCTest
import MorphCheckpoint
import MorphModels
import MorphTrain

/// Every network a training option can choose is a registry architecture, described by one
/// `ArchitectureConfiguration` that the registry builds and that `morph.*` metadata keeps whole.
final class TrainArchitectureTests: XCTestCase {
    func assertBuilds(_ architecture: ArchitectureConfiguration, scale: Int = 1, _ message: String,
                      file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertTrue(ArchitectureRegistry.names.contains(architecture.name), message, file: file, line: line)
        do {
            let model = try ArchitectureRegistry.build(architecture)
            XCTAssertEqual(model.traits.scale, scale, message, file: file, line: line)
            let stored = try ArchitectureConfiguration(metadata: try ArchitectureRegistry.resolved(architecture).metadata)
            XCTAssertEqual(stored?.name, architecture.name, message, file: file, line: line)
            XCTAssertEqual(stored?.scale, scale, message, file: file, line: line)
        } catch {
            XCTFail("\(message): \(error)", file: file, line: line)
        }
    }

    func testEveryTranslationChoiceIsARegistryArchitecture() {
        for paired in [false, true] {
            for g in GeneratorArch.allCases {
                var t = TranslationTrainOptions(paired: paired)
                t.netG = g
                t.ngf = 4
                XCTAssertEqual(t.generatorArchitecture.name, g.rawValue)
                assertBuilds(t.generatorArchitecture, "--net-g \(g.rawValue)")
            }
            for d in DiscriminatorArch.allCases {
                var t = TranslationTrainOptions(paired: paired)
                t.netD = d
                let architecture = t.discriminatorArchitecture(inputChannels: 6, ndf: 4)
                XCTAssertEqual(architecture.name, d.rawValue)
                XCTAssertEqual(architecture.int("input_nc"), 6)
                assertBuilds(architecture, "--net-d \(d.rawValue)")
            }
        }
    }

    /// A U-Net's crop must be a multiple of 2^num_downs, its registry default when --num-downs is not given.
    func testUNetCropFollowsTheRegistryDownsamplings() throws {
        var t = TranslationTrainOptions(paired: true)
        t.netG = .unet_128
        t.loadSize = 128
        t.cropSize = 128
        XCTAssertNoThrow(try t.validate())
        t.cropSize = 64
        XCTAssertThrowsError(try t.validate()) { XCTAssertTrue("\($0)".contains("unet_128 needs a multiple of 128"), "\($0)") }
        t.numDowns = 6
        XCTAssertNoThrow(try t.validate())
        t.netG = .unet_256
        t.numDowns = nil
        t.cropSize = 128
        XCTAssertThrowsError(try t.validate()) { XCTAssertTrue("\($0)".contains("unet_256 needs a multiple of 256"), "\($0)") }
    }

    func testEverySRChoiceIsARegistryArchitectureAtItsScale() {
        for arch in SRArch.allCases {
            for scale in [1, 2, 3, 4] {
                var sr = SRTrainOptions()
                sr.arch = arch
                sr.scale = scale
                sr.gtSize = 96
                sr.numFeat = 4
                sr.numBlock = 1
                sr.numConv = 1
                guard (try? sr.validate()) != nil else { continue }
                XCTAssertEqual(sr.generatorArchitecture.name, arch.rawValue)
                XCTAssertEqual(sr.generatorArchitecture.scale, scale)
                assertBuilds(sr.generatorArchitecture, scale: scale, "--arch \(arch.rawValue) --scale \(scale)")
            }
        }
        for kind in SRDiscriminatorKind.allCases {
            var sr = SRTrainOptions()
            sr.discriminator = kind
            assertBuilds(sr.discriminatorArchitecture(numFeat: 4), "--discriminator \(kind.rawValue)")
        }
    }

    func testInpaintNetworksAreRegistryArchitectures() {
        for g in InpaintGeneratorArch.allCases {
            var o = InpaintTrainOptions()
            o.netG = g
            o.cnum = 4
            if g == .ffc { o.ngf = 4; o.nBlocks = 1 }
            assertBuilds(o.generatorArchitecture, "inpaint --net-g \(g.rawValue)")
        }
        XCTAssertEqual(InpaintTrainOptions().generatorArchitecture.name, "gated_inpaint")
        assertBuilds(InpaintTrainOptions().discriminatorArchitecture(numFeat: 4), "inpaint discriminator")
    }
}
