import Foundation

/// Near misses of names (options, recipe keys, commands) for "did you mean" hints: the one spelling rule that the
/// command line and the recipe parser share.
public enum Spelling {
    /// The candidate closest to `word`, when it is a near miss: at most two edits apart, and fewer edits than half of
    /// `word`'s length, so that short words do not match everything. Case and `_` versus `-` do not count, so the
    /// reference's `lambda_A` finds `lambda-a`. Ties go to the alphabetically first candidate.
    public static func nearest(_ word: String, among candidates: some Sequence<String>) -> String? {
        let key = normalised(word)
        let limit = min(2, max(1, key.count / 2))
        var best: (name: String, distance: Int)?
        for candidate in candidates where candidate != word {
            let distance = editDistance(key, normalised(candidate))
            guard distance <= limit else { continue }
            if let current = best, (current.distance, current.name) <= (distance, candidate) { continue }
            best = (candidate, distance)
        }
        return best?.name
    }

    /// Levenshtein distance: insertions, deletions and substitutions of one character each count 1.
    public static func editDistance(_ a: String, _ b: String) -> Int {
        let x = Array(a), y = Array(b)
        guard !x.isEmpty else { return y.count }
        guard !y.isEmpty else { return x.count }
        var row = Array(0...y.count)
        for i in 1...x.count {
            var diagonal = row[0]
            row[0] = i
            for j in 1...y.count {
                let above = row[j]
                row[j] = min(above + 1, row[j - 1] + 1, diagonal + (x[i - 1] == y[j - 1] ? 0 : 1))
                diagonal = above
            }
        }
        return row[y.count]
    }

    static func normalised(_ word: String) -> String {
        word.lowercased().replacingOccurrences(of: "_", with: "-")
    }
}
