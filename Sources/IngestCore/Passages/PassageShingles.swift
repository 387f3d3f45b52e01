/// What the shared-passage index keeps of one article: a byte per canonical word, and the
/// sampled fingerprints of its 8-word shingles.
///
/// Words: each canonical word (see ``CanonicalText``) is hashed to one byte. Eight consecutive
/// bytes are a shingle's 64-bit value, so shingles are compared, and an earlier article's
/// shingles recomputed, from one byte per word. Two different words share a byte 1 time in 256;
/// two different shingles share a value only if all eight words do.
///
/// Fingerprints: in every window of `window` consecutive shingles one is selected, by what the
/// window's words are alone (mod-sampling, a variant of winnowing: see ``sampled(_:window:)``).
/// Any run of `window + 7` identical words holds a whole window, so two articles that share such
/// a run select at least one shingle of it in common: with the window of a 12-word minimum (5
/// shingles), every shared 12-word run is found. About 3 in 11 of the shingles are then
/// selected; each is kept as a 32-bit key, once per article.
///
/// Computing this is pure and independent per article: it is done where the file is parsed.
public struct PassageShingles: Sendable, Equatable {
    /// Words per shingle.
    public static let shingleWords = 8
    /// Articles are compared on their first this many words: news articles are far shorter, and
    /// a page of millions of words must not cost the index or the alignment more than this.
    public static let maximumWords = 65_536

    /// One byte per canonical word of the article's title and body.
    public let words: [UInt8]
    /// The selected shingles' keys, one per anchor, in the order of the article. A shingle the
    /// article repeats may be selected more than once; the index posts it once (see
    /// ``PostingTable/insert(key:ordinal:cap:isLive:found:recent:)``), which costs less than making the
    /// keys distinct for every article.
    public let keys: [UInt32]
    /// Where the selected shingles start, in ascending order: the new article's side of the seeds
    /// from which it is aligned with earlier ones (a shared run of `window + 7` words holds one).
    let anchors: [Int32]

    /// The shingles of the canonical words with these hashes (``MinHashSketch/wordHashes(_:)``),
    /// with fingerprints for passages of at least `minimumWords` words.
    public init(wordHashes: UnsafeBufferPointer<UInt64>, minimumWords: Int) {
        let count = min(wordHashes.count, Self.maximumWords)
        let words = [UInt8](unsafeUninitializedCapacity: count) { words, initialized in
            for index in 0..<count { words[index] = Self.wordByte(wordHashes[index]) }
            initialized = count
        }
        self.init(sampling: words, minimumWords: minimumWords)
    }

    /// The same, from an array of word hashes.
    public init(wordHashes: [UInt64], minimumWords: Int) {
        self = wordHashes.withUnsafeBufferPointer { PassageShingles(wordHashes: $0, minimumWords: minimumWords) }
    }

    /// The shingles of an article of which only the word bytes are known (from a checkpoint).
    public init(words: [UInt8], minimumWords: Int) {
        self.init(sampling: words.count > Self.maximumWords ? Array(words.prefix(Self.maximumWords)) : words,
                  minimumWords: minimumWords)
    }

    /// The shingles of `words`, at most ``maximumWords`` of them.
    private init(sampling words: [UInt8], minimumWords: Int) {
        self.words = words
        (keys, anchors) = Self.sampled(words, window: Self.window(minimumWords: minimumWords))
    }

    /// Shingles in the article: one per word but the last seven.
    var shingleCount: Int { Self.shingleCount(words: words.count) }

    /// Shingles in an article of `words` words.
    static func shingleCount(words: Int) -> Int { max(0, words - shingleWords + 1) }

    /// Equal words and keys (the anchors follow from the words).
    public static func == (lhs: PassageShingles, rhs: PassageShingles) -> Bool {
        lhs.words == rhs.words && lhs.keys == rhs.keys
    }

    /// Shingles per window: a run of `minimumWords` words holds one whole window.
    public static func window(minimumWords: Int) -> Int {
        max(1, minimumWords - shingleWords + 1)
    }

    /// The byte of a word's 64-bit hash: its top byte, after mixing.
    @inline(__always)
    static func wordByte(_ hash: UInt64) -> UInt8 {
        UInt8(truncatingIfNeeded: MinHashSketch.mix(hash) >> 56)
    }

    /// The value of the shingle that starts at word `start` of `words`.
    @inline(__always)
    static func shingle(at start: Int, in words: UnsafeBufferPointer<UInt8>) -> UInt64 {
        precondition(start >= 0 && start + shingleWords <= words.count)
        return shingle(at: start, after: UnsafeRawPointer(words.baseAddress!))
    }

    /// The value of the shingle whose words start `start` bytes after `base`, unchecked: for the
    /// loops over an article's shingles that check their bounds once, from which the compiler
    /// does not drop ``shingle(at:in:)``'s precondition (5,000 instructions more per article).
    @inline(__always)
    static func shingle(at start: Int, after base: UnsafeRawPointer) -> UInt64 {
        base.loadUnaligned(fromByteOffset: start, as: UInt64.self).bigEndian
    }

    /// The key a shingle is indexed under: the high 32 bits of its value times an odd constant
    /// (multiply-shift hashing, which every word's byte reaches), never 0 or all ones (the
    /// table's empty and removed marks). The sampling ranks runs by another hash, so the
    /// selected shingles' keys stay uniform, and the table places keys by their high bits.
    @inline(__always)
    static func key(ofShingle value: UInt64) -> UInt32 {
        min(max(UInt32(truncatingIfNeeded: (value &* 0x9E37_79B9_7F4A_7C15) >> 32), 1), .max - 1)
    }

    /// Words per sampled run (see ``sampled(_:window:)``) for windows of `window` shingles: three,
    /// or more, so that a shingle is longer than a run by a multiple of the window. Three words
    /// repeat within a window rarely, which the sampling's density relies on.
    static func sampledWords(window: Int) -> Int {
        3 + (shingleWords - 3) % window
    }

    /// The share of shingles the sampling selects from random words, for windows of `window`
    /// shingles: 3 in 11 for a 12-word minimum (Groot Koerkamp and Pibiri's density).
    static func density(window: Int) -> Double {
        let slack = shingleWords - sampledWords(window: window)
        return Double(2 + slack / window) / Double(window + slack + 1)
    }

    /// Mod-sampling (Groot Koerkamp and Pibiri, WABI 2024), a variant of robust winnowing that
    /// selects fewer shingles with the same guarantee. Each window of `window` shingles spans
    /// `window + 7` words; of the runs of ``sampledWords(window:)`` words in it, the one with the
    /// smallest rank (see ``rank(ofRun:at:)``: its hash, the rightmost on ties) is found, and the
    /// shingle selected is the one at its offset in the window modulo `window`, which contains
    /// it. What a window selects depends on its words alone, so two articles that share a window
    /// select the same shingle in it; and as the window slides the selection only moves forward.
    /// For a 12-word minimum (windows of 5 shingles, runs of 3 words) about 3 shingles in 11 are
    /// selected, where winnowing selects 1 in 3: fewer postings to look up and store for the same
    /// passages found. With windows of 6 shingles or more (a minimum of 13 words or more) the
    /// sampled runs are whole shingles, and this is winnowing.
    ///
    /// Returns the selected shingles' keys and positions, in ascending order of position.
    static func sampled(_ words: [UInt8], window: Int) -> (keys: [UInt32], anchors: [Int32]) {
        guard words.count >= shingleWords else { return ([], []) }
        precondition(words.count <= maximumWords, "runs are ranked with positions of 16 bits")
        let shingles = words.count - shingleWords + 1
        let width = min(window, shingles)
        let sampled = sampledWords(window: width)
        return words.withUnsafeBufferPointer { words in
            let runs = words.count - sampled + 1
            return withUnsafeTemporaryAllocation(of: UInt64.self, capacity: runs) { ranks in
                ranked(words, runsOf: sampled, into: ranks)
                let anchors = selected(UnsafeBufferPointer(ranks), window: width, span: width + shingleWords - sampled)
                let base = UnsafeRawPointer(words.baseAddress!)
                let keys = [UInt32](unsafeUninitializedCapacity: anchors.count) { keys, initialized in
                    for (index, anchor) in anchors.enumerated() {
                        keys[index] = key(ofShingle: shingle(at: Int(anchor), after: base))
                    }
                    initialized = anchors.count
                }
                return (keys, anchors)
            }
        }
    }

    /// Ranks each run of `sampled` words into `ranks` (one per run). Only the selected shingles'
    /// keys are made (by the caller): the alignment makes the others' when it needs them, for
    /// the few articles that have candidates, where every article would carry them to the index.
    private static func ranked(_ words: UnsafeBufferPointer<UInt8>, runsOf sampled: Int,
                               into ranks: UnsafeMutableBufferPointer<UInt64>) {
        let shingles = words.count - shingleWords + 1
        let runShift = UInt64(64 - 8 * sampled)
        let base = UnsafeRawPointer(words.baseAddress!)
        for start in 0..<shingles {
            let value = shingle(at: start, after: base)
            ranks[start] = rank(ofRun: value &>> runShift, at: start)
        }
        // The last runs are shorter than a shingle from where they start.
        for start in shingles..<ranks.count { ranks[start] = rank(ofRun: run(of: sampled, at: start, in: words), at: start) }
    }

    /// The order in which runs are sampled, as one integer: the top 48 bits of the run's hash,
    /// then its position reversed, so that the smallest rank is the smallest hash and, among
    /// equal hashes (the same words), the rightmost run. Positions are below 2¹⁶ (see
    /// ``maximumWords``).
    @inline(__always)
    static func rank(ofRun value: UInt64, at position: Int) -> UInt64 {
        MinHashSketch.mix(value) & ~0xFFFF | UInt64(truncatingIfNeeded: 0xFFFF &- position)
    }

    /// The shingle each window of `span` runs selects, each once, in order. The window's
    /// minimum rank is carried from one window to the next: the run that enters replaces it if
    /// smaller, and only when it leaves is the window scanned again, which for hashed runs is
    /// about once in `span` windows (at worst, every window: `span` comparisons each, 93 for a
    /// 100-word minimum). Ranks are distinct (they hold the run's position), so the
    /// smaller rank is the rightmost run on equal hashes, as ``rank(ofRun:at:)`` orders them.
    private static func selected(_ ranks: UnsafeBufferPointer<UInt64>, window: Int, span: Int) -> [Int32] {
        let windows = ranks.count - span + 1
        return [Int32](unsafeUninitializedCapacity: windows) { anchors, count in
            var best = smallest(ranks, in: 0..<span)
            var last = -1
            for start in 0..<windows {
                let end = start &+ span &- 1
                if best < start {
                    best = smallest(ranks, in: start..<end &+ 1)
                } else if ranks[end] < ranks[best] {
                    best = end
                }
                // The offset modulo the window, by subtraction: for a 12-word minimum a window
                // holds twice as many runs as shingles, and a division costs more than the rest.
                var offset = best &- start
                while offset >= window { offset &-= window }
                let selected = start &+ offset
                anchors[count] = Int32(truncatingIfNeeded: selected)
                count &+= selected != last ? 1 : 0
                last = selected
            }
        }
    }

    /// The position of the smallest rank among `runs` (not empty).
    @inline(__always)
    private static func smallest(_ ranks: UnsafeBufferPointer<UInt64>, in runs: Range<Int>) -> Int {
        var best = runs.lowerBound
        for run in runs.dropFirst() where ranks[run] < ranks[best] { best = run }
        return best
    }

    /// The value of the `count` words (at most eight) from `start`, as a shingle's value is made.
    @inline(__always)
    static func run(of count: Int, at start: Int, in words: UnsafeBufferPointer<UInt8>) -> UInt64 {
        if start + shingleWords <= words.count {
            return shingle(at: start, in: words) >> (64 - 8 * count)
        }
        var value: UInt64 = 0
        for position in start..<start + count { value = value << 8 | UInt64(words[position]) }
        return value
    }
}
