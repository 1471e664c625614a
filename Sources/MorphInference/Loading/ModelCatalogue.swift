import Foundation

/// The public models Morph runs unchanged, with where their authors publish them: the CycleGAN and pix2pix zoo
/// of pytorch-CycleGAN-and-pix2pix, ESRGAN and the Real-ESRGAN family, and Big-LaMa. `morph models` lists them,
/// `morph models download NAME` fetches one into the models folder (`ModelStore`), and `--model NAME` then finds it.
///
/// The URLs are the ones the authors' own download scripts and model-zoo pages use. None of these projects
/// publishes a SHA-256 of its files, so `sha256` is nil for all of them today and a download is checked for size
/// and loadability only; an entry gets a checksum the day its authors publish one (never one computed here).
public enum ModelCatalogue {
    /// One downloadable model.
    public struct Entry: Sendable, Equatable, Encodable {
        /// The name `--model` and `morph models download` take (Real-ESRGAN's `-n` names for its models).
        public let name: String
        /// The command it is made for.
        public let task: String
        /// The architecture as Morph's registry calls it, with its main options.
        public let architecture: String
        /// Output size over input size.
        public let scale: Int
        /// The official download URL.
        public let url: String
        /// The SHA-256 of the file as its authors publish it (lowercase hex), or nil when they publish none.
        public let sha256: String?
        /// What it does, in a few words.
        public let summary: String
        /// Another catalogue entry some option needs (realesr-general-x4v3's `-wdn` weights for `--denoise-strength`).
        public let companion: String?
        /// When `url` names a zip archive: the checkpoint inside it (matched at the end of the member's path), which
        /// is all that is kept; nil when `url` is the checkpoint itself.
        public internal(set) var archiveMember: String? = nil

        /// The file name in the models folder: `<name>.pth`, or `<name>.<extension of the archive member>`.
        public var fileName: String {
            name + "." + (archiveMember.map { URL(fileURLWithPath: $0).pathExtension } ?? "pth")
        }
    }

    /// The CycleGAN zoo (resnet_9blocks generators, instance norm), one file per direction.
    static let cycleGAN: [Entry] = [
        ("apple2orange", "apples into oranges"), ("orange2apple", "oranges into apples"),
        ("summer2winter_yosemite", "Yosemite summer into winter"), ("winter2summer_yosemite", "Yosemite winter into summer"),
        ("horse2zebra", "horses into zebras"), ("zebra2horse", "zebras into horses"),
        ("monet2photo", "Monet paintings into photos"), ("style_monet", "photos in Monet's style"),
        ("style_cezanne", "photos in Cézanne's style"), ("style_ukiyoe", "photos in ukiyo-e style"),
        ("style_vangogh", "photos in Van Gogh's style"), ("sat2map", "satellite images into maps"),
        ("map2sat", "maps into satellite images"), ("cityscapes_photo2label", "street photos into label maps"),
        ("cityscapes_label2photo", "label maps into street photos"), ("facades_photo2label", "facade photos into labels"),
        ("facades_label2photo", "facade labels into photos"), ("iphone2dslr_flower", "phone flower photos into DSLR look"),
    ].map { name, summary in
        Entry(name: name, task: "translate", architecture: "resnet_9blocks (CycleGAN, instance norm)", scale: 1,
              url: "http://efrosgans.eecs.berkeley.edu/cyclegan/pretrained_models/\(name).pth", sha256: nil,
              summary: summary, companion: nil)
    }

    /// The pix2pix zoo (unet_256 generators, batch norm); named `pix2pix_<name>` because CycleGAN has some of the
    /// same names.
    static let pix2pix: [Entry] = [
        ("edges2shoes", "edge maps into shoes"), ("sat2map", "satellite images into maps"),
        ("map2sat", "maps into satellite images"), ("facades_label2photo", "facade labels into photos"),
        ("day2night", "day scenes into night"),
    ].map { name, summary in
        Entry(name: "pix2pix_" + name, task: "translate", architecture: "unet_256 (pix2pix, batch norm)", scale: 1,
              url: "http://efrosgans.eecs.berkeley.edu/pix2pix/models-pytorch/\(name).pth", sha256: nil,
              summary: summary, companion: nil)
    }

    /// ESRGAN and Real-ESRGAN, from the Real-ESRGAN releases (its `inference_realesrgan.py` and model zoo page).
    static let superResolution: [Entry] = {
        let release = "https://github.com/xinntao/Real-ESRGAN/releases/download/"
        func sr(_ name: String, _ architecture: String, _ scale: Int, _ path: String, _ summary: String,
                companion: String? = nil) -> Entry {
            Entry(name: name, task: "upscale", architecture: architecture, scale: scale, url: release + path,
                  sha256: nil, summary: summary, companion: companion)
        }
        return [
            sr("ESRGAN_x4", "rrdbnet (23 blocks)", 4, "v0.1.1/ESRGAN_SRx4_DF2KOST_official-ff704c30.pth",
               "the official ESRGAN ×4 (bicubic degradations)"),
            sr("RealESRGAN_x4plus", "rrdbnet (23 blocks)", 4, "v0.1.0/RealESRGAN_x4plus.pth", "×4 for general photos"),
            sr("RealESRNet_x4plus", "rrdbnet (23 blocks)", 4, "v0.1.1/RealESRNet_x4plus.pth",
               "×4 trained with L1 only (smoother)"),
            sr("RealESRGAN_x2plus", "rrdbnet (23 blocks, pixel unshuffle)", 2, "v0.2.1/RealESRGAN_x2plus.pth",
               "×2 for general photos"),
            sr("RealESRGAN_x4plus_anime_6B", "rrdbnet (6 blocks)", 4, "v0.2.2.4/RealESRGAN_x4plus_anime_6B.pth",
               "×4 for anime illustrations"),
            sr("realesr-animevideov3", "srvgg (64 features, 16 convs)", 4, "v0.2.5.0/realesr-animevideov3.pth",
               "×4 for anime video frames"),
            sr("realesr-general-x4v3", "srvgg (64 features, 32 convs)", 4, "v0.2.5.0/realesr-general-x4v3.pth",
               "×4 for general photos, small and fast", companion: "realesr-general-wdn-x4v3"),
            sr("realesr-general-wdn-x4v3", "srvgg (64 features, 32 convs)", 4, "v0.2.5.0/realesr-general-wdn-x4v3.pth",
               "realesr-general-x4v3 that keeps noise (the other end of --denoise-strength)"),
        ]
    }()

    /// Big-LaMa, as LaMa's README (github.com/advimman/lama) tells to get it: a zip on Hugging Face holding the
    /// PyTorch Lightning checkpoint `big-lama/models/best.ckpt` and its training config; only the checkpoint is kept.
    static let inpainting: [Entry] = [
        Entry(name: "big-lama", task: "inpaint", architecture: "lama (Big-LaMa: ngf 64, 18 FFC blocks)", scale: 1,
              url: "https://huggingface.co/smartywu/big-lama/resolve/main/big-lama.zip", sha256: nil,
              summary: "LaMa's best model (Places2), for large holes", companion: nil, archiveMember: "models/best.ckpt"),
    ]

    /// Every entry, in listing order.
    public static let all: [Entry] = cycleGAN + pix2pix + superResolution + inpainting

    /// The entry called `name`; its file name works too (a trailing `.pth`, as Real-ESRGAN's `-n` takes).
    public static func entry(named name: String) -> Entry? {
        all.first { $0.name == name || $0.fileName == name }
    }
}

/// The folder downloaded models live in: `$MORPH_MODELS`, or `~/.cache/morph/models`.
public struct ModelStore: Sendable {
    /// The folder.
    public let folder: URL

    /// The store at `folder`.
    public init(folder: URL) { self.folder = folder }

    /// `$MORPH_MODELS` when set and not empty, otherwise `$HOME/.cache/morph/models`.
    public static func standard(environment: [String: String] = ProcessInfo.processInfo.environment) -> ModelStore {
        if let folder = environment["MORPH_MODELS"], !folder.isEmpty { return ModelStore(folder: URL(fileURLWithPath: folder)) }
        let home = environment["HOME"].map { URL(fileURLWithPath: $0) } ?? FileManager.default.homeDirectoryForCurrentUser
        return ModelStore(folder: home.appendingPathComponent(".cache/morph/models"))
    }

    /// Where catalogue entry `entry` is (or would be) stored.
    public func file(for entry: ModelCatalogue.Entry) -> URL { folder.appendingPathComponent(entry.fileName) }

    /// Whether `entry` has been downloaded.
    public func has(_ entry: ModelCatalogue.Entry) -> Bool { FileManager.default.fileExists(atPath: file(for: entry).path) }

    /// The downloaded file of catalogue model `name`.
    /// - Throws: `PipelineError.model` naming the exact command that fetches it when it is not downloaded.
    public func locate(_ name: String) throws -> URL {
        guard let entry = ModelCatalogue.entry(named: name) else {
            throw PipelineError.model(file: name, "not a catalogue model (see morph models)")
        }
        let url = file(for: entry)
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw PipelineError.model(file: entry.name, "not downloaded yet (no \(url.path)); "
                + "fetch it with: morph models download \(entry.name)")
        }
        return url
    }
}
