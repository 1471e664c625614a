/// Which side of a translation pair is the input: A→B (the data's A images in, a CycleGAN run's `G_A`) or B→A.
public enum TranslationDirection: String, CaseIterable, Codable, Sendable {
    case aToB = "AtoB", bToA = "BtoA"
}
