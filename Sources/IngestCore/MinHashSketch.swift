/// A MinHash sketch of an article's word 5-shingles, from which the Jaccard similarity of two
/// articles' shingle sets is estimated without keeping the shingles.
///
/// Shingles: the canonical text (see ``CanonicalText``) is split at spaces into words; every run
/// of five consecutive words is a shingle. A text of one to four words has one shingle, itself;
/// an empty text has none, and its sketch is similar to nothing.
///
/// Sketch: one-permutation MinHash with optimal densification (Shrivastava, ICML 2017). Each
/// shingle is hashed once; the top bits of the hash pick one of 128 bins and each bin keeps the
/// smallest hash it saw. A bin no shingle fell into borrows the value of a bin chosen by a fixed
/// pseudo-random probe sequence, so that the probability that two sketches agree in a bin stays
/// the Jaccard similarity. Only the low 8 bits of each minimum are kept (b-bit MinHash, Li and
/// König 2010): 128 bytes per article; two unrelated bins agree by chance 1 time in 256, which
/// ``similarity(to:)`` corrects for.
///
/// The hash functions are fixed: sketches are stored in checkpoints and must compare across
/// restarts and versions.
public struct MinHashSketch: Sendable, Equatable {
    public static let binCount = 128
    public static let shingleWords = 5

    /// One byte per bin; empty when the text has no words.
    public let bins: [UInt8]

    public var isEmpty: Bool { bins.isEmpty }

    /// The sketch of canonical text (the output of ``CanonicalText/canonicalUTF8(_:)``).
    public init(canonicalText: [UInt8]) {
        self.init(wordHashes: Self.wordHashes(canonicalText))
    }

    /// The sketch of canonical text whose words have these hashes (see ``wordHashes(_:)``).
    public init(wordHashes: [UInt64]) {
        self = wordHashes.withUnsafeBufferPointer { MinHashSketch(wordHashes: $0) }
    }

    /// The same, from the hashes in a buffer. Each shingle's hash goes straight into its bin's
    /// minimum, without an array of shingle hashes.
    public init(wordHashes words: UnsafeBufferPointer<UInt64>) {
        guard !words.isEmpty else {
            bins = []
            return
        }
        var minimums = [UInt64](repeating: .max, count: Self.binCount)
        minimums.withUnsafeMutableBufferPointer { minimums in
            Self.forEachShingleHash(words) { hash in
                let bin = Int(truncatingIfNeeded: hash >> 57)  // 7 bits: always a bin
                minimums[bin] = min(minimums[bin], hash & 0x01FF_FFFF_FFFF_FFFF)
            }
        }
        bins = Self.densified(minimums).map { UInt8(truncatingIfNeeded: $0) }
    }

    /// Estimated Jaccard similarity of the two texts' shingle sets, 0...1.
    public func similarity(to other: MinHashSketch) -> Double {
        guard !isEmpty, !other.isEmpty else { return 0 }
        var agreeing = 0
        for index in 0..<Self.binCount where bins[index] == other.bins[index] { agreeing += 1 }
        return Self.similarity(agreeingBins: agreeing)
    }

    /// The estimate from the number of bins in which two sketches agree: b-bit MinHash agree with
    /// probability J + (1 − J) / 256, solved for J.
    static func similarity(agreeingBins: Int) -> Double {
        let chance = 1.0 / 256
        let observed = Double(agreeingBins) / Double(binCount)
        return min(1, max(0, (observed - chance) / (1 - chance)))
    }

    // MARK: - Shingles

    /// Calls `body` with the hash of each shingle, in text order. Over the raw buffer: with slices
    /// and a closure per shingle this was a tenth of parsing.
    @inline(__always)
    private static func forEachShingleHash(_ words: UnsafeBufferPointer<UInt64>, _ body: (UInt64) -> Void) {
        guard !words.isEmpty else { return }
        let width = min(shingleWords, words.count)
        for start in 0...(words.count - width) {
            var hash: UInt64 = 0x9E37_79B9_7F4A_7C15
            for word in start..<start + width { hash = (hash ^ words[word]) &* 0x0000_0100_0000_01B3 }
            body(mix(hash))
        }
    }

    /// FNV-1a of each space-separated word.
    public static func wordHashes(_ text: [UInt8]) -> [UInt64] {
        var hashes: [UInt64] = []
        hashes.reserveCapacity(text.count / 5)
        var hash = fnvOffsetBasis
        var inWord = false
        for byte in text {
            if byte == UInt8(ascii: " ") {
                if inWord { hashes.append(hash) }
                hash = fnvOffsetBasis
                inWord = false
            } else {
                hash = fnv(hash, byte)
                inWord = true
            }
        }
        if inWord { hashes.append(hash) }
        return hashes
    }

    static let fnvOffsetBasis: UInt64 = 0xCBF2_9CE4_8422_2325

    /// One step of FNV-1a.
    @inline(__always)
    static func fnv(_ hash: UInt64, _ byte: UInt8) -> UInt64 {
        (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
    }

    /// The splitmix64 finaliser: spreads every input bit over the whole word.
    static func mix(_ value: UInt64) -> UInt64 {
        var z = value &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Fills each empty bin from the first non-empty bin on its own probe sequence, which depends
    /// only on the bin's number and so is the same for every text.
    private static func densified(_ minimums: [UInt64]) -> [UInt64] {
        var result = minimums
        for bin in 0..<binCount where minimums[bin] == .max {
            var attempt: UInt64 = 1
            while true {
                let probe = Int(truncatingIfNeeded: mix(UInt64(bin) << 32 | attempt) % UInt64(binCount))
                if minimums[probe] != .max {
                    result[bin] = minimums[probe]
                    break
                }
                attempt += 1
            }
        }
        return result
    }
}
