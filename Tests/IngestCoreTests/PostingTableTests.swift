@testable import IngestCore
import IngestTestSupport
import Testing

@Suite struct PostingTableTests {
    /// What the table should hold: each key's postings, newest last.
    struct Model {
        var postings: [UInt32: [UInt32]] = [:]

        func live(_ key: UInt32, _ live: LiveOrdinals) -> [UInt32] {
            (postings[key] ?? []).filter(live.contains).sorted()
        }
    }

    /// Random insertions with a moving window of live ordinals, a cap, and removals of the last
    /// article's postings, against a plain dictionary; the order the lookups rely on is checked
    /// after every step.
    @Test func insertionsEvictionsAndRemovalsAgreeWithAPlainMultimap() {
        var random = SeededGenerator(seed: 7)
        var table = PostingTable()
        var model = Model()
        let cap = 3, horizon = 300
        // Few keys, so that keys get many postings and clusters run into each other.
        let keys = (0..<400).map { _ in UInt32.random(in: 1...(UInt32.max - 1), using: &random) }
        for ordinal in UInt32(0)..<3_000 {
            let live = LiveOrdinals(first: ordinal >= UInt32(horizon) ? ordinal - UInt32(horizon) + 1 : 0,
                                    count: min(Int(ordinal) + 1, horizon))
            let mine = Set((0..<8).map { _ in keys.randomElement(using: &random)! })
            for key in mine {
                var found: [UInt32] = []
                let before = table.insert(key: key, ordinal: ordinal, cap: cap, isLive: live, found: &found)
                let expected = model.live(key, live)
                #expect(found.sorted() == expected)
                #expect(before == expected.count)
                if expected.count > cap {
                    model.postings[key]!.removeAll { $0 == expected.first! }
                }
                model.postings[key, default: []].append(ordinal)
            }
            if random.next() % 10 == 0 {
                for key in mine {
                    table.remove(key: key, ordinal: ordinal)
                    model.postings[key]!.removeAll { $0 == ordinal }
                }
            }
            #expect(table.isOrdered)
            for key in keys.prefix(20) {
                var postings: [UInt32] = []
                table.forEachPosting(of: key, isLive: live) { postings.append($0); return true }
                #expect(postings.sorted() == model.live(key, live))
            }
        }
    }

    @Test func aKeyPostedAgainByTheSameArticleKeepsOnePosting() {
        var table = PostingTable()
        let live = LiveOrdinals(first: 0, count: 100)
        var found: [UInt32] = []
        table.insert(key: 42, ordinal: 1, cap: 10, isLive: live, found: &found)
        table.insert(key: 42, ordinal: 2, cap: 10, isLive: live, found: &found)
        found = []
        #expect(table.insert(key: 42, ordinal: 2, cap: 10, isLive: live, found: &found) == nil)
        #expect(found == [1], "the walk's other postings all the same")
        var postings: [UInt32] = []
        table.forEachPosting(of: 42, isLive: live) { postings.append($0); return true }
        #expect(postings.sorted() == [1, 2])
        #expect(table.isOrdered)
    }

    @Test func aKeyWithMoreThanTheCapReplacesItsOldestPosting() {
        var table = PostingTable()
        let live = LiveOrdinals(first: 0, count: 100)
        var found: [UInt32] = []
        for ordinal in UInt32(0)..<6 { table.insert(key: 42, ordinal: ordinal, cap: 3, isLive: live, found: &found) }
        var postings: [UInt32] = []
        table.forEachPosting(of: 42, isLive: live) { postings.append($0); return true }
        #expect(postings.sorted() == [2, 3, 4, 5])
    }

    /// A table that fills with live postings grows by close to twice its size (fewer rebuilds,
    /// and less fresh memory, than growing to its steady load), into a fresh block or in place;
    /// one whose oldest postings die as fast as new ones come keeps its size, within the few
    /// postings by which their count varies.
    @Test(arguments: [64 << 20, 0])
    func aGrowingTableNearlyDoublesAndASteadyOneKeepsItsSize(freshGrowthBytes: Int) {
        var random = SeededGenerator(seed: 11)
        var growing = PostingTable(freshGrowthBytes: freshGrowthBytes), found: [UInt32] = []
        var sizes = [growing.homeCount]
        var someKeys: [(key: UInt32, ordinal: UInt32)] = []
        let everyOrdinal = LiveOrdinals(first: 0, count: .max)
        for ordinal in UInt32(0)..<4_000 {
            for index in 0..<50 {
                let key = UInt32.random(in: 1...(.max - 1), using: &random)
                growing.insert(key: key, ordinal: ordinal, cap: 10, isLive: everyOrdinal, found: &found)
                if index == 0 { someKeys.append((key, ordinal)) }
            }
            found.removeAll(keepingCapacity: true)
            if growing.homeCount != sizes.last { sizes.append(growing.homeCount) }
        }
        #expect(sizes.count > 5)
        for (smaller, larger) in zip(sizes, sizes.dropFirst()) { #expect(Double(larger) / Double(smaller) > 1.7) }
        #expect(growing.isOrdered)
        #expect(someKeys.allSatisfy { posted in
            var postings: [UInt32] = []
            growing.forEachPosting(of: posted.key, isLive: everyOrdinal) { postings.append($0); return true }
            return postings == [posted.ordinal]
        })

        var steady = PostingTable(freshGrowthBytes: freshGrowthBytes)
        var homes: Set<Int> = []
        for ordinal in UInt32(0)..<6_000 {
            let live = LiveOrdinals(first: ordinal >= 500 ? ordinal - 499 : 0, count: min(Int(ordinal) + 1, 500))
            for _ in 0..<50 {
                steady.insert(key: .random(in: 1...(.max - 1), using: &random), ordinal: ordinal, cap: 10,
                              isLive: live, found: &found)
            }
            found.removeAll(keepingCapacity: true)
            if ordinal >= 2_000 { homes.insert(steady.homeCount) }
        }
        // Rebuilt to the live postings' count, which varies by a few.
        #expect(Double(homes.max()!) / Double(homes.min()!) < 1.02)
        #expect(steady.isOrdered)
    }

    /// Rebuilt in place as it grows and as its postings die, a table leaves a copy of it as it was.
    @Test func aCopyKeepsItsPostingsWhileTheTableChanges() {
        var random = SeededGenerator(seed: 5)
        var table = PostingTable(), found: [UInt32] = []
        table.insert(key: 7, ordinal: 0, cap: 10, isLive: LiveOrdinals(first: 0, count: 1), found: &found)
        let copy = table
        for ordinal in UInt32(1)..<3_000 {
            let live = LiveOrdinals(first: ordinal >= 500 ? ordinal - 499 : 0, count: min(Int(ordinal) + 1, 500))
            for _ in 0..<20 {
                table.insert(key: .random(in: 8...(.max - 1), using: &random), ordinal: ordinal, cap: 10, isLive: live, found: &found)
            }
        }
        var postings: [UInt32] = []
        copy.forEachPosting(of: 7, isLive: LiveOrdinals(first: 0, count: 1)) { postings.append($0); return true }
        #expect(postings == [0])
        #expect(copy.homeCount == 1024)
        #expect(table.homeCount > 1024)
        #expect(table.isOrdered)
    }

    @Test func aTableGrownPastItsMarginStaysOrdered() {
        var table = PostingTable()
        let live = LiveOrdinals(first: 0, count: .max)
        var found: [UInt32] = []
        // The largest keys all have the last home: their cluster runs into the margin.
        for ordinal in UInt32(0)..<5_000 {
            table.insert(key: .max - 1 - ordinal % 7, ordinal: ordinal, cap: .max, isLive: live, found: &found)
        }
        #expect(table.isOrdered)
        var count = 0
        table.forEachPosting(of: .max - 1, isLive: live) { _ in count += 1; return true }
        #expect(count == 715)
    }
}

extension PostingTableTests {
    /// With ``RecentOrdinals``, the walks of an article's keys append each live posting they meet
    /// once (here fewer than 64 ordinals are live, so none is pushed out).
    @Test func walksWithRecentOrdinalsAppendEachOrdinalOnce() {
        var random = SeededGenerator(seed: 13)
        var table = PostingTable()
        let live = LiveOrdinals(first: 0, count: .max)
        let keys = (0..<7).map { _ in UInt32.random(in: 1...(.max - 1), using: &random) }
        withUnsafeTemporaryAllocation(of: UInt32.self, capacity: RecentOrdinals.slotCount) { slots in
            for ordinal in UInt32(0)..<40 {
                let recent = RecentOrdinals(clearing: slots)
                var found: [UInt32] = []
                for key in keys {
                    let before = table.insert(key: key, ordinal: ordinal, cap: .max, isLive: live, found: &found,
                                              recent: recent)
                    #expect(before == Int(ordinal))
                }
                #expect(found == Array(0..<ordinal))
            }
        }
        #expect(table.isOrdered)
    }

    /// A walk made again, after its cluster ran into the end of the margin, appends again what
    /// the first one had appended.
    @Test func aWalkMadeAgainAfterTheMarginGrewAppendsItsPostingsAgain() {
        var table = PostingTable()
        let live = LiveOrdinals(first: 0, count: .max)
        var retried = 0
        withUnsafeTemporaryAllocation(of: UInt32.self, capacity: RecentOrdinals.slotCount) { slots in
            // The 200 largest keys have the last home: their cluster runs into the margin, more
            // than once, and each has fewer postings than the recent ordinals hold.
            for ordinal in UInt32(0)..<5_000 {
                var found: [UInt32] = []
                let margin = table.marginCount
                table.insert(key: .max - 1 - ordinal % 200, ordinal: ordinal, cap: .max, isLive: live, found: &found,
                             recent: RecentOrdinals(clearing: slots))
                if table.marginCount > margin { retried += 1 }
                let expected = Array(stride(from: ordinal % 200, to: ordinal, by: 200))
                guard found == expected else {
                    Issue.record("article \(ordinal) found \(found.count) postings of \(expected.count)")
                    return
                }
            }
        }
        #expect(retried > 0)
        #expect(table.isOrdered)
    }

    @Test func recentOrdinalsHoldOnePerSlot() {
        withUnsafeTemporaryAllocation(of: UInt32.self, capacity: RecentOrdinals.slotCount) { slots in
            let recent = RecentOrdinals(clearing: slots)
            // No ordinal is taken for held in an empty table, whatever its slot.
            #expect((UInt32(0)..<256).allSatisfy { recent.insert($0) })
            #expect(!recent.insert(255), "the last of its slot is held")
            #expect(recent.insert(191), "pushed out by 255, which has the same slot")
            recent.remove(191)
            #expect(recent.insert(191))
            recent.remove(7)
            #expect(!recent.insert(191), "taking out another ordinal leaves it")
        }
    }
}

@Suite struct KeySetTests {
    @Test func holdsWhatASetHolds() {
        var random = SeededGenerator(seed: 3)
        var keys = KeySet(), reference = Set<UInt32>()
        for _ in 0..<20_000 {
            let key = UInt32.random(in: 1...50_000, using: &random)
            keys.insert(key)
            reference.insert(key)
        }
        #expect(keys.count == reference.count)
        #expect((1...60_000).allSatisfy { keys.contains(UInt32($0)) == reference.contains(UInt32($0)) })
    }

    /// Asked of every shingle of some words at once, it answers as `contains` does for each.
    @Test func lacksTheShinglesItDoesNotHold() {
        var random = SeededGenerator(seed: 4)
        let words = (0..<400).map { _ in UInt8.random(in: 0...3, using: &random) }
        func key(at start: Int) -> UInt32 {
            PassageShingles.key(ofShingle: words[start..<start + 8].reduce(0) { $0 << 8 | UInt64($1) })
        }
        var keys = KeySet()
        for start in stride(from: 0, to: words.count - 7, by: 3) { keys.insert(key(at: start)) }
        for count in [0, 7, 8, 9, 400] {
            var lacks = [Bool](repeating: false, count: max(0, count - 7))
            words.prefix(count).withUnsafeBufferPointer { words in
                lacks.withUnsafeMutableBufferPointer { keys.lacksShingles(of: words, into: $0) }
            }
            #expect(lacks == (0..<max(0, count - 7)).map { !keys.contains(key(at: $0)) }, "\(count) words")
        }
        #expect(keys.count > 10)
    }
}
