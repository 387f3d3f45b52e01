/// A multimap from shingle keys to the articles (their ordinals) that selected them: one array
/// of 64-bit slots with linear probing, 8 bytes per posting.
///
/// Postings of articles that left the index are not removed one by one: the caller says which
/// ordinals are live, dead postings are skipped on lookup, overwritten by inserts that pass over
/// them, and dropped when the table is rebuilt. A key already held by more than `cap` live
/// articles (a stock phrase) gets no more postings: the newest replaces its oldest, so the key
/// stays marked as stock while it keeps appearing, and no probe run grows without bound.
struct PostingTable: Sendable {
    private static let empty: UInt64 = 0
    private static let removed: UInt64 = .max
    /// Rebuilt when more than this share of the slots is in use (live, dead or removed)…
    private static let maximumLoad = 0.8
    /// …to a size at which the live postings fill this share.
    private static let rebuiltLoad = 0.6

    private var slots = [UInt64](repeating: empty, count: 1024)
    private var used = 0

    /// Bytes held by the slots.
    var byteCount: Int { slots.count * MemoryLayout<UInt64>.stride }

    /// Calls `body` with each live ordinal posted under `key`, stopping when it returns false.
    func forEachPosting(of key: UInt32, isLive: (UInt32) -> Bool, _ body: (UInt32) -> Bool) {
        slots.withUnsafeBufferPointer { slots in
            var slot = Self.home(of: key, in: slots.count)
            while slots[slot] != Self.empty {
                let entry = slots[slot]
                if entry != Self.removed, Self.key(of: entry) == key, isLive(Self.ordinal(of: entry)) {
                    if !body(Self.ordinal(of: entry)) { return }
                }
                slot = slot + 1 == slots.count ? 0 : slot + 1
            }
        }
    }

    /// Posts `ordinal` under `key`, unless the key has more than `cap` live postings: then the
    /// oldest of them becomes `ordinal`. Returns the key's live postings afterwards (at most
    /// `cap + 1`).
    @discardableResult
    mutating func insert(key: UInt32, ordinal: UInt32, cap: Int, isLive: (UInt32) -> Bool) -> Int {
        if Double(used + 1) > Double(slots.count) * Self.maximumLoad { rebuild(isLive: isLive) }
        let entry = UInt64(key) << 32 | UInt64(ordinal)
        var reusable: Int?
        var oldest: (slot: Int, ordinal: UInt32)?
        var live = 0
        var slot = Self.home(of: key, in: slots.count)
        while slots[slot] != Self.empty {
            let current = slots[slot]
            if current == Self.removed || !isLive(Self.ordinal(of: current)) {
                if reusable == nil { reusable = slot }
            } else if Self.key(of: current) == key {
                live += 1
                if oldest.map({ Self.isOlder(Self.ordinal(of: current), than: $0.ordinal) }) ?? true {
                    oldest = (slot, Self.ordinal(of: current))
                }
            }
            slot = slot + 1 == slots.count ? 0 : slot + 1
        }
        if live > cap, let oldest {
            slots[oldest.slot] = entry
            return live
        } else if let reusable {
            slots[reusable] = entry
        } else {
            slots[slot] = entry
            used += 1
        }
        return live + 1
    }

    /// Takes back the posting of `ordinal` under `key`, if it is there.
    mutating func remove(key: UInt32, ordinal: UInt32) {
        let entry = UInt64(key) << 32 | UInt64(ordinal)
        var slot = Self.home(of: key, in: slots.count)
        while slots[slot] != Self.empty {
            if slots[slot] == entry {
                slots[slot] = Self.removed
                return
            }
            slot = slot + 1 == slots.count ? 0 : slot + 1
        }
    }

    /// Sizes the table for `postings` live postings at once (loading a checkpoint).
    mutating func reserve(postings: Int, isLive: (UInt32) -> Bool) {
        if Double(postings) > Double(slots.count) * Self.rebuiltLoad { rebuild(isLive: isLive, live: postings) }
    }

    /// Ordinals grow and wrap at 2³²; two live ordinals are compared by their difference in
    /// wrapping arithmetic, which is right while the live range is below 2³¹ articles.
    private static func isOlder(_ ordinal: UInt32, than other: UInt32) -> Bool {
        Int32(bitPattern: ordinal &- other) < 0
    }

    private mutating func rebuild(isLive: (UInt32) -> Bool, live: Int? = nil) {
        let old = slots
        let liveCount = live ?? old.reduce(0) { $1 != Self.empty && $1 != Self.removed && isLive(Self.ordinal(of: $1)) ? $0 + 1 : $0 }
        let capacity = max(1024, Int(Double(liveCount + 1) / Self.rebuiltLoad))
        slots = [UInt64](repeating: Self.empty, count: capacity)
        used = 0
        for entry in old where entry != Self.empty && entry != Self.removed && isLive(Self.ordinal(of: entry)) {
            var slot = Self.home(of: Self.key(of: entry), in: capacity)
            while slots[slot] != Self.empty { slot = slot + 1 == capacity ? 0 : slot + 1 }
            slots[slot] = entry
            used += 1
        }
    }

    /// The first slot of a key: keys are hashes, so their high bits scaled to the table's size
    /// spread them evenly over any size, not only powers of two.
    @inline(__always)
    private static func home(of key: UInt32, in capacity: Int) -> Int {
        Int(truncatingIfNeeded: (UInt64(key) &* UInt64(capacity)) >> 32)
    }

    @inline(__always)
    private static func key(of entry: UInt64) -> UInt32 { UInt32(truncatingIfNeeded: entry >> 32) }

    @inline(__always)
    private static func ordinal(of entry: UInt64) -> UInt32 { UInt32(truncatingIfNeeded: entry) }
}
