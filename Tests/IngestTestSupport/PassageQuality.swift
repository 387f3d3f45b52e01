import IngestCore

/// Measures shared-passage detection against the exact answer, computed here from the articles'
/// canonical words without the index (see ``PassageTruth``).
///
/// Articles go through a ``PassageIndex`` in order, as the daemon feeds it (exact duplicates
/// dropped: the journal records them as duplicates, without `reuse`). Then:
/// - pair recall: of the true (article, earliest source) pairs, the share whose source is among
///   the article's reported passages, for pairs whose longest true passage has at least 20
///   words, and 12 to 19;
/// - pair precision: of the reported (article, source) pairs, the share that do share 12
///   consecutive words (stock phrases included), with differences of up to two words bridged;
/// - word F1: the reported `at` ranges against the words in any true passage;
/// - earliest credit: of the true passages (stretches of words whose earliest source is the same)
///   that the listed passages cover at least half of, the share covered by passages credited to
///   that earliest source.
public struct PassageQuality: Sendable {
    public var articles = 0
    public var articlesWithTruePassages = 0
    public var longPairs = 0, foundLongPairs = 0
    public var shortPairs = 0, foundShortPairs = 0
    public var reportedPairs = 0, preciseReportedPairs = 0
    public var truePassages = 0, listedTruePassages = 0, creditedTruePassages = 0
    public var trueWords = 0, reportedWords = 0, matchedWords = 0
    public var reportedPassages = 0
    /// Some true pairs of 12 to 19 words that were not reported (article, source, words), to look at.
    public var missedShortPairs: [(article: Int, source: Int, at: Range<Int>)] = []
    /// Index bytes per article in it, after the last article.
    public var bytesPerArticle = 0.0

    public var longPairRecall: Double { ratio(foundLongPairs, longPairs) }
    public var shortPairRecall: Double { ratio(foundShortPairs, shortPairs) }
    public var pairPrecision: Double { ratio(preciseReportedPairs, reportedPairs) }
    public var wordPrecision: Double { ratio(matchedWords, reportedWords) }
    public var wordRecall: Double { ratio(matchedWords, trueWords) }
    public var wordF1: Double { 2 * wordPrecision * wordRecall / max(wordPrecision + wordRecall, .leastNonzeroMagnitude) }
    /// Of the true passages that listed passages cover (at least half of their words), the share
    /// covered by passages credited to their earliest source.
    public var earliestCredit: Double { ratio(creditedTruePassages, listedTruePassages) }
    /// The same share of all true passages, listed or not (an article lists at most ten).
    public var earliestCreditOfAll: Double { ratio(creditedTruePassages, truePassages) }

    /// The distinct articles among these (title, body) pairs, as canonical word hashes.
    public static func distinctArticles(_ articles: [(title: String, body: String)]) -> [[UInt64]] {
        var seen = Set<[UInt8]>()
        return articles.compactMap { article in
            let form = CanonicalText.canonicalForm(joining: [article.title, article.body])
            return seen.insert(form.text).inserted ? form.wordHashes : nil
        }
    }

    /// The distinct articles of the SaudiNewsNet sample as the daemon parses its `.json` files;
    /// nil when the corpus is absent.
    public static func saudiNewsNetArticles() throws -> [[UInt64]]? {
        guard let files = try SaudiNewsNet.jsonFiles() else { return nil }
        return distinctArticles(files.enumerated().compactMap { index, bytes in
            guard case .success(let article) = ArticleParser.parse(bytes, fileName: "a\(index).json") else { return nil }
            return (article.title, article.body)
        })
    }

    /// Runs the index over the articles (canonical word hashes, in order; seq = position + 1) and
    /// compares with the truth.
    public static func measure(articles: [[UInt64]], settings: PassageSettings = PassageSettings()) -> PassageQuality {
        let reported = reportedPassages(articles, settings: settings)
        let truth = PassageTruth(articles: articles, minimumWords: settings.minimumWords, stockAbove: settings.maximumSources)
        var quality = PassageQuality(articles: articles.count)
        quality.bytesPerArticle = reported.bytesPerArticle
        for (position, words) in articles.enumerated() {
            quality.add(article: position, words: words, reported: reported.passages[position], truth: truth, all: articles)
        }
        return quality
    }

    /// Every article's reported passages (seqs turned back into positions), and the index's size.
    public static func reportedPassages(_ articles: [[UInt64]], settings: PassageSettings) -> (passages: [[SharedPassage]], bytesPerArticle: Double) {
        var index = PassageIndex(settings: settings)
        var passages: [[SharedPassage]] = []
        for (position, words) in articles.enumerated() {
            let shingles = words.withUnsafeBufferPointer { PassageShingles(wordHashes: $0, minimumWords: settings.minimumWords) }
            passages.append(index.reuse(of: shingles).passages.map {
                SharedPassage(seq: $0.seq - 1, at: $0.at, from: $0.from)
            })
            index.insert(shingles, seq: UInt64(position + 1))
        }
        return (passages, Double(index.byteCount) / Double(max(1, index.count)))
    }

    private mutating func add(article: Int, words: [UInt64], reported: [SharedPassage], truth: PassageTruth, all: [[UInt64]]) {
        let truePassages = truth.creditedPassages(of: article)
        if !truePassages.isEmpty { articlesWithTruePassages += 1 }
        reportedPassages += reported.count
        let reportedSources = Set(reported.map { Int($0.seq) })
        var longest: [Int: Range<Int>] = [:]
        for passage in truePassages where passage.at.count > longest[passage.source]?.count ?? 0 { longest[passage.source] = passage.at }
        for (source, range) in longest {
            let length = range.count
            let found = reportedSources.contains(source)
            if !found, length < 20, missedShortPairs.count < 20 { missedShortPairs.append((article, source, range)) }
            if length >= 20 {
                longPairs += 1
                if found { foundLongPairs += 1 }
            } else {
                shortPairs += 1
                if found { foundShortPairs += 1 }
            }
        }
        for source in reportedSources {
            reportedPairs += 1
            if PassageTruth.shareBridgedRun(words, all[source], minimumWords: 12) { preciseReportedPairs += 1 }
        }
        for passage in truePassages {
            self.truePassages += 1
            let listed = reported.reduce(0) { $0 + $1.at.clamped(to: passage.at).count }
            let credited = reported.filter { Int($0.seq) == passage.source }.reduce(0) { $0 + $1.at.clamped(to: passage.at).count }
            if listed * 2 >= passage.at.count { listedTruePassages += 1 }
            if credited * 2 >= passage.at.count { creditedTruePassages += 1 }
        }
        let trueSet = truth.sharedWords(of: article)
        var reportedSet = Set<Int>()
        for passage in reported { reportedSet.formUnion(passage.at) }
        trueWords += trueSet.count
        reportedWords += reportedSet.count
        matchedWords += reportedSet.intersection(trueSet).count
    }

    private func ratio(_ part: Int, _ whole: Int) -> Double { whole == 0 ? 1 : Double(part) / Double(whole) }
}

/// The exact shared passages of a corpus, by brute force over its shingles, not through
/// ``PassageIndex``: for every article and every earlier article, the maximal runs of at least
/// `minimumWords` identical consecutive canonical words, after leaving out the 8-word shingles
/// that more than `stockAbove` articles had before it (the stock-phrase rule, as it stands when
/// the article arrives: an ingest agent cannot know which phrases later articles will repeat).
///
/// Shingles are compared by a 64-bit hash of their eight 64-bit word hashes.
public struct PassageTruth: Sendable {
    public struct Run: Sendable {
        public var source: Int
        public var at: Range<Int>
    }

    /// For each article, its true runs with every earlier article.
    public let runs: [[Run]]

    public init(articles: [[UInt64]], minimumWords: Int, stockAbove: Int) {
        let shingles = articles.map(Self.shingles)
        // Each shingle's first `stockAbove + 1` articles, with where it is in them: an article
        // after the last of those finds it stock; one before finds only those earlier.
        var firstArticles: [UInt64: [Int]] = [:]
        var occurrences: [UInt64: [(article: Int, position: Int)]] = [:]
        for (article, list) in shingles.enumerated() {
            for (position, value) in list.enumerated() {
                var articles = firstArticles[value, default: []]
                if articles.last != article {
                    guard articles.count <= stockAbove else { continue }
                    articles.append(article)
                    firstArticles[value] = articles
                }
                occurrences[value, default: []].append((article, position))
            }
        }
        runs = shingles.enumerated().map { article, list in
            var matches: [(source: Int, diagonal: Int, position: Int)] = []
            for (position, value) in list.enumerated() {
                let earlier = firstArticles[value]!.prefix { $0 < article }
                guard earlier.count <= stockAbove else { continue }
                for other in occurrences[value]! where other.article < article {
                    matches.append((other.article, other.position - position, position))
                }
            }
            return Self.runs(matches, minimumWords: minimumWords)
        }
    }

    /// Words of `article` in any true run.
    public func sharedWords(of article: Int) -> Set<Int> {
        var words = Set<Int>()
        for run in runs[article] { words.formUnion(run.at) }
        return words
    }

    /// The article's shared words grouped by their earliest source: maximal stretches of words
    /// with the same earliest source, of at least 12 words.
    public func creditedPassages(of article: Int, minimumWords: Int = 12) -> [Run] {
        var earliest: [Int: Int] = [:]
        for run in runs[article] {
            for position in run.at { earliest[position] = min(earliest[position] ?? .max, run.source) }
        }
        var passages: [Run] = []
        var current: Run?
        for position in earliest.keys.sorted() {
            let source = earliest[position]!
            if var open = current, open.source == source, open.at.upperBound == position {
                open.at = open.at.lowerBound..<position + 1
                current = open
            } else {
                if let open = current, open.at.count >= minimumWords { passages.append(open) }
                current = Run(source: source, at: position..<position + 1)
            }
        }
        if let open = current, open.at.count >= minimumWords { passages.append(open) }
        return passages
    }

    /// Whether two articles share `minimumWords` consecutive words, allowing up to two differing
    /// words (replaced, added or dropped) between runs of identical words of at least 4.
    public static func shareBridgedRun(_ a: [UInt64], _ b: [UInt64], minimumWords: Int) -> Bool {
        var positions: [UInt64: [Int]] = [:]
        for (index, word) in b.enumerated() { positions[word, default: []].append(index) }
        for start in a.indices {
            for other in positions[a[start]] ?? [] where start == 0 || other == 0 || a[start - 1] != b[other - 1] {
                if bridgedLength(a, b, start, other) >= minimumWords { return true }
            }
        }
        return false
    }

    /// The length in `a` of the bridged run starting at `a[i]` = `b[j]`.
    private static func bridgedLength(_ a: [UInt64], _ b: [UInt64], _ i: Int, _ j: Int) -> Int {
        var (i, j) = (i, j)
        let start = i
        var end = i
        while true {
            var run = 0
            while i + run < a.count, j + run < b.count, a[i + run] == b[j + run] { run += 1 }
            guard run >= 4 || i == start else { break }
            end = i + run
            (i, j) = (i + run, j + run)
            // Try to resume after up to two words replaced, added or dropped.
            let resumes = [(1, 1), (2, 2), (1, 0), (0, 1), (2, 0), (0, 2), (2, 1), (1, 2)]
            guard let next = resumes.first(where: { skip in
                let (x, y) = (i + skip.0, j + skip.1)
                return x + 4 <= a.count && y + 4 <= b.count && (0..<4).allSatisfy { a[x + $0] == b[y + $0] }
            }) else { break }
            (i, j) = (i + next.0, j + next.1)
        }
        return end - start
    }

    private static func shingles(_ words: [UInt64]) -> [UInt64] {
        guard words.count >= PassageShingles.shingleWords else { return [] }
        return (0...(words.count - PassageShingles.shingleWords)).map { start in
            var hasher = Hasher()
            for word in words[start..<start + PassageShingles.shingleWords] { hasher.combine(word) }
            return UInt64(bitPattern: Int64(hasher.finalize()))
        }
    }

    private static func runs(_ matches: [(source: Int, diagonal: Int, position: Int)], minimumWords: Int) -> [Run] {
        let sorted = matches.sorted { ($0.source, $0.diagonal, $0.position) < ($1.source, $1.diagonal, $1.position) }
        var runs: [Run] = []
        var index = 0
        while index < sorted.count {
            var end = index
            while end + 1 < sorted.count, sorted[end + 1].source == sorted[index].source,
                  sorted[end + 1].diagonal == sorted[index].diagonal, sorted[end + 1].position == sorted[end].position + 1 {
                end += 1
            }
            let at = sorted[index].position..<sorted[end].position + PassageShingles.shingleWords
            if at.count >= minimumWords { runs.append(Run(source: sorted[index].source, at: at)) }
            index = end + 1
        }
        return runs
    }
}
