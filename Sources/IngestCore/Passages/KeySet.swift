/// A set of shingle keys (never 0, which marks an empty slot): open addressing with linear
/// probing, at most half full, behind a bit filter of 16 bits or more per key. Asked of every
/// shingle an article shares with an earlier one, and mostly of keys not in it: the filter,
/// an eighth of the slots' size, turns most of those away from the cache.
struct KeySet: Sendable {
    private var slots = [UInt32](repeating: 0, count: 64)
    private var filter = [UInt64](repeating: 0, count: 1)
    private(set) var count = 0

    init() {}

    var isEmpty: Bool { count == 0 }

    /// Bytes held by the slots.
    var byteCount: Int { slots.count * MemoryLayout<UInt32>.stride + filter.count * MemoryLayout<UInt64>.stride }

    @inline(__always)
    func contains(_ key: UInt32) -> Bool {
        filter.withUnsafeBufferPointer { filter in
            slots.withUnsafeBufferPointer { slots in Self.contains(key, filter: filter, slots: slots) }
        }
    }

    /// Whether the key of each shingle of `words` (see ``PassageShingles/key(ofShingle:)``) is not
    /// in the set, written to `lacks` by where the shingle starts: asked of all of them in one
    /// loop over the set's buffers (an article's every shingle, when it is aligned).
    func lacksShingles(of words: UnsafeBufferPointer<UInt8>, into lacks: UnsafeMutableBufferPointer<Bool>) {
        let shingles = PassageShingles.shingleCount(words: words.count)
        guard shingles > 0 else { return }
        precondition(lacks.count >= shingles)
        let base = UnsafeRawPointer(words.baseAddress!)
        filter.withUnsafeBufferPointer { filter in
            slots.withUnsafeBufferPointer { slots in
                for start in 0..<shingles {
                    let key = PassageShingles.key(ofShingle: PassageShingles.shingle(at: start, after: base))
                    lacks[start] = !Self.contains(key, filter: filter, slots: slots)
                }
            }
        }
    }

    /// Whether `key` is in the set with these buffers: the filter's bit first, then the probe.
    @inline(__always)
    private static func contains(_ key: UInt32, filter: UnsafeBufferPointer<UInt64>, slots: UnsafeBufferPointer<UInt32>) -> Bool {
        let bit = filterBit(key, bits: filter.count &* 64)
        guard filter[bit &>> 6] & (1 &<< UInt64(bit & 63)) != 0 else { return false }
        let mask = slots.count &- 1
        var slot = home(key) & mask
        while slots[slot] != 0 {
            if slots[slot] == key { return true }
            slot = (slot + 1) & mask
        }
        return false
    }

    /// Adds `key`; whether it was not in the set before.
    @discardableResult
    mutating func insert(_ key: UInt32) -> Bool {
        precondition(key != 0, "0 marks an empty slot")
        if (count + 1) * 2 > slots.count { grow() }
        let mask = slots.count - 1
        var slot = Self.home(key) & mask
        while slots[slot] != 0 {
            if slots[slot] == key { return false }
            slot = (slot + 1) & mask
        }
        slots[slot] = key
        count += 1
        let bit = Self.filterBit(key, bits: filter.count * 64)
        filter[bit >> 6] |= 1 << UInt64(bit & 63)
        return true
    }

    private mutating func grow() {
        let old = slots
        slots = [UInt32](repeating: 0, count: old.count * 2)
        filter = [UInt64](repeating: 0, count: slots.count / 64 * 8)
        count = 0
        for key in old where key != 0 { insert(key) }
    }

    /// A bit of the filter (a power of two bits): the key's low bits. Keys are hashes (see
    /// ``PassageShingles/key(ofShingle:)``), and the home is made from all of them, multiplied.
    @inline(__always)
    private static func filterBit(_ key: UInt32, bits: Int) -> Int {
        Int(truncatingIfNeeded: key) & (bits - 1)
    }

    @inline(__always)
    private static func home(_ key: UInt32) -> Int {
        Int(truncatingIfNeeded: (UInt64(key) &* 0x9E37_79B9_7F4A_7C15) >> 32)
    }
}
