@testable import IngestCore
import IngestTestSupport
import Testing

@Suite struct PassageShinglesTests {
    /// Robust winnowing as its definition reads: in each window, the rightmost shingle of the
    /// smallest hash; a position selected by consecutive windows counts once.
    static func reference(_ words: [UInt8], window: Int) -> (keys: [UInt32], anchors: [Int32]) {
        guard words.count >= PassageShingles.shingleWords else { return ([], []) }
        let hashes = (0...(words.count - PassageShingles.shingleWords)).map { start in
            MinHashSketch.mix(words[start..<start + PassageShingles.shingleWords].reduce(0) { $0 << 8 | UInt64($1) })
        }
        let width = min(window, hashes.count)
        var anchors: [Int32] = []
        for start in 0...(hashes.count - width) {
            let best = (start..<start + width).reversed().min { hashes[$0] < hashes[$1] }!
            if anchors.last != Int32(best) { anchors.append(Int32(best)) }
        }
        var keys: [UInt32] = []
        for anchor in anchors {
            let key = PassageShingles.key(ofHash: hashes[Int(anchor)])
            if !keys.contains(key) { keys.append(key) }
        }
        return (keys, anchors)
    }

    /// Word bytes from a small alphabet repeat shingles, and so tie hashes; a large one does not.
    @Test(arguments: [2, 5, 256])
    func winnowingSelectsWhatItsDefinitionSays(alphabet: Int) {
        var random = SeededGenerator(seed: UInt64(alphabet))
        for length in [0, 7, 8, 9, 12, 13, 40, 333, 1_000] {
            let words = (0..<length).map { _ in UInt8(random.next() % UInt64(alphabet)) }
            for window in [1, 2, 5, 9] {
                let winnowed = PassageShingles.winnowed(words, window: window)
                let expected = Self.reference(words, window: window)
                #expect(winnowed.anchors == expected.anchors, "length \(length), window \(window)")
                #expect(winnowed.keys == expected.keys, "length \(length), window \(window)")
            }
        }
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
