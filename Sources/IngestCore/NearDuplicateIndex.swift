/// An earlier article found similar to a new one.
public struct NearDuplicate: Sendable, Equatable {
    public var seq: UInt64
    /// Estimated Jaccard similarity of word 5-shingles, 0...1.
    public var similarity: Double

    public init(seq: UInt64, similarity: Double) {
        self.seq = seq
        self.similarity = similarity
    }
}

/// The sketches of all articles, with a locality-sensitive hash table (LSH banding) that finds
/// the candidates for a new article without comparing it with every earlier one.
///
/// Banding: the first 64 of the 128 bins form 16 bands of 4 bins; two articles are candidates
/// when they agree on every bin of at least one band. For a pair with similarity J that happens
/// with probability 1 − (1 − J⁴)¹⁶: 0.988 at J = 0.7, 0.9999 at J = 0.8, 0.65 at 0.5, 0.12 at 0.3.
/// Candidates are then compared on all 128 bins. At most 10 are reported, best first.
///
/// Memory per article: its 128-byte sketch, its seq (8 bytes) and 16 table entries of 8 bytes,
/// in a table kept between 3/8 and 3/4 full (see ``LSHTable``).
public struct NearDuplicateIndex: Sendable {
    public static let bands = 16
    public static let rowsPerBand = 4
    public static let reportLimit = 10

    /// Sketch bins of all articles, back to back, in insertion order.
    private var sketches: [UInt8] = []
    private var table = LSHTable()

    public init() {}

    /// An index of these articles (from a checkpoint): `sketches` holds their bins back to back.
    /// The table is rebuilt rather than stored: it is derived, and rebuilding is fast.
    public init(seqs: [UInt64], sketches: [UInt8]) {
        precondition(sketches.count == seqs.count * MinHashSketch.binCount, "one sketch per seq")
        self.seqs = seqs
        self.sketches = sketches
        table.reserve(entries: seqs.count * Self.bands)
        sketches.withUnsafeBufferPointer { bins in
            for position in seqs.indices {
                let start = position * MinHashSketch.binCount
                for (band, key) in Self.bandKeys(bins[start..<start + MinHashSketch.binCount]).enumerated() {
                    table.insert(key: Self.tableKey(band: band, key: key), value: Int32(position))
                }
            }
        }
    }

    public var count: Int { seqs.count }

    /// The articles' seqs, in insertion order (for checkpoints).
    public private(set) var seqs: [UInt64] = []

    /// Their sketches' bins, back to back, in the same order.
    public var sketchBytes: [UInt8] { sketches }

    /// Earlier articles whose estimated similarity to `sketch` is at least `threshold`, best first
    /// (ties: earlier seq first), at most ``reportLimit``.
    public func nearDuplicates(of sketch: MinHashSketch, threshold: Double) -> [NearDuplicate] {
        guard !sketch.isEmpty else { return [] }
        let keys = Self.bandKeys(sketch.bins).enumerated().map { Self.tableKey(band: $0, key: $1) }
        // An article that shares several bands with the query is found once per band. There are
        // usually a handful of distinct candidates, and looking each up in a short array costs
        // less than a Set; past 32 (many articles alike), a Set keeps the cost linear.
        var candidates: [Int32] = []
        var seen: Set<Int32>?
        table.forEach(matchingAny: keys) { position in
            if seen == nil && candidates.count >= 32 { seen = Set(candidates) }
            let isNew = seen != nil ? seen!.insert(position).inserted : !candidates.contains(position)
            if isNew { candidates.append(position) }
        }
        return best(candidates.lazy.map(Int.init), of: sketch, minimum: threshold)
    }

    /// Like ``nearDuplicates(of:threshold:)`` but compares with every article: for queries such as
    /// `ingestd similar`, which want the closest articles even when they are not near-duplicates.
    public func mostSimilar(to sketch: MinHashSketch, minimum: Double, limit: Int) -> [NearDuplicate] {
        guard !sketch.isEmpty else { return [] }
        return Array(best(seqs.indices, of: sketch, minimum: minimum).prefix(limit))
    }

    /// Adds an article. Articles without words (empty sketch) are not indexed.
    public mutating func insert(_ sketch: MinHashSketch, seq: UInt64) {
        guard !sketch.isEmpty else { return }
        let position = Int32(seqs.count)
        sketches += sketch.bins
        seqs.append(seq)
        for (band, key) in Self.bandKeys(sketch.bins).enumerated() {
            table.insert(key: Self.tableKey(band: band, key: key), value: position)
        }
    }

    /// Takes back the article `seq` if it was the last one added (undoing an insert whose record
    /// never reached the journal).
    public mutating func removeLast(seq: UInt64) {
        guard let last = seqs.last, last == seq else { return }
        let position = Int32(seqs.count - 1)
        for (band, key) in Self.bandKeys(sketches.suffix(MinHashSketch.binCount)).enumerated() {
            table.remove(key: Self.tableKey(band: band, key: key), value: position)
        }
        sketches.removeLast(MinHashSketch.binCount)
        seqs.removeLast()
    }

    private func best(_ positions: some Sequence<Int>, of sketch: MinHashSketch, minimum: Double) -> [NearDuplicate] {
        var found: [NearDuplicate] = []
        sketches.withUnsafeBufferPointer { all in
            sketch.bins.withUnsafeBufferPointer { query in
                for position in positions {
                    let base = position * MinHashSketch.binCount
                    var agreeing = 0
                    for bin in 0..<MinHashSketch.binCount where all[base + bin] == query[bin] { agreeing += 1 }
                    let similarity = MinHashSketch.similarity(agreeingBins: agreeing)
                    if similarity >= minimum { found.append(NearDuplicate(seq: seqs[position], similarity: similarity)) }
                }
            }
        }
        found.sort { ($0.similarity, $1.seq) > ($1.similarity, $0.seq) }
        return Array(found.prefix(Self.reportLimit))
    }

    static func bandKeys<Bins: RandomAccessCollection<UInt8>>(_ bins: Bins) -> [UInt32] where Bins.Index == Int {
        (0..<bands).map { band in
            let start = bins.startIndex + band * rowsPerBand
            return (0..<rowsPerBand).reduce(UInt32(0)) { $0 << 8 | UInt32(bins[start + $1]) }
        }
    }

    private static func tableKey(band: Int, key: UInt32) -> UInt32 {
        UInt32(truncatingIfNeeded: MinHashSketch.mix(UInt64(band) << 32 | UInt64(key)))
    }
}

/// A multimap from 32-bit keys to 32-bit values in one array of 64-bit slots, with linear
/// probing: no per-entry allocation, 8 bytes per entry. Many values may share a key (articles
/// that agree on a band).
struct LSHTable: Sendable {
    private static let empty: UInt64 = 0
    private static let removed: UInt64 = .max
    private var slots = [UInt64](repeating: 0, count: 1024)
    private var used = 0  // entries and removal marks

    /// The values of all `keys`. The first slot of every key is read before any chain is
    /// followed: in a table of megabytes each is a cache miss, and loads that do not depend on
    /// one another wait for memory together rather than one after the other.
    func forEach(matchingAny keys: [UInt32], _ body: (Int32) -> Void) {
        slots.withUnsafeBufferPointer { slots in
            let mask = slots.count - 1
            withUnsafeTemporaryAllocation(of: UInt64.self, capacity: keys.count) { first in
                for (index, key) in keys.enumerated() { first[index] = slots[Int(key) & mask] }
                for (key, firstEntry) in zip(keys, first) {
                    var slot = Int(key) & mask
                    var entry = firstEntry
                    while entry != Self.empty {
                        if entry != Self.removed, UInt32(truncatingIfNeeded: entry >> 32) == key {
                            body(Int32(truncatingIfNeeded: entry & 0xFFFF_FFFF) - 1)
                        }
                        slot = (slot + 1) & mask
                        entry = slots[slot]
                    }
                }
            }
        }
    }

    /// Sizes the table for `entries` entries at once (loading a checkpoint).
    mutating func reserve(entries: Int) {
        var capacity = slots.count
        while entries * 4 > capacity * 3 { capacity *= 2 }
        if capacity > slots.count { rehash(to: capacity) }
    }

    mutating func insert(key: UInt32, value: Int32) {
        if (used + 1) * 4 > slots.count * 3 { rehash(to: slots.count * 2) }
        place(UInt64(key) << 32 | UInt64(UInt32(value) + 1))
        used += 1
    }

    mutating func remove(key: UInt32, value: Int32) {
        let entry = UInt64(key) << 32 | UInt64(UInt32(value) + 1)
        let mask = slots.count - 1
        var slot = Int(key) & mask
        while slots[slot] != Self.empty {
            if slots[slot] == entry {
                slots[slot] = Self.removed
                return
            }
            slot = (slot + 1) & mask
        }
    }

    private mutating func place(_ entry: UInt64) {
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: entry >> 32) & mask
        while slots[slot] != Self.empty { slot = (slot + 1) & mask }
        slots[slot] = entry
    }

    private mutating func rehash(to capacity: Int) {
        let old = slots
        slots = [UInt64](repeating: 0, count: capacity)
        used = 0
        for entry in old where entry != Self.empty && entry != Self.removed {
            place(entry)
            used += 1
        }
    }
}
