import IngestCore

/// Measures near-duplicate detection against the exact answer: recall of pairs whose true
/// Jaccard similarity is at least the threshold, and precision (the share of reported pairs whose
/// true similarity is at least `precisionFloor`).
///
/// Ground truth is computed from the shingles themselves, independently of ``MinHashSketch``:
/// each shingle is its five words joined by a space, hashed with Swift's `Hasher` (64 bits, seeded
/// per process, so a collision is as unlikely as it gets and never the same twice).
public struct NearDuplicateQuality: Sendable {
    public var articles = 0
    public var truePairs = 0
    public var reportedPairs = 0
    public var foundTruePairs = 0
    public var preciseReportedPairs = 0

    public var recall: Double { truePairs == 0 ? 1 : Double(foundTruePairs) / Double(truePairs) }
    public var precision: Double { reportedPairs == 0 ? 1 : Double(preciseReportedPairs) / Double(reportedPairs) }

    /// Feeds the distinct articles (exact duplicates dropped, as the journal records them as
    /// duplicates) through a ``NearDuplicateIndex`` in order, as the daemon would, and compares.
    public static func measure(canonicalTexts: [[UInt8]], threshold: Double = 0.7, precisionFloor: Double = 0.5) -> NearDuplicateQuality {
        var seen = Set<[UInt8]>()
        let texts = canonicalTexts.filter { seen.insert($0).inserted }
        var index = NearDuplicateIndex()
        var reported: [(Int, Int)] = []
        for (position, text) in texts.enumerated() {
            let sketch = MinHashSketch(canonicalText: text)
            for near in index.nearDuplicates(of: sketch, threshold: threshold) { reported.append((Int(near.seq), position)) }
            index.insert(sketch, seq: UInt64(position))
        }
        let exact = exactSimilarities(texts)
        var quality = NearDuplicateQuality(articles: texts.count)
        quality.truePairs = exact.values.filter { $0 >= threshold }.count
        quality.reportedPairs = reported.count
        for (earlier, later) in reported {
            let truth = exact[pairKey(earlier, later)] ?? 0
            if truth >= threshold { quality.foundTruePairs += 1 }
            if truth >= precisionFloor { quality.preciseReportedPairs += 1 }
        }
        return quality
    }

    /// The exact Jaccard similarity of two canonical texts' word 5-shingle sets.
    public static func exactSimilarity(_ a: [UInt8], _ b: [UInt8]) -> Double {
        let (first, second) = (shingles(a), shingles(b))
        let union = first.union(second).count
        return union == 0 ? 0 : Double(first.intersection(second).count) / Double(union)
    }

    /// The shingle set: five words joined by a space; a text of one to four words is one shingle.
    public static func shingles(_ text: [UInt8]) -> Set<Int> {
        let words = text.split(separator: UInt8(ascii: " ")).map { String(decoding: $0, as: UTF8.self) }
        guard !words.isEmpty else { return [] }
        let width = min(5, words.count)
        return Set((0...(words.count - width)).map { words[$0..<$0 + width].joined(separator: " ").hashValue })
    }

    /// Exact similarity of every pair that shares at least one shingle (all others are 0), through
    /// an inverted index from shingle to articles.
    static func exactSimilarities(_ texts: [[UInt8]]) -> [UInt64: Double] {
        let sets = texts.map(shingles)
        var postings: [Int: [Int32]] = [:]
        for (article, set) in sets.enumerated() {
            for shingle in set { postings[shingle, default: []].append(Int32(article)) }
        }
        var shared: [UInt64: Int] = [:]
        for articles in postings.values where articles.count > 1 {
            for i in 0..<articles.count {
                for j in (i + 1)..<articles.count { shared[pairKey(Int(articles[i]), Int(articles[j])), default: 0] += 1 }
            }
        }
        return shared.mapValues { _ in 0 }.reduce(into: [:]) { result, entry in
            let (a, b) = (Int(entry.key >> 32), Int(entry.key & 0xFFFF_FFFF))
            let common = shared[entry.key]!
            result[entry.key] = Double(common) / Double(sets[a].count + sets[b].count - common)
        }
    }

    static func pairKey(_ a: Int, _ b: Int) -> UInt64 {
        UInt64(min(a, b)) << 32 | UInt64(max(a, b))
    }
}
