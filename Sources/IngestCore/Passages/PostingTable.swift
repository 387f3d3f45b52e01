/// A multimap from shingle keys to the articles (their ordinals) that selected them: one block
/// of 64-bit slots (``PostingSlots``), 8 bytes per posting, kept in key order.
///
/// Ordered linear probing (Amble and Knuth, 1974): a key's first slot, its home, grows with the
/// key, and the postings are kept sorted by key with no wrap-around (a margin past the last home
/// takes the overflow). The postings of a key are then side by side, and a walk for a key reads
/// only the few postings displaced from earlier homes, the key's own postings, and one more:
/// it stops at the first larger key, where plain linear probing would walk to the next empty
/// slot. An insertion shifts the rest of its cluster one slot on, to the next empty slot or the
/// next dead posting, which it reclaims.
///
/// Postings of articles that left the index are not removed one by one: the caller says which
/// ordinals are live, dead postings are skipped on lookup, taken over by insertions that reach
/// them, and dropped when the table is rebuilt. A key already held by more than `cap` live
/// articles (a stock phrase) gets no more postings: the newest replaces its oldest, so the key
/// stays marked as stock while it keeps appearing, and no cluster grows without bound. An
/// article posts a key once, however often it selected it.
struct PostingTable: Sendable {
    private static let empty: UInt64 = 0
    /// Rebuilt when more than this share of the homes' slots is in use (live or dead)…
    private static let maximumLoad = 0.8
    /// …to a size at which the live postings fill this share.
    private static let rebuiltLoad = 0.6
    /// A table whose live postings fill more than this share of its homes is growing…
    private static let grownLoad = 0.7
    /// …and is rebuilt to this share instead: 1.8 times its size rather than 1.3, so that an index
    /// filling up copies its postings and faults in fresh pages about half as often. Once the
    /// horizon is full the dead postings make the room, and rebuilds keep the size.
    private static let grownRebuiltLoad = 0.45
    /// Slots past the last home at first, for the clusters that end there (at least the 16
    /// that ``touch(_:)`` reads past a home).
    private static let minimumMargin = 1024

    private var storage = PostingSlots(zeroed: 1024 + minimumMargin)
    /// Homes are `0..<homes`; `slots` has `margin` more, doubled whenever a cluster runs past
    /// them (keys are hashes, so only made-up keys do).
    private var homes = 1024
    private var margin = minimumMargin
    private var used = 0
    /// No posting's ordinal is older than this one: the first posted into the empty table, or the
    /// first live one when dead postings were last dropped. While it is live, so is every
    /// posting, and an insertion's shift looks for no dead one.
    private var oldest: UInt32 = 0
    /// A growing table whose new slots take at most this many bytes is laid out into a fresh
    /// block: one pass over the postings, where growing in place takes two (see
    /// ``spread(homes:isLive:)``), for holding both blocks for a moment. A larger one grows in
    /// place, so that the index never needs room for its table twice over.
    private let freshGrowthBytes: Int

    /// An empty table; `freshGrowthBytes` is 64 MiB but in tests of growing in place.
    init(freshGrowthBytes: Int = 64 << 20) {
        self.freshGrowthBytes = freshGrowthBytes
    }

    /// Bytes held by the slots.
    var byteCount: Int { storage.count * MemoryLayout<UInt64>.stride }

    /// The slots, to read.
    private var slots: UnsafeBufferPointer<UInt64> { UnsafeBufferPointer(storage.buffer) }

    /// Slots that a key can have as its home (for tests).
    var homeCount: Int { homes }

    /// Slots past the last home (for tests).
    var marginCount: Int { margin }

    /// Calls `body` with each live ordinal posted under `key`, stopping when it returns false.
    func forEachPosting(of key: UInt32, isLive: LiveOrdinals, _ body: (UInt32) -> Bool) {
        let slots = slots
        var slot = firstSlot(of: key, in: slots)
        while slot < slots.count, slots[slot] != Self.empty, Self.key(of: slots[slot]) == key {
            let ordinal = Self.ordinal(of: slots[slot])
            if isLive.contains(ordinal), !body(ordinal) { return }
            slot += 1
        }
    }

    /// Posts `ordinal` under `key`, unless the key has more than `cap` live postings: then the
    /// oldest of them becomes `ordinal`. The live postings the key had before are appended to
    /// `found`, from the same walk; with `recent`, only those it does not hold yet, which it then
    /// does. Returns how many there were, or nil if `ordinal` is posted under `key` already (an
    /// article that selected a shingle it repeats); `found` then holds the walk's other postings
    /// all the same.
    @discardableResult
    mutating func insert(key: UInt32, ordinal: UInt32, cap: Int, isLive: LiveOrdinals, found: inout [UInt32],
                         recent: RecentOrdinals? = nil) -> Int? {
        makeUnique()
        if Double(used + 1) > Double(homes) * Self.maximumLoad { rebuild(isLive: isLive) }
        let entry = UInt64(key) << 32 | UInt64(ordinal)
        if used == 0 { oldest = ordinal }
        let foundBefore = found.count
        while true {
            // Nearly always empty: a call for nothing costs more than the test.
            if found.count > foundBefore {
                // The walk is made again: what it appended must be appended again.
                for ordinal in found[foundBefore...] { recent?.remove(ordinal) }
                found.removeSubrange(foundBefore...)
            }
            let placed = Self.place(entry, cap: cap, isLive: isLive, allLive: isLive.contains(oldest), found: &found,
                                    recent: recent, in: storage.buffer, homes: homes)
            switch placed {
            case .posted(let live, let tookEmptySlot):
                if tookEmptySlot { used += 1 }
                return live
            case .alreadyPosted:
                return nil
            case nil:
                break
            }
            // The cluster ran into the end of the margin: widen it, and place the posting again.
            margin *= 2
            rebuild(isLive: isLive)
        }
    }

    /// Takes back the posting of `ordinal` under `key`, if it is there; the postings after it in
    /// its cluster move back a slot, down to their homes.
    mutating func remove(key: UInt32, ordinal: UInt32) {
        makeUnique()
        let slots = storage.buffer
        var slot = firstSlot(of: key, in: self.slots)
        let entry = UInt64(key) << 32 | UInt64(ordinal)
        while slot < slots.count, slots[slot] != Self.empty, Self.key(of: slots[slot]) == key, slots[slot] != entry {
            slot += 1
        }
        guard slot < slots.count, slots[slot] == entry else { return }
        var next = slot + 1
        while next < slots.count, slots[next] != Self.empty, home(of: Self.key(of: slots[next])) < next {
            slots[next - 1] = slots[next]
            next += 1
        }
        slots[next - 1] = Self.empty
        used -= 1
    }

    /// Sizes the table for `postings` live postings at once (loading a checkpoint).
    mutating func reserve(postings: Int, isLive: LiveOrdinals) {
        if Double(postings) > Double(homes) * Self.rebuiltLoad { rebuild(isLive: isLive, live: postings) }
    }

    /// Loads the first slot of each key, so that the walks that follow find them in the cache:
    /// these loads do not depend on each other, and the processor has many of them in flight at
    /// once, where a walk waits for each in turn. Returns a value made of them, which the caller
    /// must not let go unused (or the loads are not made).
    func touch(_ keys: [UInt32]) -> UInt64 {
        let slots = slots
        return keys.reduce(0) { touched, key in
            // The walks and the shifts after an insertion reach past the home's cache line.
            let home = home(of: key)
            return touched ^ slots[home] ^ slots[home + 8] ^ slots[home + 16]
        }
    }

    /// Whether every posting is in key order, at or after its home, with no empty slot between
    /// its home and it: what lookups rely on (for tests).
    var isOrdered: Bool {
        var previous: UInt32 = 0
        var clusterStart = 0
        for (slot, entry) in slots.enumerated() {
            guard entry != Self.empty else {
                clusterStart = slot + 1
                continue
            }
            let home = home(of: Self.key(of: entry))
            guard Self.key(of: entry) >= previous, home <= slot, home >= clusterStart else { return false }
            previous = Self.key(of: entry)
        }
        return true
    }

    // MARK: - Walks

    /// The slot at which the postings of `key` start, or would be placed: past the postings
    /// displaced from earlier homes.
    @inline(__always)
    private static func firstSlot(of key: UInt32, in slots: UnsafeBufferPointer<UInt64>, homes: Int) -> Int {
        var slot = home(of: key, homes: homes)
        while slot < slots.count, slots[slot] != empty, Self.key(of: slots[slot]) < key { slot += 1 }
        return slot
    }

    @inline(__always)
    private func firstSlot(of key: UInt32, in slots: UnsafeBufferPointer<UInt64>) -> Int {
        Self.firstSlot(of: key, in: slots, homes: homes)
    }

    /// What one insertion did.
    private enum Placement {
        /// The posting is in, among `live` others; it took an empty slot, or a dead posting's.
        case posted(live: Int, tookEmptySlot: Bool)
        /// The key has the posting already.
        case alreadyPosted
    }

    /// One insertion (see ``insert(key:ordinal:cap:isLive:found:recent:)``); nil if the shift would
    /// run past the margin. With `allLive`, no posting in the table is dead.
    private static func place(_ entry: UInt64, cap: Int, isLive: LiveOrdinals, allLive: Bool, found: inout [UInt32],
                              recent: RecentOrdinals?, in slots: UnsafeMutableBufferPointer<UInt64>,
                              homes: Int) -> Placement? {
        let key = key(of: entry)
        let run = firstSlot(of: key, in: UnsafeBufferPointer(slots), homes: homes)
        var slot = run
        var reusable: Int?
        var live = 0
        var alreadyPosted = false
        while slot < slots.count, slots[slot] != empty, Self.key(of: slots[slot]) == key {
            let ordinal = ordinal(of: slots[slot])
            if slots[slot] == entry {
                alreadyPosted = true
            } else if !isLive.contains(ordinal) {
                if reusable == nil { reusable = slot }
            } else {
                live += 1
                if recent?.insert(ordinal) ?? true { found.append(ordinal) }
            }
            slot += 1
        }
        if alreadyPosted {
            return .alreadyPosted
        } else if live > cap {
            // Only a key that is becoming a stock phrase gets here, so its oldest is looked for here.
            slots[oldestLive(in: run..<slot, isLive: isLive, slots: slots)] = entry
            return .posted(live: live, tookEmptySlot: false)
        } else if let reusable {
            slots[reusable] = entry
            return .posted(live: live, tookEmptySlot: false)
        }
        guard let tookEmptySlot = shiftCluster(from: slot, isLive: isLive, allLive: allLive, in: slots) else { return nil }
        slots[slot] = entry
        return .posted(live: live, tookEmptySlot: tookEmptySlot)
    }

    /// The slot of the oldest live posting among `run` (which has one).
    private static func oldestLive(in run: Range<Int>, isLive: LiveOrdinals, slots: UnsafeMutableBufferPointer<UInt64>) -> Int {
        var oldest: (slot: Int, ordinal: UInt32)?
        for slot in run where isLive.contains(ordinal(of: slots[slot])) {
            let ordinal = ordinal(of: slots[slot])
            if oldest.map({ isOlder(ordinal, than: $0.ordinal) }) ?? true { oldest = (slot, ordinal) }
        }
        return oldest!.slot
    }

    /// Moves the postings from `slot` on one slot further, up to the first empty slot or dead
    /// posting, which is taken over; whether that was an empty slot, or nil if there is neither
    /// before the end. With `allLive` there is no dead posting to look for.
    private static func shiftCluster(from slot: Int, isLive: LiveOrdinals, allLive: Bool,
                                     in slots: UnsafeMutableBufferPointer<UInt64>) -> Bool? {
        var free = slot
        if allLive {
            while free < slots.count, slots[free] != empty { free += 1 }
        } else {
            while free < slots.count, slots[free] != empty, isLive.contains(ordinal(of: slots[free])) { free += 1 }
        }
        guard free < slots.count else { return nil }
        let wasEmpty = slots[free] == empty
        // One overlapping copy (a memmove) rather than a slot at a time.
        (slots.baseAddress! + slot + 1).update(from: slots.baseAddress! + slot, count: free - slot)
        return wasEmpty
    }

    // MARK: - Layout

    /// Ordinals grow and wrap at 2³²; two live ordinals are compared by their difference in
    /// wrapping arithmetic, which is right while the live range is below 2³¹ articles.
    private static func isOlder(_ ordinal: UInt32, than other: UInt32) -> Bool {
        Int32(bitPattern: ordinal &- other) < 0
    }

    /// Lays the live postings out again for `live` of them at the rebuilt load, in place (see
    /// ``compact(homes:isLive:)`` and ``spread(homes:isLive:)``), or into fresh slots when the
    /// table is growing and small, or a cluster is too long for the rest. The slots are read in
    /// order, which is key order, so each posting goes to its home or just after the one before
    /// it: no walks.
    private mutating func rebuild(isLive: LiveOrdinals, live: Int? = nil) {
        makeUnique()
        // While the index fills up no posting is dead, and the table grows: without counting its
        // live postings first, it is laid out into a fresh block if that is small, or else spread
        // in place (unless a dead posting turns up).
        if live == nil, Double(used) > Double(homes) * Self.grownLoad {
            let size = Self.size(for: used, load: Self.grownRebuiltLoad)
            if isLive.contains(oldest), (size + margin) * MemoryLayout<UInt64>.stride <= freshGrowthBytes {
                while !layOut(homes: size, isLive: isLive) { margin *= 2 }
                return
            }
            if spread(homes: size, isLive: isLive) { return }
        }
        let liveCount = slots.reduce(0) { $1 != Self.empty && isLive.contains(Self.ordinal(of: $1)) ? $0 + 1 : $0 }
        let load = live == nil && Double(liveCount) > Double(homes) * Self.grownLoad ? Self.grownRebuiltLoad : Self.rebuiltLoad
        let size = Self.size(for: live ?? liveCount, load: load)
        if size <= homes {
            compact(homes: size, isLive: isLive)
            return
        }
        // The dead postings are dropped first, for the rest to move up.
        if liveCount != used { compact(homes: homes, isLive: isLive) }
        if !spread(homes: size, isLive: isLive) {
            while !layOut(homes: size, isLive: isLive) { margin *= 2 }
        }
    }

    /// Homes for `postings` at `load`.
    private static func size(for postings: Int, load: Double) -> Int {
        max(1024, Int(Double(postings + 1) / load))
    }

    /// Lays the live postings out again for as many homes or fewer, in place: a posting's home
    /// does not move up, and the dead postings before it are dropped, so it moves down or stays,
    /// onto slots already read. Slots past the new homes' margin are given back.
    private mutating func compact(homes newHomes: Int, isLive: LiveOrdinals) {
        let slots = storage.buffer
        var next = 0, count = 0
        for slot in 0..<slots.count where slots[slot] != Self.empty {
            let entry = slots[slot]
            slots[slot] = Self.empty
            guard isLive.contains(Self.ordinal(of: entry)) else { continue }
            let target = max(next, Self.home(of: Self.key(of: entry), homes: newHomes))
            precondition(target <= slot, "a posting table compacted in place moves postings down")
            slots[target] = entry
            next = target + 1
            count += 1
        }
        while next > newHomes + margin { margin *= 2 }
        let oldCount = slots.count
        storage.resize(to: newHomes + margin)
        if storage.count > oldCount {
            (storage.base + oldCount).update(repeating: Self.empty, count: storage.count - oldCount)
        }
        homes = newHomes
        used = count
        oldest = isLive.first
    }

    /// Lays the postings out again for more homes, in place, when none is dead. Every home moves
    /// up or stays, so every posting does. Where each lands is found first, in key order, as its
    /// distance past its new home (a byte each); then the block grows, and the postings are moved
    /// from the last to the first, each onto slots already read. False, with nothing changed, if
    /// a posting is dead, or would land more than 255 slots past its home or past the margin.
    private mutating func spread(homes newHomes: Int, isLive: LiveOrdinals) -> Bool {
        guard newHomes > homes else { return false }
        let old = slots
        let distances = [UInt8](unsafeUninitializedCapacity: used) { distances, initialized in
            var next = 0
            for entry in old where entry != Self.empty {
                let home = Self.home(of: Self.key(of: entry), homes: newHomes)
                let target = max(next, home)
                guard isLive.contains(Self.ordinal(of: entry)), target - home <= Int(UInt8.max), target < newHomes + margin,
                      initialized < used else { return }
                distances[initialized] = UInt8(target - home)
                initialized += 1
                next = target + 1
            }
        }
        guard distances.count == used else { return false }
        let oldCount = old.count
        storage.resize(to: newHomes + margin)
        let slots = storage.buffer
        // Slots from `written` on hold their final values.
        var written = slots.count, index = used
        for slot in stride(from: oldCount - 1, through: 0, by: -1) where slots[slot] != Self.empty {
            let entry = slots[slot]
            index -= 1
            let target = Self.home(of: Self.key(of: entry), homes: newHomes) + Int(distances[index])
            precondition(target >= slot, "a posting table spread in place moves postings up")
            // The gaps are a slot or two: a loop costs less than a call.
            while written > target + 1 {
                written -= 1
                slots[written] = Self.empty
            }
            slots[target] = entry
            written = target
        }
        slots.baseAddress!.update(repeating: Self.empty, count: written)
        homes = newHomes
        return true
    }

    /// Places the live postings in fresh slots for `homes` homes; false if they do not fit.
    private mutating func layOut(homes: Int, isLive: LiveOrdinals) -> Bool {
        let laid = PostingSlots(zeroed: homes + margin)
        let slots = laid.buffer
        var next = 0, count = 0
        for entry in self.slots where entry != Self.empty && isLive.contains(Self.ordinal(of: entry)) {
            let slot = max(next, Self.home(of: Self.key(of: entry), homes: homes))
            guard slot < slots.count else { return false }
            slots[slot] = entry
            next = slot + 1
            count += 1
        }
        storage = laid
        self.homes = homes
        used = count
        oldest = isLive.first
        return true
    }

    /// Gives this table slots of its own before it changes them.
    private mutating func makeUnique() {
        if !isKnownUniquelyReferenced(&storage) { storage = storage.copy() }
    }

    /// The first slot of a key: keys are hashes, so their high bits scaled to the number of
    /// homes spread them evenly over any size, and in key order.
    @inline(__always)
    private func home(of key: UInt32) -> Int { Self.home(of: key, homes: homes) }

    @inline(__always)
    private static func home(of key: UInt32, homes: Int) -> Int {
        Int(truncatingIfNeeded: (UInt64(key) &* UInt64(homes)) >> 32)
    }

    @inline(__always)
    private static func key(of entry: UInt64) -> UInt32 { UInt32(truncatingIfNeeded: entry >> 32) }

    @inline(__always)
    private static func ordinal(of entry: UInt64) -> UInt32 { UInt32(truncatingIfNeeded: entry) }
}

/// The ordinals lately appended to a walk's `found`, one per slot of a small direct-mapped table
/// (in memory the caller owns). An article that repeats an earlier one finds the same few
/// articles under each of its keys: each is appended once, rather than once per key and then
/// set apart from the repeats. One that a later ordinal pushed out may be appended again.
struct RecentOrdinals {
    static let slotCount = 64
    private let slots: UnsafeMutableBufferPointer<UInt32>

    /// An empty table in `slots`, which has room for ``slotCount``.
    init(clearing slots: UnsafeMutableBufferPointer<UInt32>) {
        precondition(slots.count >= Self.slotCount)
        self.slots = slots
        for slot in 0..<Self.slotCount { slots[slot] = Self.vacant(slot) }
    }

    /// Adds `ordinal`; whether it was not there.
    @inline(__always)
    func insert(_ ordinal: UInt32) -> Bool {
        let slot = Int(ordinal) & (Self.slotCount - 1)
        guard slots[slot] != ordinal else { return false }
        slots[slot] = ordinal
        return true
    }

    /// Takes `ordinal` out, if it is there.
    func remove(_ ordinal: UInt32) {
        let slot = Int(ordinal) & (Self.slotCount - 1)
        if slots[slot] == ordinal { slots[slot] = Self.vacant(slot) }
    }

    /// A value that no ordinal of `slot` has: its low bits name another slot.
    private static func vacant(_ slot: Int) -> UInt32 { UInt32(slot ^ 1) }
}

/// The ordinals `first` to `first + count - 1`, modulo 2³²: the articles in the index.
struct LiveOrdinals {
    var first: UInt32
    var count: Int

    @inline(__always)
    func contains(_ ordinal: UInt32) -> Bool { Int(ordinal &- first) < count }
}
