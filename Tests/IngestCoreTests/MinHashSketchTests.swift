import IngestCore
import IngestTestSupport
import Testing

@Suite struct MinHashSketchTests {
    private func canonical(_ text: String) -> [UInt8] { CanonicalText.canonicalUTF8(text) }

    /// A text of `count` distinct words from a seeded generator.
    private func words(_ count: Int, seed: UInt64) -> [String] {
        var random = SeededGenerator(seed: seed)
        return (0..<count).map { _ in "w\(random.next() % 1_000_000)" }
    }

    @Test func identicalTextsAreFullySimilarAndUnrelatedOnesNot() {
        let text = canonical(words(400, seed: 1).joined(separator: " "))
        let other = canonical(words(400, seed: 2).joined(separator: " "))
        #expect(MinHashSketch(canonicalText: text).similarity(to: MinHashSketch(canonicalText: text)) == 1)
        #expect(MinHashSketch(canonicalText: text).similarity(to: MinHashSketch(canonicalText: other)) < 0.1)
    }

    @Test func estimateFollowsTheExactJaccardSimilarity() {
        // Replacing every k-th word changes the shingle sets by a known amount; the estimate must
        // stay within a few standard errors (about 0.04 at 128 bins) of the exact value.
        let base = words(600, seed: 3)
        for step in [7, 13, 29, 61] {
            var edited = base
            for index in stride(from: 0, to: edited.count, by: step) { edited[index] = "x\(index)" }
            let (a, b) = (canonical(base.joined(separator: " ")), canonical(edited.joined(separator: " ")))
            let exact = NearDuplicateQuality.exactSimilarity(a, b)
            let estimate = MinHashSketch(canonicalText: a).similarity(to: MinHashSketch(canonicalText: b))
            #expect(abs(estimate - exact) < 0.15, "step \(step): exact \(exact), estimate \(estimate)")
        }
    }

    @Test func spellingVariantsOfASeedHaveTheSameSketch() throws {
        let seed = Seeds.text(2)
        for variant in SeedVariant.all {
            guard case .success(let article) = ArticleParser.parse(variant.make(seed), fileName: "a.txt"),
                  case .success(let original) = ArticleParser.parse(Array(seed.utf8), fileName: "a.txt")
            else { Issue.record("\(variant) did not parse"); continue }
            #expect(MinHashSketch(canonicalText: article.canonicalText) == MinHashSketch(canonicalText: original.canonicalText),
                    "\(variant)")
        }
    }

    @Test func shortAndEmptyTexts() {
        let empty = MinHashSketch(canonicalText: [])
        #expect(empty.isEmpty)
        #expect(empty.similarity(to: empty) == 0)
        let short = MinHashSketch(canonicalText: canonical("خبر عاجل"))
        #expect(!short.isEmpty && short.bins.count == MinHashSketch.binCount)
        #expect(short.similarity(to: short) == 1)
        #expect(short.similarity(to: MinHashSketch(canonicalText: canonical("خبر آخر"))) < 0.1)
    }

    @Test func sketchesAreStableAcrossVersions() {
        // Sketches are stored in checkpoints: the hash functions must never change silently.
        let sketch = MinHashSketch(canonicalText: canonical("the quick brown fox jumps over the lazy dog"))
        #expect(Array(sketch.bins.prefix(8)) == [111, 111, 227, 150, 227, 162, 7, 162])
    }
}

@Suite struct NearDuplicateIndexTests {
    private func sketch(_ words: [String]) -> MinHashSketch {
        MinHashSketch(canonicalText: CanonicalText.canonicalUTF8(words.joined(separator: " ")))
    }

    private func story(_ seed: UInt64, editEvery step: Int? = nil) -> [String] {
        var random = SeededGenerator(seed: seed)
        var words = (0..<500).map { _ in "w\(random.next() % 1_000_000)" }
        if let step { for index in stride(from: 0, to: words.count, by: step) { words[index] = "edit\(index)" } }
        return words
    }

    @Test func findsNearDuplicatesBestFirstAndNotOthers() {
        var index = NearDuplicateIndex()
        index.insert(sketch(story(1)), seq: 1)
        index.insert(sketch(story(2)), seq: 2)
        index.insert(sketch(story(1, editEvery: 40)), seq: 3)
        let found = index.nearDuplicates(of: sketch(story(1, editEvery: 100)), threshold: 0.7)
        #expect(found.map(\.seq) == [1, 3])
        #expect(found[0].similarity >= found[1].similarity)
        #expect(index.nearDuplicates(of: sketch(story(9)), threshold: 0.7).isEmpty)
    }

    @Test func reportsAtMostTen() {
        var index = NearDuplicateIndex()
        for seq in 1...15 { index.insert(sketch(story(1)), seq: UInt64(seq)) }
        let found = index.nearDuplicates(of: sketch(story(1)), threshold: 0.7)
        #expect(found.map(\.seq) == Array(1...10))
    }

    @Test func eachArticleIsReportedOnceHoweverManyAreAlike() {
        for copies in [5, 31, 32, 33, 200] {
            var index = NearDuplicateIndex()
            for seq in 1...copies { index.insert(sketch(story(1)), seq: UInt64(seq)) }
            index.insert(sketch(story(2)), seq: UInt64(copies + 1))
            let found = index.nearDuplicates(of: sketch(story(1, editEvery: 100)), threshold: 0.7)
            #expect(found.map(\.seq) == (1...UInt64(min(copies, 10))).map { $0 }, "\(copies) copies")
        }
    }

    @Test func removeLastUndoesTheLastInsert() {
        var index = NearDuplicateIndex()
        index.insert(sketch(story(1)), seq: 1)
        index.insert(sketch(story(2)), seq: 2)
        index.removeLast(seq: 2)
        #expect(index.count == 1)
        #expect(index.nearDuplicates(of: sketch(story(2)), threshold: 0.7).isEmpty)
        index.removeLast(seq: 7)  // not the last: ignored
        #expect(index.nearDuplicates(of: sketch(story(1)), threshold: 0.7).map(\.seq) == [1])
    }

    @Test func rebuiltFromSeqsAndSketchesAnswersTheSame() {
        var index = NearDuplicateIndex()
        for seq in 1...3_000 { index.insert(sketch(story(UInt64(seq % 1_000))), seq: UInt64(seq)) }
        let rebuilt = NearDuplicateIndex(seqs: index.seqs, sketches: index.sketchBytes)
        for probe in [1, 500, 999] as [UInt64] {
            #expect(rebuilt.nearDuplicates(of: sketch(story(probe)), threshold: 0.7)
                    == index.nearDuplicates(of: sketch(story(probe)), threshold: 0.7))
        }
        #expect(index.nearDuplicates(of: sketch(story(500)), threshold: 0.7).map(\.seq) == [500, 1_500, 2_500])
    }

    @Test func mostSimilarComparesWithEveryArticle() {
        var index = NearDuplicateIndex()
        index.insert(sketch(story(1)), seq: 1)
        index.insert(sketch(story(1, editEvery: 12)), seq: 2)
        let found = index.mostSimilar(to: sketch(story(1)), minimum: 0.05, limit: 5)
        #expect(found.map(\.seq) == [1, 2])
        #expect(found[1].similarity < 0.7)
    }
}
