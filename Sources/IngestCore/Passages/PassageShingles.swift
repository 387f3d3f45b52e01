/// What the shared-passage index keeps of one article: a byte per canonical word, and the
/// winnowed fingerprints of its 8-word shingles.
///
/// Words: each canonical word (see ``CanonicalText``) is hashed to one byte. Eight consecutive
/// bytes are a shingle's 64-bit value, so shingles are compared, and an earlier article's
/// shingles recomputed, from one byte per word. Two different words share a byte 1 time in 256;
/// two different shingles share a value only if all eight words do.
///
/// Fingerprints: winnowing (Schleimer, Wilkerson and Aiken, SIGMOD 2003). In every window of
/// `window` consecutive shingles the one with the smallest hash is selected. Any run of
/// `window + 7` identical words holds a whole window, so two articles that share such a run
/// select at least one shingle of it in common: with the window of a 12-word minimum (5
/// shingles), every shared 12-word run is found. About 2 / (window + 1) of the shingles are
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
    /// The selected shingles' keys, distinct, in ascending order.
    public let keys: [UInt32]
    /// The article's shingles by value, for aligning it with earlier articles, once
    /// ``prepareAlignment()`` has made it.
    private(set) var alignment: ShingleMap?

    /// The shingles of the canonical words with these hashes (``MinHashSketch/wordHashes(_:)``),
    /// with fingerprints for passages of at least `minimumWords` words.
    public init(wordHashes: UnsafeBufferPointer<UInt64>, minimumWords: Int) {
        let words = wordHashes.prefix(Self.maximumWords).map(Self.wordByte)
        self.init(words: words, minimumWords: minimumWords)
    }

    /// The same, from an array of word hashes.
    public init(wordHashes: [UInt64], minimumWords: Int) {
        self = wordHashes.withUnsafeBufferPointer { PassageShingles(wordHashes: $0, minimumWords: minimumWords) }
    }

    /// The shingles of an article of which only the word bytes are known (from a checkpoint).
    public init(words: [UInt8], minimumWords: Int) {
        self.words = Array(words.prefix(Self.maximumWords))
        self.keys = Self.winnowedKeys(words, window: Self.window(minimumWords: minimumWords))
    }

    /// Makes what aligning this article with earlier ones needs and the index does not keep:
    /// the article's shingles by value. Pure, and independent per article, so the readers do it
    /// and the loop does not have to.
    public mutating func prepareAlignment() {
        if alignment == nil { alignment = ShingleMap(words) }
    }

    /// Equal words and keys (what is made for the alignment follows from the words).
    public static func == (lhs: PassageShingles, rhs: PassageShingles) -> Bool {
        lhs.words == rhs.words && lhs.keys == rhs.keys
    }

    /// Shingles per winnowing window: a run of `minimumWords` words holds one whole window.
    public static func window(minimumWords: Int) -> Int {
        max(1, minimumWords - shingleWords + 1)
    }

    /// The byte of a word's 64-bit hash: its top byte, after mixing.
    @inline(__always)
    static func wordByte(_ hash: UInt64) -> UInt8 {
        UInt8(truncatingIfNeeded: MinHashSketch.mix(hash) >> 56)
    }

    /// The value of the shingle that starts at each word (eight word bytes, first one highest).
    static func shingleValues(_ words: [UInt8]) -> [UInt64] {
        guard words.count >= shingleWords else { return [] }
        var values: [UInt64] = []
        values.reserveCapacity(words.count - shingleWords + 1)
        var value: UInt64 = 0
        for (index, byte) in words.enumerated() {
            value = value << 8 | UInt64(byte)
            if index >= shingleWords - 1 { values.append(value) }
        }
        return values
    }

    /// The value of the shingle that starts at word `start` of `words`.
    @inline(__always)
    static func shingle(at start: Int, in words: UnsafeBufferPointer<UInt8>) -> UInt64 {
        precondition(start >= 0 && start + shingleWords <= words.count)
        return UnsafeRawPointer(words.baseAddress! + start).loadUnaligned(as: UInt64.self).bigEndian
    }

    /// The key a shingle is indexed under: the low 32 bits of its hash, never 0 or all ones (the
    /// table's empty and removed marks). Winnowing ranks shingles by the whole hash, which its
    /// high bits decide: selected shingles have small high bits, but their low bits stay uniform,
    /// and the table places keys by them.
    @inline(__always)
    static func key(ofShingle value: UInt64) -> UInt32 {
        key(ofHash: MinHashSketch.mix(value))
    }

    @inline(__always)
    static func key(ofHash hash: UInt64) -> UInt32 {
        min(max(UInt32(truncatingIfNeeded: hash), 1), .max - 1)
    }

    /// Robust winnowing: in each window the shingle with the smallest hash, the rightmost on
    /// ties, each position once; their keys then sorted and made distinct.
    static func winnowedKeys(_ words: [UInt8], window: Int) -> [UInt32] {
        let hashes = shingleValues(words).map(MinHashSketch.mix)
        guard !hashes.isEmpty else { return [] }
        let width = min(window, hashes.count)
        var selected: [UInt32] = []
        selected.reserveCapacity(2 * hashes.count / (width + 1) + 2)
        var lastPosition = -1
        for start in 0...(hashes.count - width) {
            var best = start
            for position in start + 1..<start + width where hashes[position] <= hashes[best] { best = position }
            if best != lastPosition {
                selected.append(key(ofHash: hashes[best]))
                lastPosition = best
            }
        }
        selected.sort()
        return selected.uniqued()
    }
}

extension Array where Element == UInt32 {
    /// A sorted array without repeats.
    fileprivate func uniqued() -> [UInt32] {
        var result: [UInt32] = []
        result.reserveCapacity(count)
        for value in self where result.last != value { result.append(value) }
        return result
    }
}
