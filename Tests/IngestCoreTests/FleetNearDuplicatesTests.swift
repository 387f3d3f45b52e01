import IngestCore
import IngestTestSupport
import Testing

@Suite struct FleetNearDuplicatesTests {
    /// Stories of 300 words; story k of a family replaces every (40 + 10k)-th word of the family's
    /// base, so stories of one family are near-copies of one another at various similarities.
    private func stories(families: Int, perFamily: Int, seed: UInt64) -> [MinHashSketch] {
        var random = SeededGenerator(seed: seed)
        return (0..<families).flatMap { family in
            let base = (0..<300).map { _ in "w\(random.next() % 1_000_000)" }
            return (0..<perFamily).map { story in
                var words = base
                for index in stride(from: story, to: words.count, by: 40 + 10 * story) { words[index] = "f\(family)s\(story)i\(index)" }
                return MinHashSketch(canonicalText: CanonicalText.canonicalUTF8(words.joined(separator: " ")))
            }
        }
    }

    @Test func bandKeysCarryTheBandNumberAndFourBins() {
        let sketch = MinHashSketch(bins: (0..<128).map { UInt8($0) })!
        let keys = FleetNearDuplicates.bandKeys(of: sketch)
        #expect(keys.count == NearDuplicateIndex.bands)
        #expect(keys[0] == 0x0001_0203 && keys[1] == 1 << 32 | 0x0405_0607 && keys[15] == 15 << 32 | 0x3C3D_3E3F)
        #expect(FleetNearDuplicates.bandKeys(of: MinHashSketch(canonicalText: [])).isEmpty)
    }

    /// Over one host, in batches of any size, the fleet finds what the daemon's index finds.
    @Test(arguments: [1, 7, 64])
    func findsWhatTheHostsIndexFinds(batchSize: Int) {
        let sketches = stories(families: 12, perFamily: 6, seed: UInt64(batchSize))
        var index = NearDuplicateIndex()
        var expected: [[FleetNearDuplicates.Match]] = []
        for (offset, sketch) in sketches.enumerated() {
            let seq = UInt64(offset + 1)
            expected.append(index.nearDuplicates(of: sketch, threshold: 0.5).map { .init(host: "h", seq: $0.seq, similarity: $0.similarity) })
            index.insert(sketch, seq: seq)
        }
        let articles = sketches.enumerated().map { FleetNearDuplicates.Article(position: Int64($0 + 1), host: "h", seq: UInt64($0 + 1), sketch: $1) }
        var found: [[FleetNearDuplicates.Match]] = []
        for start in stride(from: 0, to: articles.count, by: batchSize) {
            let batch = Array(articles[start..<min(start + batchSize, articles.count)])
            let keys = Set(batch.flatMap { FleetNearDuplicates.bandKeys(of: $0.sketch) })
            let known = articles[..<start].filter { !keys.isDisjoint(with: FleetNearDuplicates.bandKeys(of: $0.sketch)) }
            found += FleetNearDuplicates.find(for: batch, among: Array(known), threshold: 0.5)
        }
        #expect(found == expected)
        #expect(found.contains { $0.count >= 3 }, "the families must give near-duplicates to compare")
    }

    @Test func laterArticlesAreNotCandidatesAndHostsAreKept() {
        let sketches = stories(families: 1, perFamily: 3, seed: 9)
        let known = [FleetNearDuplicates.Article(position: 5, host: "crawler-2", seq: 40, sketch: sketches[0]),
                     FleetNearDuplicates.Article(position: 9, host: "crawler-3", seq: 2, sketch: sketches[1])]
        let new = FleetNearDuplicates.Article(position: 7, host: "crawler-1", seq: 12, sketch: sketches[2])
        let found = FleetNearDuplicates.find(for: [new], among: known, threshold: 0.3)
        #expect(found.count == 1 && found[0].map(\.host) == ["crawler-2"] && found[0][0].seq == 40)
        #expect(FleetNearDuplicates.find(for: [new], among: known, threshold: 1).first == [])
    }

    @Test func matchesAreWrittenAsTheFleetsJSON() {
        let matches = [FleetNearDuplicates.Match(host: "crawler \"2\"", seq: 12, similarity: 0.9137),
                       FleetNearDuplicates.Match(host: "مضيف", seq: 3, similarity: 1)]
        #expect(FleetNearDuplicates.json(matches)
                == #"[{"host":"crawler \"2\"","seq":12,"similarity":0.914},{"host":"مضيف","seq":3,"similarity":1}]"#)
        #expect(FleetNearDuplicates.json([]) == "[]")
    }

    @Test func sketchesSurviveTheirHexForm() {
        let sketch = stories(families: 1, perFamily: 1, seed: 4)[0]
        #expect(MinHashSketch(hex: sketch.hex) == sketch)
        #expect(MinHashSketch(hex: sketch.hex.uppercased()) == sketch)
        #expect(MinHashSketch(hex: "0g" + sketch.hex.dropFirst(2)) == nil)
        #expect(MinHashSketch(hex: sketch.hex.dropLast(2)) == nil)
    }
}
