@testable import IngestCore
import IngestTestSupport
import Testing

@Suite struct PassageShinglesTests {
    /// Mod-sampling as its definition reads: in each window of `window` shingles, the rightmost of
    /// the runs of `sampled` words with the smallest hash (its top 48 bits); the shingle at its
    /// offset in the window modulo `window`. A position selected by consecutive windows counts
    /// once. Also the keys of all shingles.
    static func reference(_ words: [UInt8], window: Int) -> (shingleKeys: [UInt32], anchors: [Int32]) {
        let width = PassageShingles.shingleWords
        guard words.count >= width else { return ([], []) }
        func value(_ run: ArraySlice<UInt8>) -> UInt64 { run.reduce(0) { $0 << 8 | UInt64($1) } }
        let keys = (0...(words.count - width)).map { PassageShingles.key(ofShingle: value(words[$0..<$0 + width])) }
        let window = min(window, keys.count)
        let sampled = PassageShingles.sampledWords(window: window)
        let runHashes = (0...(words.count - sampled)).map { MinHashSketch.mix(value(words[$0..<$0 + sampled])) >> 16 }
        var anchors: [Int32] = []
        for start in 0...(keys.count - window) {
            let runs = start..<start + window + width - sampled
            let best = runs.reversed().min { runHashes[$0] < runHashes[$1] }!
            let selected = start + (best - start) % window
            #expect(selected + width >= best + sampled, "the shingle selected holds the run")
            if anchors.last != Int32(selected) { anchors.append(Int32(selected)) }
        }
        return (keys, anchors)
    }

    /// Word bytes from a small alphabet repeat shingles, and so tie hashes; a large one does not.
    @Test(arguments: [2, 5, 256])
    func samplingSelectsWhatItsDefinitionSays(alphabet: Int) {
        var random = SeededGenerator(seed: UInt64(alphabet))
        for length in [0, 7, 8, 9, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 25, 40, 333, 1_000] {
            let words = (0..<length).map { _ in UInt8(random.next() % UInt64(alphabet)) }
            for window in [1, 2, 3, 4, 5, 9] {
                let sampled = PassageShingles.sampled(words, window: window)
                let expected = Self.reference(words, window: window)
                #expect(sampled.anchors == expected.anchors, "length \(length), window \(window)")
                #expect(sampled.keys == expected.anchors.map { expected.shingleKeys[Int($0)] }, "length \(length), window \(window)")
            }
        }
    }

    /// Positions are packed into 16 bits of a run's rank: the longest article compared still
    /// selects what the definition says.
    @Test func theLongestArticleComparedIsSampledAsDefined() {
        var random = SeededGenerator(seed: 65)
        let words = (0..<PassageShingles.maximumWords + 100).map { _ in UInt8(truncatingIfNeeded: random.next()) }
        let shingles = PassageShingles(words: words, minimumWords: 12)
        let expected = Self.reference(Array(words.prefix(PassageShingles.maximumWords)), window: 5)
        #expect(shingles.words.count == PassageShingles.maximumWords)
        #expect(shingles.anchors == expected.anchors)
        #expect(shingles.keys == expected.anchors.map { expected.shingleKeys[Int($0)] })
    }

    @Test func aboutThreeShinglesInElevenAreSelectedForATwelveWordMinimum() {
        var random = SeededGenerator(seed: 11)
        let words = (0..<60_000).map { _ in UInt8(truncatingIfNeeded: random.next()) }
        let shingles = PassageShingles(words: words, minimumWords: 12)
        let density = Double(shingles.anchors.count) / Double(words.count - 7)
        #expect(abs(density - 3.0 / 11.0) < 0.01, "\(density)")
    }

    @Test func aRunOfTheWindowAndSevenWordsSharesAnAnchorWithEveryArticleThatHasIt() {
        var random = SeededGenerator(seed: 9)
        let run = (0..<12).map { _ in UInt8(truncatingIfNeeded: random.next()) }
        for _ in 0..<200 {
            let before = (0..<Int(random.next() % 30)).map { _ in UInt8(truncatingIfNeeded: random.next()) }
            let after = (0..<Int(random.next() % 30)).map { _ in UInt8(truncatingIfNeeded: random.next()) }
            let shingles = PassageShingles(words: before + run + after, minimumWords: 12)
            let inRun = shingles.anchors.filter { Int($0) >= before.count && Int($0) + 8 <= before.count + run.count }
            #expect(!inRun.isEmpty)
        }
    }
}
