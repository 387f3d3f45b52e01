/// The words and shingle fingerprints of the latest articles, from which the passages a new
/// article shares with earlier ones are found as it arrives (see ``PassageShingles``).
///
/// A new article's fingerprints are looked up; each earlier article that selected one of them is
/// a candidate, unless the fingerprint is a stock phrase (more than `maximumSources` articles
/// have it). Each candidate is then aligned with the new article word by word, from the word
/// bytes kept for it: every shingle the two share, runs of them on one diagonal, runs joined
/// across a word or two that differ (see ``alignments(of:words:with:settings:isStock:)``). Passages
/// are credited to the earliest candidate that has their words.
///
/// Memory per article: a byte per word, 24 bytes of bookkeeping, and 8 bytes per fingerprint in a
/// table kept between 60% and 80% full.
public struct PassageIndex: Sendable {
    public let settings: PassageSettings

    /// The articles, oldest first, from `firstLive` on; those before it have left the index and
    /// wait to be compacted away.
    private var spans: [Span] = []
    private var firstLive = 0
    /// The ordinal of `spans[0]`; ordinals count every article ever inserted, modulo 2³².
    private var firstOrdinal: UInt32 = 0
    /// The words of all spans, back to back.
    private var words: [UInt8] = []
    private var table = PostingTable()
    /// Keys that more than `maximumSources` articles have posted: asked for every shingle of a
    /// new article that an earlier one shares, which a set answers in one probe where the table
    /// would walk a run of postings. A key stays in it when articles that had it leave the index.
    private var stockKeys = Set<UInt32>()

    struct Span: Sendable {
        var seq: UInt64
        var start: Int
        var count: Int
    }

    public init(settings: PassageSettings = PassageSettings()) {
        self.settings = settings
    }

    /// Articles in the index.
    public var count: Int { spans.count - firstLive }

    /// Bytes held for the articles in the index: words, bookkeeping and the table.
    public var byteCount: Int {
        words.count + spans.count * MemoryLayout<Span>.stride + table.byteCount + stockKeys.capacity * MemoryLayout<UInt32>.stride
    }

    /// The seqs and word bytes of the articles in the index, oldest first (for checkpoints).
    public var articles: [IndexCheckpoint.PassageArticle] {
        spans[firstLive...].map { .init(seq: $0.seq, words: Array(words[$0.start..<$0.start + $0.count])) }
    }

    /// An index holding these articles (from a checkpoint), oldest first.
    public init(settings: PassageSettings, articles: [IndexCheckpoint.PassageArticle]) {
        self.init(settings: settings)
        let kept = articles.suffix(settings.horizon)
        let fingerprints = kept.map { PassageShingles(words: $0.words, minimumWords: settings.minimumWords) }
        let postings = fingerprints.reduce(0) { $0 + $1.keys.count }
        words.reserveCapacity(kept.reduce(0) { $0 + $1.words.count })
        spans.reserveCapacity(kept.count)
        table.reserve(postings: postings) { _ in true }
        for (article, shingles) in zip(kept, fingerprints) { insert(shingles, seq: article.seq) }
    }

    /// Adds an article. Articles shorter than a passage are not kept: they can share none.
    public mutating func insert(_ shingles: PassageShingles, seq: UInt64) {
        guard shingles.words.count >= settings.minimumWords else { return }
        if count >= settings.horizon { evictOldest() }
        let ordinal = firstOrdinal &+ UInt32(truncatingIfNeeded: spans.count)
        spans.append(Span(seq: seq, start: words.count, count: shingles.words.count))
        words += shingles.words
        let cap = settings.maximumSources, live = liveOrdinals
        for key in shingles.keys where table.insert(key: key, ordinal: ordinal, cap: cap, isLive: live.contains) > cap {
            stockKeys.insert(key)
        }
    }

    /// Takes back the article `seq` if it was the last one added (undoing an insert whose record
    /// never reached the journal).
    public mutating func removeLast(seq: UInt64) {
        guard count > 0, let last = spans.last, last.seq == seq else { return }
        let ordinal = firstOrdinal &+ UInt32(truncatingIfNeeded: spans.count - 1)
        let shingles = PassageShingles(words: Array(words[last.start...]), minimumWords: settings.minimumWords)
        for key in shingles.keys { table.remove(key: key, ordinal: ordinal) }
        words.removeLast(last.count)
        spans.removeLast()
    }

    /// The passages `article` shares with the articles in the index.
    public func reuse(of article: PassageShingles) -> PassageReuse {
        guard article.words.count >= settings.minimumWords else { return PassageReuse() }
        let candidates = candidates(for: article)
        guard !candidates.isEmpty else { return PassageReuse() }
        return credit(article, candidates: candidates)
    }

    // MARK: - Articles and ordinals

    /// Which ordinals are in the index, as plain values: a closure over `self` would hold a
    /// second reference to the table while it is being changed, and copy it on every insert.
    var liveOrdinals: LiveOrdinals { LiveOrdinals(first: firstOrdinal &+ UInt32(truncatingIfNeeded: firstLive), count: count) }

    /// The ordinals `first` to `first + count - 1`, modulo 2³².
    struct LiveOrdinals {
        var first: UInt32
        var count: Int

        @inline(__always)
        func contains(_ ordinal: UInt32) -> Bool { Int(ordinal &- first) < count }
    }

    func span(ofOrdinal ordinal: UInt32) -> Span { spans[Int(ordinal &- firstOrdinal)] }

    func words(of span: Span) -> ArraySlice<UInt8> { words[span.start..<span.start + span.count] }

    /// Whether the shingle with this key is a stock phrase.
    func isStock(_ key: UInt32) -> Bool {
        !stockKeys.isEmpty && stockKeys.contains(key)
    }

    /// The articles that selected one of `article`'s fingerprints that is not a stock phrase,
    /// by ordinal (oldest first).
    private func candidates(for article: PassageShingles) -> [UInt32] {
        var found: Set<UInt32> = []
        var postings: [UInt32] = []
        let limit = settings.maximumSources, live = liveOrdinals
        for key in article.keys {
            postings.removeAll(keepingCapacity: true)
            table.forEachPosting(of: key, isLive: live.contains) { ordinal in
                postings.append(ordinal)
                return postings.count <= limit
            }
            if postings.count <= limit { found.formUnion(postings) }
        }
        return found.sorted { $0 &- firstOrdinal < $1 &- firstOrdinal }
    }

    /// Lets the oldest article go. Its postings die with it (see ``PostingTable``); its words are
    /// compacted away once half the spans are gone.
    private mutating func evictOldest() {
        firstLive += 1
        guard firstLive >= 1024, firstLive * 2 >= spans.count else { return }
        let dropBytes = spans[firstLive].start
        words.removeFirst(dropBytes)
        spans.removeFirst(firstLive)
        for index in spans.indices { spans[index].start -= dropBytes }
        firstOrdinal = firstOrdinal &+ UInt32(truncatingIfNeeded: firstLive)
        firstLive = 0
    }
}
