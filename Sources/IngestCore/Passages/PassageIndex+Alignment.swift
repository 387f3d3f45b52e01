extension PassageIndex {
    /// A run of shingles two articles share on one diagonal, as word ranges in each.
    struct Segment: Equatable {
        var at: Range<Int>
        var from: Range<Int>
        /// Whether the two articles have these words verbatim (shared shingles), or they were
        /// reached by extending across a difference.
        var isExact = true
    }

    /// One passage: segments joined across small differences, in the new article's order.
    struct Alignment: Equatable {
        var segments: [Segment]
        var at: Range<Int> {
            var lower = Int.max, upper = Int.min
            for segment in segments {
                lower = min(lower, segment.at.lowerBound)
                upper = max(upper, segment.at.upperBound)
            }
            return lower..<upper
        }

        /// The earlier article's words for the new article's words `range`, through the piece
        /// that holds each end (verbatim pieces first; an extended piece may differ in length, so
        /// an end is counted from the piece's own end on that side), or the nearest piece inside
        /// the range where an end falls in a gap.
        func from(_ range: Range<Int>) -> Range<Int> {
            let lower: Int
            if let piece = piece(where: { $0.at.contains(range.lowerBound) }) {
                lower = piece.from.lowerBound + min(range.lowerBound - piece.at.lowerBound, piece.from.count)
            } else {
                lower = piece(where: { $0.at.lowerBound > range.lowerBound },
                              better: { $0.at.lowerBound < $1.at.lowerBound })?.from.lowerBound ?? 0
            }
            let upper: Int
            if let piece = piece(where: { $0.at.contains(range.upperBound - 1) }) {
                upper = piece.from.upperBound - min(piece.at.upperBound - range.upperBound, piece.from.count)
            } else {
                upper = piece(where: { $0.at.upperBound < range.upperBound },
                              better: { $0.at.upperBound > $1.at.upperBound })?.from.upperBound ?? lower
            }
            return lower..<max(lower, upper)
        }

        /// The first of the segments that `matches`, verbatim ones before extended ones; with
        /// `better`, the first of those no other is better than.
        private func piece(where matches: (Segment) -> Bool,
                           better: (Segment, Segment) -> Bool = { _, _ in false }) -> Segment? {
            var best: Segment?
            for exact in [true, false] {
                for segment in segments where segment.isExact == exact && matches(segment) {
                    if best.map({ better(segment, $0) }) ?? true { best = segment }
                }
            }
            return best
        }
    }

    /// Aligns the candidates with `article` and credits each word to the oldest candidate that
    /// has it verbatim, in a run of at least the minimum; words that candidates have only across
    /// a bridged difference go to the oldest of those. Each candidate's passages are then the
    /// parts of its alignments credited to it that are long enough.
    ///
    /// Candidates are aligned oldest first, and no more once a later one could not be credited
    /// with a passage (see ``Credit/leavesRoom(minimum:map:)``): it would only cut words
    /// out of the bridged passages of earlier ones. A story copied many times is aligned with its
    /// first copy only.
    func credit(_ article: PassageShingles, candidates: [UInt32]) -> PassageReuse {
        // The anchor map's and the credit's arrays in one block: as Swift arrays they were five
        // allocations per article, each with its type looked up. Allocated here rather than by
        // `withUnsafeTemporaryAllocation`, which put a block this size on the heap all the same,
        // and whose closure copied the index (a retain and a release of each of its arrays).
        let mapBytes = AnchorMap.byteCount(for: article)
        let memory = UnsafeMutableRawBufferPointer.allocate(byteCount: mapBytes + Credit.byteCount(words: article.words.count),
                                                            alignment: MemoryLayout<UInt64>.alignment)
        defer { memory.deallocate() }
        let anchors = AnchorMap(article, stock: stockKeys, memory: UnsafeMutableRawBufferPointer(rebasing: memory[..<mapBytes]))
        let credit = Credit(words: article.words.count, memory: UnsafeMutableRawBufferPointer(rebasing: memory[mapBytes...]))
        return credited(article, candidates: candidates, anchors: anchors, credit: credit)
    }

    private func credited(_ article: PassageShingles, candidates: [UInt32], anchors: AnchorMap, credit: Credit)
        -> PassageReuse
    {
        var aligned: [(seq: UInt64, alignments: [Alignment])] = []
        aligned.reserveCapacity(min(candidates.count, 8))
        // What the closures need, taken out of the index: a closure that uses `self` may copy it
        // (`credit`'s did), with a retain and a release of each of its arrays.
        let settings = settings, skips = skips
        let spans = spans, firstOrdinal = firstOrdinal
        article.words.withUnsafeBufferPointer { articleWords in
            words.withUnsafeBufferPointer { arena in
                for ordinal in candidates {
                    guard credit.leavesRoom(minimum: settings.minimumWords, map: anchors) else { break }
                    let span = spans[Int(ordinal &- firstOrdinal)]
                    let earlier = UnsafeBufferPointer(rebasing: arena[span.start..<span.start + span.count])
                    let alignments = Self.alignments(
                        of: anchors, words: articleWords, with: earlier, settings: settings, skips: skips)
                    credit.claimVerbatim(alignments, by: Int32(aligned.count), minimum: settings.minimumWords)
                    aligned.append((span.seq, alignments))
                }
            }
        }
        credit.claimBridged(aligned)
        var passages: [SharedPassage] = []
        passages.reserveCapacity(16)
        for (candidate, source) in aligned.enumerated() {
            for alignment in source.alignments {
                Self.forEachPart(of: alignment.at, ownedBy: Int32(candidate), in: UnsafeBufferPointer(credit.owner)) { part in
                    guard part.count >= settings.minimumWords else { return }
                    passages.append(SharedPassage(seq: source.seq, at: part, from: alignment.from(part)))
                }
            }
        }
        // Both orders are made in place: each copy of the passages would be an allocation.
        passages.sort { $0.at.lowerBound < $1.at.lowerBound }
        let reusedWords = Self.wordsCovered(byStart: passages)
        return PassageReuse(passages: Self.listed(passages, limit: settings.reportLimit), reusedWords: reusedWords)
    }

    /// How many words lie in any of the passages.
    static func wordsCovered(by passages: [SharedPassage]) -> Int {
        wordsCovered(byStart: passages.sorted { $0.at.lowerBound < $1.at.lowerBound })
    }

    /// How many words lie in any of the passages, which are in the order of where they start.
    private static func wordsCovered(byStart passages: [SharedPassage]) -> Int {
        var covered = 0, end = 0
        for passage in passages {
            covered += max(0, passage.at.upperBound - max(passage.at.lowerBound, end))
            end = max(end, passage.at.upperBound)
        }
        return covered
    }

    /// Which candidate each word of the new article is credited with so far, verbatim, and
    /// which words any candidate's alignment covers. Each is asked of every word of the article
    /// once or more per candidate, so the loops run over the arrays' buffers.
    struct Credit {
        /// The candidate credited with each word verbatim (then across a difference, once
        /// ``claimBridged(_:)`` has run), or -1.
        let owner: UnsafeMutableBufferPointer<Int32>
        /// Per word: ``alignedMark`` once a candidate's alignment covers it; ``claimableMark`` or
        /// ``unclaimableMark`` once it is known whether a shingle over it may be part of a passage.
        private let marks: UnsafeMutableBufferPointer<UInt8>
        private static let alignedMark: UInt8 = 1, claimableMark: UInt8 = 2, unclaimableMark: UInt8 = 4

        /// Bytes of memory for an article of `words` words.
        static func byteCount(words: Int) -> Int { words * (MemoryLayout<Int32>.stride + 1) }

        /// No word credited, in `memory` (of ``byteCount(words:)`` bytes, aligned for `Int32`),
        /// which must stay allocated while the credit is used.
        init(words: Int, memory: UnsafeMutableRawBufferPointer) {
            owner = UnsafeMutableBufferPointer(
                start: memory.baseAddress!.initializeMemory(as: Int32.self, repeating: -1, count: words), count: words)
            marks = UnsafeMutableBufferPointer(
                start: (memory.baseAddress! + words * MemoryLayout<Int32>.stride)
                    .initializeMemory(as: UInt8.self, repeating: 0, count: words),
                count: words)
        }

        /// Credits the words of the verbatim pieces (of at least `minimum` words) that no
        /// earlier candidate has to `candidate`, and notes the words its alignments cover.
        func claimVerbatim(_ alignments: [Alignment], by candidate: Int32, minimum: Int) {
            for alignment in alignments {
                for segment in alignment.segments where segment.isExact && segment.at.count >= minimum {
                    claim(segment.at, for: candidate)
                }
                for position in alignment.at { marks[position] |= Self.alignedMark }
            }
        }

        /// Credits the words of `range` that no candidate has yet to `candidate`. Written without
        /// a branch, so that the compiler makes it a loop over several words at once.
        @inline(__always)
        private func claim(_ range: Range<Int>, for candidate: Int32) {
            for position in range {
                let current = owner[position]
                owner[position] = current < 0 ? candidate : current
            }
        }

        /// Credits the words no candidate has verbatim to the oldest candidate whose alignments
        /// cover them (across a difference); `aligned` are the candidates' alignments, oldest first.
        func claimBridged(_ aligned: [(seq: UInt64, alignments: [Alignment])]) {
            for (candidate, source) in aligned.enumerated() {
                for alignment in source.alignments { claim(alignment.at, for: Int32(candidate)) }
            }
        }

        /// Whether a later candidate could still be credited with a passage: a run of `minimum`
        /// words, none of which an earlier candidate has verbatim, and each of which either no
        /// earlier candidate covers (it could be the later one's across a difference) or lies
        /// under a shingle that is not a stock phrase (it could be the later one's verbatim).
        func leavesRoom(minimum: Int, map: AnchorMap) -> Bool {
            var run = 0
            for position in owner.indices {
                let open = owner[position] < 0
                    && (marks[position] & Self.alignedMark == 0 || Self.isClaimable(position, map: map, marks: marks))
                run = open ? run + 1 : 0
                if run >= minimum { return true }
            }
            return false
        }

        private static func isClaimable(_ position: Int, map: AnchorMap, marks: UnsafeMutableBufferPointer<UInt8>) -> Bool {
            if marks[position] & (claimableMark | unclaimableMark) == 0 {
                let shingles = max(0, position - PassageShingles.shingleWords + 1)...min(position, map.shingleCount - 1)
                marks[position] |= shingles.contains { map.isUsable(at: $0) } ? claimableMark : unclaimableMark
            }
            return marks[position] & claimableMark != 0
        }
    }

    /// The passages to list when there are more than `limit`: the longest of each source first,
    /// so that the list names as many of the places the article drew on as it can, then the
    /// longest of the rest. Listed longest first (ties: earlier in the article first).
    static func listed(_ passages: consuming [SharedPassage], limit: Int) -> [SharedPassage] {
        var byLength = passages
        byLength.sort { ($0.words, $1.at.lowerBound) > ($1.words, $0.at.lowerBound) }
        guard byLength.count > limit else { return byLength }
        var sources = Set<UInt64>()
        let isFirstOfSource = byLength.map { sources.insert($0.seq).inserted }
        let firsts = byLength.indices.filter { isFirstOfSource[$0] }
        let others = byLength.indices.filter { !isFirstOfSource[$0] }
        let chosen = Set(firsts.prefix(limit)).union(others.prefix(max(0, limit - firsts.count)))
        return byLength.indices.filter(chosen.contains).map { byLength[$0] }
    }

    /// The passages of at least `settings.minimumWords` words between the new article (its
    /// anchors and words) and an earlier article's words.
    ///
    /// The earlier article's shingles are looked up among the new article's anchors (see
    /// ``AnchorMap``), in order. A shared anchor is a seed: it is extended over the shared
    /// shingles on both sides that are not stock phrases (the verbatim run), then word by word
    /// across differences (see ``extend(_:_:_:skips:into:)``). The scan resumes where the verbatim run
    /// ends, so a long copy costs one lookup, not one per word.
    static func alignments(
        of article: AnchorMap, words: UnsafeBufferPointer<UInt8>, with earlier: UnsafeBufferPointer<UInt8>,
        settings: PassageSettings, skips: [(Int, Int)]
    ) -> [Alignment] {
        let width = PassageShingles.shingleWords
        guard earlier.count >= width, words.count >= width else { return [] }
        // Room for the pieces of most candidates (seeds and their extensions, a few dozen at
        // most): growing from empty allocates at each of the first doublings.
        var pieces: [Segment] = []
        pieces.reserveCapacity(32)
        // Seeds found so far whose diagonal may still hold the scan's position: their verbatim
        // run, and how far the words stay identical on the diagonal (past stock phrases). A
        // later seed inside the verbatim run is the same run; one past it but inside the
        // identical words adds its own verbatim run, and the first seed's extension is its.
        var runs: [(diagonal: Int, verbatim: Range<Int>, identical: Range<Int>)] = []
        runs.reserveCapacity(16)
        var start = article.nextPossibleAnchor(in: earlier, from: 0)
        while start + width <= earlier.count {
            let hits = article.positions(of: PassageShingles.shingle(at: start, in: earlier))
            var resume = start + 1
            if hits.count > 0 {
                runs.removeAll { $0.identical.upperBound <= start }
                var reached = Int.max
                for index in 0..<hits.count {
                    let position = Int(hits.stored[index])
                    let onDiagonal = runs.lastIndex { $0.diagonal == start - position && $0.identical.contains(start) }
                    if let onDiagonal, runs[onDiagonal].verbatim.contains(start) {
                        reached = min(reached, runs[onDiagonal].verbatim.upperBound)
                    } else if !article.isUsable(at: position) {
                        reached = start + width
                    } else {
                        let seed = verbatimRun(of: article, words, earlier, at: position, from: start)
                        pieces.append(seed)
                        let identical: Range<Int>
                        if let onDiagonal {
                            identical = runs[onDiagonal].identical
                        } else {
                            identical = seed.from.lowerBound..<extend(seed, words, earlier, skips: skips, into: &pieces)
                        }
                        runs.append((start - position, seed.from, identical))
                        reached = min(reached, seed.from.upperBound)
                    }
                }
                resume = max(resume, reached - width + 1)
            }
            start = article.nextPossibleAnchor(in: earlier, from: resume)
        }
        guard !pieces.isEmpty else { return [] }
        pieces.sort { ($0.at.lowerBound, $0.from.lowerBound) < ($1.at.lowerBound, $1.from.lowerBound) }
        return joined(pieces, settings: settings)
    }

    /// The shared shingles around a seed (the new article's `position`, the earlier article's
    /// `start`) on its diagonal, as far as they go without a stock phrase or an anchor the new
    /// article repeats: the words the two articles have verbatim, as a passage's own words.
    private static func verbatimRun(
        of map: AnchorMap, _ article: UnsafeBufferPointer<UInt8>, _ earlier: UnsafeBufferPointer<UInt8>,
        at position: Int, from start: Int
    ) -> Segment {
        let width = PassageShingles.shingleWords
        // A word before the seed joins with the shingle it starts, one after with the one it ends.
        let before = SameWords.down(article, position - 1, earlier, start - 1, usable: map.usableFlags, from: position - 1)
        let after = SameWords.up(article, position + width, earlier, start + width, usable: map.usableFlags, from: position + 1)
        return Segment(at: position - before..<position + width + after, from: start - before..<start + width + after)
    }

    /// Words resumed verbatim after a bridged difference before the extension goes on: fewer
    /// would let common words ("in the", "of the") carry a passage past its end.
    static let resumedWords = 4

    /// The ways to step over a difference of up to `bridge` words on either side, in the order
    /// they are tried: replaced words before added or dropped ones, fewer before more.
    static func skips(bridging bridge: Int) -> [(Int, Int)] {
        bridge < 1 ? [] : (1...bridge).flatMap { larger in (0...larger).flatMap { smaller in
            smaller == larger ? [(larger, larger)] : [(larger, smaller), (smaller, larger)]
        } }
    }

    /// Appends to `pieces` what extends a verbatim run to the right and to the left: words the
    /// two articles have in the same order, across differences (`skips`, see
    /// ``skips(bridging:)``) that are followed by ``resumedWords`` identical words. Returns where
    /// the words after the run stop being identical on its diagonal (in the earlier article).
    static func extend(_ seed: Segment, _ article: UnsafeBufferPointer<UInt8>, _ earlier: UnsafeBufferPointer<UInt8>,
                       skips: [(Int, Int)], into pieces: inout [Segment]) -> Int {
        let right = reach(article, earlier, from: (seed.at.upperBound, seed.from.upperBound), step: 1, skips: skips)
        if right.reached.0 > seed.at.upperBound {
            pieces.append(Segment(at: seed.at.upperBound..<right.reached.0, from: seed.from.upperBound..<right.reached.1,
                                  isExact: false))
        }
        let left = reach(article, earlier, from: (seed.at.lowerBound - 1, seed.from.lowerBound - 1), step: -1, skips: skips)
        if left.reached.0 < seed.at.lowerBound - 1 {
            pieces.append(Segment(at: left.reached.0 + 1..<seed.at.lowerBound, from: left.reached.1 + 1..<seed.from.lowerBound,
                                  isExact: false))
        }
        return right.identical.1
    }

    /// Walks both word arrays from `start` in direction `step` while they agree, bridging small
    /// differences; returns the first positions past the last agreeing words, and past the
    /// first stretch of agreeing words (before any difference is bridged).
    private static func reach(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>, from start: (Int, Int),
                              step: Int, skips: [(Int, Int)]) -> (reached: (Int, Int), identical: (Int, Int)) {
        func agree(_ i: Int, _ j: Int, _ count: Int) -> Bool {
            for k in 0..<count {
                let (x, y) = (i + k * step, j + k * step)
                guard x >= 0, x < a.count, y >= 0, y < b.count, a[x] == b[y] else { return false }
            }
            return true
        }
        var (i, j) = start
        var reached = start
        var identical: (Int, Int)?
        while true {
            let same = step > 0 ? SameWords.up(a, i, b, j) : SameWords.down(a, i, b, j)
            i += same * step
            j += same * step
            reached = (i, j)
            if identical == nil { identical = reached }
            guard let skip = skips.first(where: { agree(i + $0.0 * step, j + $0.1 * step, resumedWords) }) else { break }
            i += skip.0 * step
            j += skip.1 * step
        }
        return (reached, identical ?? reached)
    }

    /// Pieces joined into passages where they overlap or the gap between them is at most
    /// `settings.bridgedWords` words, on diagonals at most that far apart (a word replaced, added
    /// or dropped); passages shorter than the minimum are dropped.
    ///
    /// `pieces` are in the new article's order. A passage is kept open as its first and last
    /// pieces, the others linked from the first; only one long enough is made an ``Alignment``,
    /// as it closes, so that a seed whose passage stays shorter than the minimum costs no array.
    private static func joined(_ pieces: [Segment], settings: PassageSettings) -> [Alignment] {
        let bridge = settings.bridgedWords
        // Room for the few passages an earlier article shares: growing from empty allocates at
        // each of the first doublings.
        var alignments: [Alignment] = []
        alignments.reserveCapacity(4)
        var open: [OpenPassage] = []
        open.reserveCapacity(4)
        withUnsafeTemporaryAllocation(of: Int.self, capacity: pieces.count) { next in
            for (index, piece) in pieces.enumerated() {
                let joinable = open.lastIndex { candidate in
                    let gapAt = piece.at.lowerBound - candidate.atEnd
                    let gapFrom = piece.from.lowerBound - candidate.fromEnd
                    let last = pieces[candidate.last]
                    let diagonalShift = (piece.from.lowerBound - piece.at.lowerBound) - (last.from.lowerBound - last.at.lowerBound)
                    return gapAt <= bridge && gapFrom <= bridge && abs(diagonalShift) <= bridge
                }
                if let joinable {
                    next[open[joinable].last] = index
                    open[joinable].last = index
                    open[joinable].atEnd = max(open[joinable].atEnd, piece.at.upperBound)
                    open[joinable].fromEnd = max(open[joinable].fromEnd, piece.from.upperBound)
                } else {
                    open.append(OpenPassage(first: index, last: index, atEnd: piece.at.upperBound, fromEnd: piece.from.upperBound))
                }
                // Passages that can no longer be joined are closed, so `open` stays short.
                var kept = 0
                for position in open.indices {
                    let candidate = open[position]
                    if candidate.atEnd + bridge < piece.at.lowerBound {
                        if let closed = alignment(candidate, of: pieces, next: next, minimum: settings.minimumWords) {
                            alignments.append(closed)
                        }
                    } else {
                        open[kept] = candidate
                        kept += 1
                    }
                }
                open.removeLast(open.count - kept)
            }
            for candidate in open {
                if let closed = alignment(candidate, of: pieces, next: next, minimum: settings.minimumWords) {
                    alignments.append(closed)
                }
            }
        }
        return alignments
    }

    /// The passage's pieces as an alignment, if it has at least `minimum` words.
    private static func alignment(_ passage: OpenPassage, of pieces: [Segment], next: UnsafeMutableBufferPointer<Int>,
                                  minimum: Int) -> Alignment? {
        guard passage.atEnd - pieces[passage.first].at.lowerBound >= minimum else { return nil }
        var count = 1, index = passage.first
        while index != passage.last { (count, index) = (count + 1, next[index]) }
        var segments: [Segment] = []
        segments.reserveCapacity(count)
        index = passage.first
        for _ in 0..<count {
            segments.append(pieces[index])
            index = next[index]
        }
        return Alignment(segments: segments)
    }

    /// A passage being joined: its first and last pieces, and where its words end in each article.
    private struct OpenPassage {
        var first: Int
        var last: Int
        var atEnd: Int
        var fromEnd: Int
    }

    /// Calls `body` with each part of `range` credited to `candidate`, in order.
    private static func forEachPart(of range: Range<Int>, ownedBy candidate: Int32, in owner: UnsafeBufferPointer<Int32>,
                                    _ body: (Range<Int>) -> Void) {
        var position = range.lowerBound
        while position < range.upperBound {
            // Two plain loops, past the words of others and then over the candidate's: a passage's
            // words are mostly one candidate's, and each loop is a compare and a step.
            while position < range.upperBound, owner[position] != candidate { position += 1 }
            let start = position
            while position < range.upperBound, owner[position] == candidate { position += 1 }
            if position > start { body(start..<position) }
        }
    }
}

/// A new article's anchors (the shingles it selected, see ``PassageShingles``) by value, for
/// aligning it with earlier articles, and for each of its positions whether the shingle there
/// may be part of a passage (see ``isUsable(at:)``), asked of the index's stock phrases once.
///
/// A run of `window + 7` words that an earlier article shares with the new one holds one of the
/// new article's anchors, whatever the earlier one selected; the anchor seeds the run, which is
/// then extended both ways. Anchors that are stock phrases are left out. Made by the loop for each
/// article it aligns: about a third as many entries as the article has words, in a table small
/// enough for the first level of cache, which each word of each earlier article is looked up in.
///
/// An anchor the article has at more than ``maximumRepeats`` positions is left out: it says
/// nothing of where a passage is, and a page of one word repeated would otherwise match every
/// shingle of an earlier such page with every one of its own. The table keeps one position more
/// than that of a value, which marks it as repeated, and no more, so such a page costs no probe
/// runs.
struct AnchorMap {
    static let maximumRepeats = 4

    /// The positions of one shingle value: `count` of them in `stored`.
    struct Positions {
        var count = 0
        var stored = SIMD4<Int32>()
    }

    private let values: UnsafeMutableBufferPointer<UInt64>
    private let positions: UnsafeMutableBufferPointer<Int32>
    private let mask: Int
    /// A bit per value's hash, about 32 bits per anchor: most shingles of an earlier article are
    /// none of the new one's anchors, and the filter turns them away with one predictable test,
    /// where the table's probe often meets an occupied slot and compares.
    private let filter: UnsafeMutableBufferPointer<UInt64>
    private let filterMask: Int
    /// Per shingle of the article: whether it may seed or make up a passage.
    private let usable: UnsafeMutableBufferPointer<Bool>

    /// Slots in the table for the article's anchors: twice as many or more, a power of two.
    private static func capacity(for article: PassageShingles) -> Int {
        var capacity = 16
        while capacity < article.anchors.count * 2 { capacity *= 2 }
        return capacity
    }

    /// Bytes of memory for the map of `article`, a multiple of 8.
    static func byteCount(for article: PassageShingles) -> Int {
        let capacity = capacity(for: article)
        let shingles = (article.shingleCount + 7) / 8 * 8
        return capacity * (MemoryLayout<UInt64>.stride + MemoryLayout<Int32>.stride) + capacity / 4 * 8 + shingles
    }

    /// The map of `article`, in `memory` (of ``byteCount(for:)`` bytes, aligned for `UInt64`),
    /// which must stay allocated while the map is used.
    init(_ article: PassageShingles, stock: KeySet, memory: UnsafeMutableRawBufferPointer) {
        let capacity = Self.capacity(for: article)
        var next = memory.baseAddress!
        func carve<T>(_ type: T.Type, _ count: Int, _ value: T) -> UnsafeMutableBufferPointer<T> {
            let buffer = UnsafeMutableBufferPointer(start: next.initializeMemory(as: T.self, repeating: value, count: count),
                                                    count: count)
            next += count * MemoryLayout<T>.stride
            return buffer
        }
        values = carve(UInt64.self, capacity, 0)
        filter = carve(UInt64.self, capacity / 4, 0)
        positions = carve(Int32.self, capacity, -1)
        usable = carve(Bool.self, article.shingleCount, false)
        mask = capacity - 1
        filterMask = capacity * 16 - 1
        // Asked of every shingle at once: the questions do not depend on each other, so the
        // processor has many in flight, where asking as the alignment goes waits for each answer.
        article.words.withUnsafeBufferPointer { words in
            stock.lacksShingles(of: words, into: usable)
            for anchor in article.anchors where usable[Int(anchor)] {
                add(PassageShingles.shingle(at: Int(anchor), in: words), at: anchor)
            }
        }
    }

    /// Shingles in the article: one per word but the last seven.
    var shingleCount: Int { usable.count }

    /// The first position from `start` on at which `words` has a shingle that may be one of the
    /// anchors (the filter does not turn it away), or where the last shingle would end if none.
    /// Most shingles of an earlier article are none of the new one's anchors: this loop passes
    /// them with a load, a multiplication and a test each.
    @inline(__always)
    func nextPossibleAnchor(in words: UnsafeBufferPointer<UInt8>, from start: Int) -> Int {
        let end = words.count - PassageShingles.shingleWords + 1
        guard start < end else { return max(start, end) }
        let base = UnsafeRawPointer(words.baseAddress!)
        var position = start
        while position < end {
            if filterHolds(PassageShingles.shingle(at: position, after: base) &* Self.multiplier) { return position }
            position += 1
        }
        return end
    }

    /// The anchors with this value; none if the article repeats it.
    @inline(__always)
    func positions(of value: UInt64) -> Positions {
        let product = value &* Self.multiplier
        guard filterHolds(product) else { return Positions() }
        var found = Positions()
        var slot = Self.home(product) & mask
        while positions[slot] >= 0 {
            if values[slot] == value {
                guard found.count < Self.maximumRepeats else { return Positions() }
                found.stored[found.count] = positions[slot]
                found.count += 1
            }
            slot = (slot + 1) & mask
        }
        return found
    }

    /// Whether the shingle at `position` may seed or make up a passage: it is not a stock phrase,
    /// nor an anchor the article repeats.
    @inline(__always)
    func isUsable(at position: Int) -> Bool { usable[position] }

    /// ``isUsable(at:)`` for every shingle, by where it starts.
    var usableFlags: UnsafeBufferPointer<Bool> { UnsafeBufferPointer(usable) }

    /// Adds an anchor; the anchors of a value the article repeats are marked as not usable as
    /// they are found out.
    private func add(_ value: UInt64, at position: Int32) {
        let product = value &* Self.multiplier
        let bit = Self.filterBit(product) & filterMask
        filter[bit >> 6] |= 1 << UInt64(bit & 63)
        let home = Self.home(product) & mask
        var slot = home
        var repeats = 0
        while positions[slot] >= 0 {
            if values[slot] == value { repeats += 1 }
            slot = (slot + 1) & mask
        }
        guard repeats < Self.maximumRepeats else {
            usable[Int(position)] = false
            if repeats == Self.maximumRepeats { markRepeated(value, from: home) }
            // One position more than the limit stays in the table, for lookups to see the value
            // is repeated; the rest do not, so that no probe run grows with the repeats.
            if repeats > Self.maximumRepeats { return }
            values[slot] = value
            positions[slot] = position
            return
        }
        values[slot] = value
        positions[slot] = position
    }

    private func markRepeated(_ value: UInt64, from home: Int) {
        var slot = home
        while positions[slot] >= 0 {
            if values[slot] == value { usable[Int(positions[slot])] = false }
            slot = (slot + 1) & mask
        }
    }

    private static let multiplier: UInt64 = 0x9E37_79B9_7F4A_7C15

    /// The table's slots are chosen by the high bits of the value's product with an odd constant…
    @inline(__always)
    private static func home(_ product: UInt64) -> Int { Int(truncatingIfNeeded: product >> 40) }

    /// …and the filter's bit by lower ones.
    @inline(__always)
    private static func filterBit(_ product: UInt64) -> Int { Int(truncatingIfNeeded: product >> 20) }

    /// Whether the filter has the bit of a value with this product: if not, no anchor has the value.
    @inline(__always)
    private func filterHolds(_ product: UInt64) -> Bool {
        let bit = Self.filterBit(product) & filterMask
        return filter[bit >> 6] & (1 << UInt64(bit & 63)) != 0
    }
}
