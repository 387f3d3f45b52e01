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
        var at: Range<Int> { segments.map(\.at.lowerBound).min()!..<segments.map(\.at.upperBound).max()! }

        /// The earlier article's words for the new article's words `range`, through the piece
        /// that holds each end (verbatim pieces first; an extended piece may differ in length, so
        /// an end is counted from the piece's own end on that side), or the nearest piece inside
        /// the range where an end falls in a gap.
        func from(_ range: Range<Int>) -> Range<Int> {
            let pieces = segments.filter(\.isExact) + segments.filter { !$0.isExact }
            let lower: Int
            if let piece = pieces.first(where: { $0.at.contains(range.lowerBound) }) {
                lower = piece.from.lowerBound + min(range.lowerBound - piece.at.lowerBound, piece.from.count)
            } else {
                lower = pieces.filter { $0.at.lowerBound > range.lowerBound }.min { $0.at.lowerBound < $1.at.lowerBound }?.from.lowerBound ?? 0
            }
            let upper: Int
            if let piece = pieces.first(where: { $0.at.contains(range.upperBound - 1) }) {
                upper = piece.from.upperBound - min(piece.at.upperBound - range.upperBound, piece.from.count)
            } else {
                upper = pieces.filter { $0.at.upperBound < range.upperBound }.max { $0.at.upperBound < $1.at.upperBound }?.from.upperBound ?? lower
            }
            return lower..<max(lower, upper)
        }
    }

    /// Aligns the candidates with `article` and credits each word to the oldest candidate that
    /// has it verbatim, in a run of at least the minimum; words that candidates have only across
    /// a bridged difference go to the oldest of those. Each candidate's passages are then the
    /// parts of its alignments credited to it that are long enough.
    func credit(_ article: PassageShingles, candidates: [UInt32]) -> PassageReuse {
        var shingles = ShingleMap(article.words)
        let aligned = candidates.map { ordinal in
            let span = span(ofOrdinal: ordinal)
            return (seq: span.seq, alignments: Self.alignments(
                of: &shingles, words: article.words, with: words(of: span), settings: settings) { isStock($0) })
        }
        var owner = [Int32](repeating: -1, count: article.words.count)
        for (candidate, source) in aligned.enumerated() {
            for alignment in source.alignments {
                for segment in alignment.segments where segment.isExact && segment.at.count >= settings.minimumWords {
                    for position in segment.at where owner[position] < 0 { owner[position] = Int32(candidate) }
                }
            }
        }
        for (candidate, source) in aligned.enumerated() {
            for alignment in source.alignments {
                for position in alignment.at where owner[position] < 0 { owner[position] = Int32(candidate) }
            }
        }
        var passages: [SharedPassage] = []
        for (candidate, source) in aligned.enumerated() {
            for alignment in source.alignments {
                for part in Self.parts(of: alignment.at, ownedBy: Int32(candidate), in: owner) where part.count >= settings.minimumWords {
                    passages.append(SharedPassage(seq: source.seq, at: part, from: alignment.from(part)))
                }
            }
        }
        var inPassages = [Bool](repeating: false, count: article.words.count)
        for passage in passages { for position in passage.at { inPassages[position] = true } }
        return PassageReuse(passages: Self.listed(passages, limit: settings.reportLimit),
                            reusedWords: inPassages.lazy.filter { $0 }.count)
    }

    /// The passages to list when there are more than `limit`: the longest of each source first,
    /// so that the list names as many of the places the article drew on as it can, then the
    /// longest of the rest. Listed longest first (ties: earlier in the article first).
    static func listed(_ passages: [SharedPassage], limit: Int) -> [SharedPassage] {
        let byLength = passages.sorted { ($0.words, $1.at.lowerBound) > ($1.words, $0.at.lowerBound) }
        guard byLength.count > limit else { return byLength }
        var sources = Set<UInt64>()
        let isFirstOfSource = byLength.map { sources.insert($0.seq).inserted }
        let firsts = byLength.indices.filter { isFirstOfSource[$0] }
        let others = byLength.indices.filter { !isFirstOfSource[$0] }
        let chosen = Set(firsts.prefix(limit)).union(others.prefix(max(0, limit - firsts.count)))
        return byLength.indices.filter(chosen.contains).map { byLength[$0] }
    }

    /// The passages of at least `settings.minimumWords` words between the new article (its
    /// shingle map and words) and an earlier article's words. Stock shingles are left out;
    /// `isStock` is asked once per shingle of the new article. Runs of shared shingles are the
    /// seeds; each is extended word by word across differences (see ``extended(_:_:_:settings:)``).
    static func alignments(
        of article: inout ShingleMap, words: [UInt8], with earlier: ArraySlice<UInt8>, settings: PassageSettings,
        isStock: (UInt32) -> Bool
    ) -> [Alignment] {
        var matches: [(diagonal: Int, position: Int)] = []
        var value: UInt64 = 0
        for (offset, byte) in earlier.enumerated() {
            value = value << 8 | UInt64(byte)
            guard offset >= PassageShingles.shingleWords - 1 else { continue }
            let start = offset - (PassageShingles.shingleWords - 1)
            article.forEachPosition(of: value) { position in
                if !article.isStock(at: position, isStock) { matches.append((start - position, position)) }
            }
        }
        guard !matches.isEmpty else { return [] }
        matches.sort { ($0.diagonal, $0.position) < ($1.diagonal, $1.position) }
        let earlierWords = Array(earlier)
        let seeds = segments(matches)
        let pieces = seeds + seeds.flatMap { extended($0, words, earlierWords, settings: settings) }
        return joined(pieces.sorted { ($0.at.lowerBound, $0.from.lowerBound) < ($1.at.lowerBound, $1.from.lowerBound) },
                      settings: settings)
    }

    /// Words resumed verbatim after a bridged difference before the extension goes on: fewer
    /// would let common words ("in the", "of the") carry a passage past its end.
    static let resumedWords = 4

    /// What extends `seed` to the left and to the right: words the two articles have in the same
    /// order, across differences of up to `settings.bridgedWords` words on either side (a word
    /// replaced, added or dropped) that are followed by ``resumedWords`` identical words.
    static func extended(_ seed: Segment, _ article: [UInt8], _ earlier: [UInt8], settings: PassageSettings) -> [Segment] {
        var pieces: [Segment] = []
        let right = reach(article, earlier, from: (seed.at.upperBound, seed.from.upperBound), step: 1, bridge: settings.bridgedWords)
        if right.0 > seed.at.upperBound {
            pieces.append(Segment(at: seed.at.upperBound..<right.0, from: seed.from.upperBound..<right.1, isExact: false))
        }
        let left = reach(article, earlier, from: (seed.at.lowerBound - 1, seed.from.lowerBound - 1), step: -1, bridge: settings.bridgedWords)
        if left.0 < seed.at.lowerBound - 1 {
            pieces.append(Segment(at: left.0 + 1..<seed.at.lowerBound, from: left.1 + 1..<seed.from.lowerBound, isExact: false))
        }
        return pieces
    }

    /// Walks both word arrays from `start` in direction `step` while they agree, bridging small
    /// differences; returns the first positions past the last agreeing words.
    private static func reach(_ a: [UInt8], _ b: [UInt8], from start: (Int, Int), step: Int, bridge: Int) -> (Int, Int) {
        func agree(_ i: Int, _ j: Int, _ count: Int) -> Bool {
            (0..<count).allSatisfy { k in
                let (x, y) = (i + k * step, j + k * step)
                return a.indices.contains(x) && b.indices.contains(y) && a[x] == b[y]
            }
        }
        // Replaced words before added or dropped ones, fewer before more.
        let skips = bridge < 1 ? [] : (1...bridge).flatMap { larger in (0...larger).flatMap { smaller in
            smaller == larger ? [(larger, larger)] : [(larger, smaller), (smaller, larger)]
        } }
        var (i, j) = start
        var reached = start
        while true {
            while agree(i, j, 1) {
                i += step
                j += step
            }
            reached = (i, j)
            guard let skip = skips.first(where: { agree(i + $0.0 * step, j + $0.1 * step, resumedWords) }) else { break }
            i += skip.0 * step
            j += skip.1 * step
        }
        return reached
    }

    /// Consecutive shingles on one diagonal, as word ranges.
    private static func segments(_ matches: [(diagonal: Int, position: Int)]) -> [Segment] {
        var segments: [Segment] = []
        var first = matches[0], last = matches[0]
        func close() {
            let at = first.position..<last.position + PassageShingles.shingleWords
            segments.append(Segment(at: at, from: at.lowerBound + first.diagonal..<at.upperBound + first.diagonal))
        }
        for match in matches.dropFirst() {
            if match.diagonal == last.diagonal && match.position == last.position + 1 {
                last = match
            } else {
                close()
                first = match
                last = match
            }
        }
        close()
        return segments
    }

    /// Pieces joined into passages where they overlap or the gap between them is at most
    /// `settings.bridgedWords` words, on diagonals at most that far apart (a word replaced, added
    /// or dropped); passages shorter than the minimum are dropped.
    private static func joined(_ pieces: [Segment], settings: PassageSettings) -> [Alignment] {
        let bridge = settings.bridgedWords
        var alignments: [Alignment] = []
        var open: [(alignment: Alignment, atEnd: Int, fromEnd: Int)] = []
        for piece in pieces {
            let joinable = open.lastIndex { candidate in
                let gapAt = piece.at.lowerBound - candidate.atEnd
                let gapFrom = piece.from.lowerBound - candidate.fromEnd
                let last = candidate.alignment.segments[candidate.alignment.segments.count - 1]
                let diagonalShift = (piece.from.lowerBound - piece.at.lowerBound) - (last.from.lowerBound - last.at.lowerBound)
                return gapAt <= bridge && gapFrom <= bridge && abs(diagonalShift) <= bridge
            }
            if let joinable {
                open[joinable].alignment.segments.append(piece)
                open[joinable].atEnd = max(open[joinable].atEnd, piece.at.upperBound)
                open[joinable].fromEnd = max(open[joinable].fromEnd, piece.from.upperBound)
            } else {
                open.append((Alignment(segments: [piece]), piece.at.upperBound, piece.from.upperBound))
            }
            // Passages that can no longer be joined are closed, so `open` stays short.
            open.removeAll { candidate in
                let closed = candidate.atEnd + bridge < piece.at.lowerBound
                if closed { alignments.append(candidate.alignment) }
                return closed
            }
        }
        alignments += open.map(\.alignment)
        return alignments.filter { $0.at.count >= settings.minimumWords }
    }

    /// The parts of `range` credited to `candidate`, in order.
    private static func parts(of range: Range<Int>, ownedBy candidate: Int32, in owner: [Int32]) -> [Range<Int>] {
        var parts: [Range<Int>] = []
        var start: Int?
        for position in range {
            if owner[position] != candidate {
                if let open = start { parts.append(open..<position) }
                start = nil
            } else if start == nil {
                start = position
            }
        }
        if let open = start { parts.append(open..<range.upperBound) }
        return parts
    }
}

/// The shingles of a new article by value, for aligning it with earlier articles: an
/// open-addressing table from shingle value to the positions where it starts, and for each
/// position whether its shingle is a stock phrase, asked of the index once.
///
/// A shingle the article repeats more than ``maximumRepeats`` times is left out: it says nothing
/// of where a passage is, and a page of one word repeated would otherwise match every shingle
/// of an earlier such page with every one of its own.
struct ShingleMap {
    static let maximumRepeats = 4

    private var values: [UInt64]
    private var positions: [Int32]
    private var mask: Int
    private var shingleKeys: [UInt32]
    private var stock: [UInt8]  // 0 not yet asked, 1 stock, 2 not stock

    init(_ words: [UInt8]) {
        let shingles = PassageShingles.shingleValues(words)
        var capacity = 16
        while capacity < shingles.count * 2 { capacity *= 2 }
        values = [UInt64](repeating: 0, count: capacity)
        positions = [Int32](repeating: -1, count: capacity)
        mask = capacity - 1
        shingleKeys = shingles.map(PassageShingles.key(ofShingle:))
        stock = [UInt8](repeating: 0, count: shingles.count)
        let repeated = Self.repeatedValues(shingles)
        for (position, value) in shingles.enumerated() where repeated.isEmpty || !repeated.contains(value) {
            var slot = Self.home(value) & mask
            while positions[slot] >= 0 { slot = (slot + 1) & mask }
            values[slot] = value
            positions[slot] = Int32(position)
        }
    }

    /// Calls `body` with every position whose shingle has this value.
    @inline(__always)
    func forEachPosition(of value: UInt64, _ body: (Int) -> Void) {
        var slot = Self.home(value) & mask
        while positions[slot] >= 0 {
            if values[slot] == value { body(Int(positions[slot])) }
            slot = (slot + 1) & mask
        }
    }

    mutating func isStock(at position: Int, _ isStock: (UInt32) -> Bool) -> Bool {
        if stock[position] == 0 { stock[position] = isStock(shingleKeys[position]) ? 1 : 2 }
        return stock[position] == 1
    }

    /// The values that occur more than ``maximumRepeats`` times (by sorting: a table would put
    /// all occurrences of one value in one probe run).
    private static func repeatedValues(_ values: [UInt64]) -> Set<UInt64> {
        guard !values.isEmpty else { return [] }
        let sorted = values.sorted()
        var repeated = Set<UInt64>()
        var runStart = 0
        for index in 1...sorted.count where index == sorted.count || sorted[index] != sorted[runStart] {
            if index - runStart > maximumRepeats { repeated.insert(sorted[runStart]) }
            runStart = index
        }
        return repeated
    }

    @inline(__always)
    private static func home(_ value: UInt64) -> Int {
        Int(truncatingIfNeeded: (value &* 0x9E37_79B9_7F4A_7C15) >> 40)
    }
}
