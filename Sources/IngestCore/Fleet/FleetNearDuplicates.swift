/// Near-duplicates across the fleet: the same banding and threshold as ``NearDuplicateIndex`` on
/// one host, over the fleet's originals, wherever they were journaled.
///
/// The fleet's database keeps each original's sketch and its 16 band keys (``bandKeys(of:)``) in
/// an indexed table. A shipping transaction looks up every key of its batch's new originals at
/// once, and ``find(for:among:threshold:)`` compares each new article with the earlier articles
/// it shares a band with (found in the table, or earlier in the same batch) on all 128 bins.
public enum FleetNearDuplicates {
    /// An original of the fleet: where it is in the fleet's order, where it was journaled, and
    /// its sketch.
    public struct Article: Sendable, Equatable {
        public var position: Int64
        public var host: String
        public var seq: UInt64
        public var sketch: MinHashSketch

        public init(position: Int64, host: String, seq: UInt64, sketch: MinHashSketch) {
            self.position = position
            self.host = host
            self.seq = seq
            self.sketch = sketch
        }
    }

    /// An earlier article of the fleet found similar to a new one.
    public struct Match: Sendable, Equatable {
        public var host: String
        public var seq: UInt64
        /// Estimated Jaccard similarity of word 5-shingles, 0...1.
        public var similarity: Double

        public init(host: String, seq: UInt64, similarity: Double) {
            self.host = host
            self.seq = seq
            self.similarity = similarity
        }
    }

    /// The sketch's 16 band keys as the fleet's table holds them: the band's number in the high
    /// 32 bits, its four bins in the low 32. Empty for an empty sketch (similar to nothing).
    public static func bandKeys(of sketch: MinHashSketch) -> [Int64] {
        guard !sketch.isEmpty else { return [] }
        return NearDuplicateIndex.bandKeys(sketch.bins).enumerated().map { Int64($0) << 32 | Int64($1) }
    }

    /// For each of `articles` (new originals, in position order): the earlier articles, among
    /// `known` and the new ones before it, that share a band with it and are at least `threshold`
    /// similar; best first (ties: earlier position first), at most
    /// ``NearDuplicateIndex/reportLimit``.
    public static func find(for articles: [Article], among known: [Article], threshold: Double) -> [[Match]] {
        var byKey: [Int64: [Int]] = [:]
        var all = known
        for (index, article) in known.enumerated() {
            for key in bandKeys(of: article.sketch) { byKey[key, default: []].append(index) }
        }
        return articles.map { article in
            let keys = bandKeys(of: article.sketch)
            var candidates = Set<Int>()
            for key in keys { candidates.formUnion(byKey[key] ?? []) }
            let matches = candidates.map { all[$0] }
                .filter { $0.position < article.position }
                .map { (earlier: $0, similarity: article.sketch.similarity(to: $0.sketch)) }
                .filter { $0.similarity >= threshold }
                .sorted { ($0.similarity, $1.earlier.position) > ($1.similarity, $0.earlier.position) }
                .prefix(NearDuplicateIndex.reportLimit)
                .map { Match(host: $0.earlier.host, seq: $0.earlier.seq, similarity: $0.similarity) }
            for key in keys { byKey[key, default: []].append(all.count) }
            all.append(article)
            return matches
        }
    }

    /// The matches as the fleet's `near_duplicates`:
    /// `[{"host":"crawler-2","seq":12,"similarity":0.914},…]`.
    public static func json(_ matches: [Match]) -> String {
        var buffer: [UInt8] = Array("[".utf8)
        for (index, match) in matches.enumerated() {
            if index > 0 { buffer.append(UInt8(ascii: ",")) }
            buffer += Array("{\"host\":".utf8)
            JSONString.append(match.host, to: &buffer)
            buffer += Array(",\"seq\":\(match.seq),\"similarity\":\(JSONObjectFormat.threeDecimals(match.similarity))}".utf8)
        }
        buffer.append(UInt8(ascii: "]"))
        return String(decoding: buffer, as: UTF8.self)
    }
}
