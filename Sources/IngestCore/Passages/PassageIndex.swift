/// The words and shingle fingerprints of the latest articles, from which the passages a new
/// article shares with earlier ones are found as it arrives (see ``PassageShingles``).
///
/// A new article's fingerprints are looked up; each earlier article that selected one of them is
/// a candidate, unless the fingerprint is a stock phrase (more than `maximumSources` articles
/// have it). Each candidate is then aligned with the new article from the word bytes kept for
/// it: shared shingles extended over the words the two have verbatim, then across a word or two
/// that differ (see ``alignments(of:words:with:settings:skips:)``). Passages are credited
/// to the earliest candidate that has their words.
///
/// Memory per article: a byte per word, 24 bytes of bookkeeping, and 8 bytes per fingerprint in a
/// table kept between 60% and 80% full (from 45% while the index is still filling up).
public struct PassageIndex: Sendable {
    public let settings: PassageSettings
    /// ``skips(bridging:)`` for the settings' bridge, made once rather than per article aligned.
    let skips: [(Int, Int)]

    /// The articles, oldest first, from `firstLive` on; those before it have left the index and
    /// wait to be compacted away.
    private(set) var spans: [Span] = []
    private var firstLive = 0
    /// The ordinal of `spans[0]`; ordinals count every article ever inserted, modulo 2³².
    private(set) var firstOrdinal: UInt32 = 0
    /// The words of all spans, back to back.
    private(set) var words: [UInt8] = []
    private var table = PostingTable()
    /// Keys that more than `maximumSources` articles have posted: asked for every shingle of a
    /// new article that an earlier one shares, which a set answers in one probe where the table
    /// would walk a run of postings. A key stays in it when articles that had it leave the index.
    private(set) var stockKeys = KeySet()
    /// What ``PostingTable/touch(_:)`` returns, kept so its loads are made.
    private var touched: UInt64 = 0
    /// The postings the last article's walks found, kept for its capacity (see ``post(_:seq:findingCandidates:)``).
    private var found: [UInt32] = []

    struct Span: Sendable {
        var seq: UInt64
        var start: Int
        var count: Int
    }

    public init(settings: PassageSettings = PassageSettings()) {
        self.settings = settings
        skips = Self.skips(bridging: settings.bridgedWords)
    }

    /// Articles in the index.
    public var count: Int { spans.count - firstLive }

    /// Bytes held for the articles in the index: words, bookkeeping and the table.
    public var byteCount: Int {
        words.count + spans.count * MemoryLayout<Span>.stride + table.byteCount + stockKeys.byteCount
    }

    /// The seqs and word bytes of the articles in the index, oldest first (for checkpoints).
    public var articles: [IndexCheckpoint.PassageArticle] {
        spans[firstLive...].map { .init(seq: $0.seq, words: Array(words[$0.start..<$0.start + $0.count])) }
    }

    /// An index holding these articles (from a checkpoint), oldest first.
    public init(settings: PassageSettings, articles: [IndexCheckpoint.PassageArticle]) {
        self.init(settings: settings)
        let kept = articles.suffix(settings.horizon)
        // Shingled one at a time as they are inserted: all of them at once would hold about a
        // kilobyte per article besides the index. The table is sized from the share of shingles
        // the sampling selects.
        let density = PassageShingles.density(window: PassageShingles.window(minimumWords: settings.minimumWords))
        let postings = kept.reduce(0) { total, article in
            total + Int(Double(PassageShingles.shingleCount(words: article.words.count)) * density)
        }
        words.reserveCapacity(kept.reduce(0) { $0 + $1.words.count })
        spans.reserveCapacity(kept.count)
        table.reserve(postings: postings, isLive: liveOrdinals)
        for article in kept { insert(PassageShingles(words: article.words, minimumWords: settings.minimumWords), seq: article.seq) }
    }

    /// Adds an article. Articles shorter than a passage are not kept: they can share none.
    public mutating func insert(_ shingles: PassageShingles, seq: UInt64) {
        guard shingles.words.count >= settings.minimumWords else { return }
        let posted = post(shingles, seq: seq, findingCandidates: false)
        settle(posted.stock)
    }

    /// The passages `article` shares with the articles in the index, after which it is added:
    /// ``reuse(of:)`` and ``insert(_:seq:)`` in one walk of the table.
    public mutating func add(_ article: PassageShingles, seq: UInt64) -> PassageReuse {
        guard article.words.count >= settings.minimumWords else { return PassageReuse() }
        let posted = post(article, seq: seq, findingCandidates: true)
        // Aligned before the keys it made stock are marked, as `reuse(of:)` would see them.
        let reuse = posted.candidates.isEmpty ? PassageReuse() : credit(article, candidates: posted.candidates)
        settle(posted.stock)
        return reuse
    }

    /// Appends the article's words and posts its keys. With `findingCandidates`, also returns the
    /// articles that had one of its keys that is not a stock phrase, oldest first; and the keys
    /// its postings make stock phrases, which the caller marks with ``settle(_:)``.
    private mutating func post(_ article: PassageShingles, seq: UInt64, findingCandidates: Bool)
        -> (candidates: [UInt32], stock: [UInt32])
    {
        let ordinal = firstOrdinal &+ UInt32(truncatingIfNeeded: spans.count)
        spans.append(Span(seq: seq, start: words.count, count: article.words.count))
        words += article.words
        let cap = settings.maximumSources, live = liveOrdinals
        // The walks' postings go into a buffer kept between articles: a few hundred of them, which
        // a fresh array would reach by growing five or six times.
        var candidates = takeFound()
        defer { found = candidates }
        var stock: [UInt32] = []
        touched ^= table.touch(article.keys)
        withUnsafeTemporaryAllocation(of: UInt32.self, capacity: RecentOrdinals.slotCount) { slots in
            // Only candidates are kept from one walk to the next: without them, each walk's
            // postings are taken off again, and a table of recent ones would save nothing.
            let recent = findingCandidates ? RecentOrdinals(clearing: slots) : nil
            // A stock phrase stays one: its postings would find no candidate and mark nothing.
            for key in article.keys where !stockKeys.contains(key) {
                // The walk appends the key's postings to the candidates; a stock phrase's are taken off again.
                let kept = candidates.count
                var keepsFound = false
                // nil: a key the article selected before finds its own posting, and what it found then.
                if let before = table.insert(key: key, ordinal: ordinal, cap: cap, isLive: live, found: &candidates,
                                             recent: recent) {
                    if before >= cap { stock.append(key) }
                    keepsFound = findingCandidates && before <= cap
                }
                guard !keepsFound, candidates.count > kept else { continue }
                // Only those this walk appended: the ones it met that earlier keys appended stay candidates.
                if let recent { for taken in candidates[kept...] { recent.remove(taken) } }
                candidates.removeSubrange(kept...)
            }
        }
        return (oldestFirst(distinct: candidates), stock)
    }

    /// The buffer of ``found``, emptied, leaving an empty array in its place (so that it is not
    /// shared while the walks append to it). One that a page of thousands of keys grew is let go.
    private mutating func takeFound() -> [UInt32] {
        var taken: [UInt32] = []
        swap(&taken, &found)
        taken.removeAll(keepingCapacity: taken.capacity <= Self.keptFoundCapacity)
        return taken
    }

    /// The most postings ``found`` keeps room for between articles: 64 KiB.
    private static let keptFoundCapacity = 16_384

    /// The distinct ordinals among `ordinals`, oldest first. Each earlier article comes once per
    /// key it shares, so there are many repeats and few distinct ones: they are set apart with
    /// a small table first, and only those are sorted. The table is sized for a few distinct
    /// ones at first, and for all of `ordinals` if there are more.
    private func oldestFirst(distinct ordinals: [UInt32]) -> [UInt32] {
        guard ordinals.count > 1 else { return ordinals }
        var size = 16
        while size < ordinals.count * 2 { size *= 2 }
        var ages = Self.distinctAges(ordinals, first: firstOrdinal, tableSize: min(size, 64))
            ?? Self.distinctAges(ordinals, first: firstOrdinal, tableSize: size)!
        // In place: an article's candidates are a few, and each new array is an allocation.
        ages.sort()
        for index in ages.indices { ages[index] &+= firstOrdinal }
        return ages
    }

    /// The distinct `ordinal - first` among `ordinals`, in the order found; nil if more than
    /// half of `tableSize` (a power of two).
    private static func distinctAges(_ ordinals: [UInt32], first: UInt32, tableSize size: Int) -> [UInt32]? {
        var seen = [UInt32](repeating: 0, count: size)
        var ages: [UInt32] = []
        // All it can hold (half the table) at once, rather than by doublings from empty.
        ages.reserveCapacity(size / 2)
        let complete = seen.withUnsafeMutableBufferPointer { seen in
            for ordinal in ordinals {
                // Ages are below the horizon, so age + 1 is never 0 (empty).
                let tag = (ordinal &- first) &+ 1
                var slot = Int(truncatingIfNeeded: (UInt64(tag) &* 0x9E37_79B9_7F4A_7C15) >> 40) & (size - 1)
                while seen[slot] != 0 && seen[slot] != tag { slot = (slot + 1) & (size - 1) }
                guard seen[slot] == 0 else { continue }
                guard ages.count * 2 < size else { return false }
                seen[slot] = tag
                ages.append(tag &- 1)
            }
            return true
        }
        return complete ? ages : nil
    }

    /// Marks the keys an insertion made stock phrases, and lets the oldest article go if the
    /// index is now over its horizon.
    private mutating func settle(_ stock: [UInt32]) {
        for key in stock { stockKeys.insert(key) }
        if count > settings.horizon { evictOldest() }
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

    /// The articles that selected one of `article`'s fingerprints that is not a stock phrase,
    /// by ordinal (oldest first).
    private func candidates(for article: PassageShingles) -> [UInt32] {
        var candidates: [UInt32] = [], postings: [UInt32] = []
        let limit = settings.maximumSources, live = liveOrdinals
        for key in article.keys where !stockKeys.contains(key) {
            postings.removeAll(keepingCapacity: true)
            table.forEachPosting(of: key, isLive: live) { ordinal in
                postings.append(ordinal)
                return postings.count <= limit
            }
            if postings.count <= limit { candidates += postings }
        }
        return oldestFirst(distinct: candidates)
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
