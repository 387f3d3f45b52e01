/// The article body a page states in its JSON-LD (`articleBody`), as evidence: a block whose
/// words it holds is the article's, however many links the block has (a list of news items, each
/// with its links, reads like a menu). The stated text is not used as the body itself: it is
/// often cut short, and lacks the subheadings and lists the page shows.
struct StatedBody {
    private let shingles: Set<UInt64>

    /// Nil when there is no stated body of at least ``minimumWords`` words.
    init?(_ text: String?) {
        guard let text else { return nil }
        let hashes = CanonicalText.canonicalForm(joining: [text]).wordHashes
        guard hashes.count >= Self.minimumWords else { return nil }
        shingles = Set(Self.shingles(of: hashes))
    }

    /// Whether at least half of the block's three-word runs are in the stated body.
    func holds(_ block: TextBlock) -> Bool {
        let runs = Self.shingles(of: CanonicalText.canonicalForm(joining: [block.text]).wordHashes)
        guard !runs.isEmpty else { return false }
        return runs.filter(shingles.contains).count * 2 >= runs.count
    }

    static let minimumWords = 30

    private static func shingles(of words: [UInt64]) -> [UInt64] {
        guard words.count >= 3 else { return [] }
        return (0..<(words.count - 2)).map { index in
            (words[index] &* 0x9E37_79B9_7F4A_7C15 ^ words[index + 1]) &* 0xC2B2_AE3D_27D4_EB4F ^ words[index + 2]
        }
    }
}
