@testable import IngestCore
import IngestTestSupport
import Testing

@Suite struct PassageIndexTests {
    /// `reused_words` counts a word once however many passages hold it (a source's two
    /// alignments may overlap in the new article), and counts adjoining passages in full.
    @Test func wordsInOverlappingPassagesAreCountedOnce() {
        let passages = [
            SharedPassage(seq: 1, at: 20..<40, from: 0..<20), SharedPassage(seq: 2, at: 0..<12, from: 5..<17),
            SharedPassage(seq: 1, at: 30..<50, from: 60..<80), SharedPassage(seq: 3, at: 50..<62, from: 0..<12),
        ]
        #expect(PassageIndex.wordsCovered(by: passages) == 12 + 30 + 12)
        #expect(PassageIndex.wordsCovered(by: []) == 0)
    }

    /// The canonical words of a seed (title and body) and its shingles.
    static func seed(_ index: Int) throws -> (words: [Substring], shingles: PassageShingles) {
        guard case .success(let article) = ArticleParser.parse(Seeds.bytes(index), fileName: Seeds.names[index]) else {
            throw SeedError()
        }
        let form = CanonicalText.canonicalForm(joining: [article.title, article.body])
        let words = String(decoding: form.text, as: UTF8.self).split(separator: " ")
        return (words, PassageShingles(wordHashes: form.wordHashes, minimumWords: 12))
    }

    struct SeedError: Error {}

    static func article(_ text: String) -> PassageShingles {
        PassageShingles(wordHashes: MinHashSketch.wordHashes(CanonicalText.canonicalUTF8(text)), minimumWords: 12)
    }

    /// Words `wx0 wx1 …` from `range`: distinct words per prefix (letters only).
    static func words(_ prefix: String, _ range: Range<Int>) -> String {
        range.map { "\(prefix)x\($0)" }.joined(separator: " ")
    }

    @Test func theCorridorPassageOfSeed000IsFoundInSeed001WithItsRanges() throws {
        let (first, second) = (try Self.seed(0), try Self.seed(1))
        var index = PassageIndex()
        index.insert(first.shingles, seq: 1)
        let reuse = index.reuse(of: second.shingles)
        let passage = try #require(reuse.passages.first)
        #expect(passage.seq == 1)
        #expect(passage.words >= 31)
        // 000 has one word more ("مع") inside the passage: bridged.
        let here = second.words[passage.at], there = first.words[passage.from]
        #expect(here.count + 1 == there.count)
        #expect(here.prefix(19) == there.prefix(19))
        #expect(here.suffix(12) == there.suffix(12))
        #expect(reuse.reusedWords == reuse.passages.reduce(0) { $0 + $1.words })
    }

    @Test func thePressConferencePassageOfSeed002IsOnePassageInSeed003AcrossTheSpellingOfTheMinistersName() throws {
        let (first, second) = (try Self.seed(2), try Self.seed(3))
        var index = PassageIndex()
        index.insert(first.shingles, seq: 7)
        let reuse = index.reuse(of: second.shingles)
        let passage = try #require(reuse.passages.first)
        #expect(passage.seq == 7)
        #expect(passage.words >= 22)
        let here = second.words[passage.at], there = first.words[passage.from]
        #expect(here.contains("تشاووش") && !here.contains("جاووش"))
        #expect(there.contains("جاووش") && !there.contains("تشاووش"))
        #expect(here.first == there.first && here.last == there.last)
        #expect(reuse.passages.count == 1)
    }

    @Test func unrelatedSeedsShareNothing() throws {
        var index = PassageIndex()
        index.insert(try Self.seed(0).shingles, seq: 1)
        #expect(index.reuse(of: try Self.seed(2).shingles) == PassageReuse())
    }

    @Test func aPassageIsCreditedToTheEarliestArticleThatHasIt() {
        let passage = Self.words("wire", 0..<30)
        var index = PassageIndex()
        index.insert(Self.article("\(Self.words("a", 0..<20)) \(passage)"), seq: 3)
        index.insert(Self.article("\(passage) \(Self.words("b", 0..<20))"), seq: 4)
        let reuse = index.reuse(of: Self.article("\(Self.words("c", 0..<5)) \(passage) \(Self.words("c", 5..<9))"))
        #expect(reuse.passages == [SharedPassage(seq: 3, at: 5..<35, from: 20..<50)])
        #expect(reuse.reusedWords == 30)
    }

    @Test func aLaterArticleKeepsThePartTheEarliestDoesNotHave() {
        var index = PassageIndex()
        index.insert(Self.article(Self.words("w", 0..<20)), seq: 1)
        index.insert(Self.article(Self.words("w", 0..<40)), seq: 2)
        let reuse = index.reuse(of: Self.article(Self.words("w", 0..<40)))
        #expect(reuse.passages == [SharedPassage(seq: 1, at: 0..<20, from: 0..<20), SharedPassage(seq: 2, at: 20..<40, from: 20..<40)])
    }

    @Test func runsShorterThanTheMinimumAreNotPassagesAndTheMinimumIs() {
        var index = PassageIndex()
        index.insert(Self.article("\(Self.words("x", 0..<11)) \(Self.words("a", 0..<20)) \(Self.words("y", 0..<12))"), seq: 1)
        let reuse = index.reuse(of: Self.article("\(Self.words("x", 0..<11)) \(Self.words("b", 0..<20)) \(Self.words("y", 0..<12))"))
        #expect(reuse.passages.map(\.at) == [31..<43])
    }

    /// What the README promises: a run of the minimum of identical words is found whatever
    /// surrounds it in either article (the sampling selects by the window's words alone), with
    /// its ranges. Each article's other words come from an alphabet of its own, so that the
    /// passage cannot grow past the run by chance.
    @Test func everyRunOfTheMinimumIsFoundWhateverSurroundsIt() {
        var random = SeededGenerator(seed: 12)
        // Word bytes drawn from `alphabet`; `Self.words` makes words of text instead.
        func randomWords(_ count: Int, from alphabet: Range<UInt8>) -> [UInt8] {
            (0..<count).map { _ in alphabet.lowerBound + UInt8(random.next() % UInt64(alphabet.count)) }
        }
        func surroundings(from alphabet: Range<UInt8>) -> (before: [UInt8], after: [UInt8]) {
            (randomWords(Int(random.next() % 40), from: alphabet), randomWords(Int(random.next() % 40), from: alphabet))
        }
        for _ in 0..<300 {
            let run = randomWords(12 + Int(random.next() % 20), from: 200..<255)
            let earlier = surroundings(from: 0..<100), later = surroundings(from: 100..<200)
            var index = PassageIndex()
            index.insert(PassageShingles(words: earlier.before + run + earlier.after, minimumWords: 12), seq: 1)
            let reuse = index.reuse(of: PassageShingles(words: later.before + run + later.after, minimumWords: 12))
            let expected = SharedPassage(seq: 1, at: later.before.count..<later.before.count + run.count,
                                         from: earlier.before.count..<earlier.before.count + run.count)
            #expect(reuse.passages == [expected],
                    "a run of \(run.count) words after \(later.before.count) and \(earlier.before.count)")
        }
    }

    @Test func aReplacedWordIsBridgedButThreeAreNot() {
        var index = PassageIndex()
        index.insert(Self.article(Self.words("w", 0..<40)), seq: 1)
        let oneReplaced = Self.article("\(Self.words("w", 0..<20)) other \(Self.words("w", 21..<40))")
        #expect(index.reuse(of: oneReplaced).passages.map(\.at) == [0..<40])
        let threeReplaced = Self.article("\(Self.words("w", 0..<15)) p q r \(Self.words("w", 18..<40))")
        #expect(index.reuse(of: threeReplaced).passages.map(\.at) == [18..<40, 0..<15])
    }

    @Test func aPhraseInMoreEarlierArticlesThanTheLimitIsAStockPhrase() {
        let phrase = Self.words("stock", 0..<20)
        let settings = PassageSettings(maximumSources: 3)
        var index = PassageIndex(settings: settings)
        for seq in 1...3 { index.insert(Self.article("\(Self.words("a\(seq)y", 0..<10)) \(phrase)"), seq: UInt64(seq)) }
        let query = Self.article("\(phrase) \(Self.words("q", 0..<10))")
        #expect(index.reuse(of: query).passages.map(\.seq) == [1], "three earlier articles: not yet stock")
        index.insert(Self.article("\(Self.words("a4y", 0..<10)) \(phrase)"), seq: 4)
        #expect(index.reuse(of: query) == PassageReuse(), "four: stock")
    }

    @Test func anArticleThatRepeatsAPhraseIsOneOfItsSourcesOnce() {
        let phrase = Self.words("stock", 0..<20)
        var index = PassageIndex(settings: PassageSettings(maximumSources: 3))
        for seq in 1...3 {
            let twice = "\(Self.words("a\(seq)y", 0..<10)) \(phrase) \(Self.words("b\(seq)y", 0..<10)) \(phrase)"
            _ = index.add(Self.article(twice), seq: UInt64(seq))
        }
        let query = Self.article("\(phrase) \(Self.words("q", 0..<10))")
        // Found in both places it has in the first article.
        #expect(index.reuse(of: query).passages.map(\.seq) == [1, 1], "three earlier articles, each with the phrase twice: not yet stock")
    }

    @Test func articlesBeyondTheHorizonLeaveTheIndex() {
        let passage = Self.words("p", 0..<20)
        var index = PassageIndex(settings: PassageSettings(horizon: 2))
        index.insert(Self.article(passage), seq: 1)
        index.insert(Self.article(Self.words("b", 0..<20)), seq: 2)
        #expect(index.reuse(of: Self.article(passage)).passages.map(\.seq) == [1], "within the horizon")
        index.insert(Self.article(Self.words("c", 0..<20)), seq: 3)
        #expect(index.count == 2)
        #expect(index.reuse(of: Self.article(passage)) == PassageReuse())
    }

    @Test func evictionKeepsFindingTheArticlesInTheHorizonPastCompaction() {
        var index = PassageIndex(settings: PassageSettings(horizon: 1500))
        for seq in 1...5000 { index.insert(Self.article(Self.words("n\(seq)y", 0..<14)), seq: UInt64(seq)) }
        #expect(index.count == 1500)
        #expect(index.reuse(of: Self.article(Self.words("n3501y", 0..<14))).passages.map(\.seq) == [3501])
        #expect(index.reuse(of: Self.article(Self.words("n3500y", 0..<14))) == PassageReuse())
    }

    @Test func removeLastTakesTheArticleBack() {
        var index = PassageIndex()
        index.insert(Self.article(Self.words("w", 0..<20)), seq: 5)
        #expect(index.reuse(of: Self.article(Self.words("w", 0..<20))).passages.count == 1)
        index.removeLast(seq: 5)
        #expect(index.count == 0)
        #expect(index.reuse(of: Self.article(Self.words("w", 0..<20))) == PassageReuse())
    }

    @Test func anIndexRebuiltFromItsArticlesAnswersTheSame() throws {
        var index = PassageIndex()
        for seed in 0..<4 { index.insert(try Self.seed(seed).shingles, seq: UInt64(seed + 1)) }
        let rebuilt = PassageIndex(settings: index.settings, articles: index.articles)
        #expect(rebuilt.count == index.count)
        for seed in 0..<5 {
            #expect(rebuilt.reuse(of: try Self.seed(seed).shingles) == index.reuse(of: try Self.seed(seed).shingles))
        }
    }

    @Test func atMostTenPassagesTheLongestOfEachSourceFirst() {
        var index = PassageIndex()
        var text: [String] = []
        for source in 1...12 {
            let passage = Self.words("s\(source)y", 0..<(12 + source))
            index.insert(Self.article(passage), seq: UInt64(source))
            text.append(passage)
        }
        let reuse = index.reuse(of: Self.article(text.joined(separator: " sep ")))
        #expect(reuse.passages.map(\.seq) == Array((3...12).reversed()).map(UInt64.init))
        #expect(reuse.reusedWords == (1...12).reduce(0) { $0 + 12 + $1 })
    }
}

extension PassageIndexTests {
    /// A page of one word repeated (hostile input) must cost little: its repeated shingles are
    /// left out of the alignment, and only its first 65,536 words are read.
    @Test(.timeLimit(.minutes(1)))
    func aPageOfOneWordRepeatedCostsLittle() {
        let page = PassageShingles(wordHashes: [UInt64](repeating: 42, count: 200_000), minimumWords: 12)
        #expect(page.words.count == PassageShingles.maximumWords)
        var index = PassageIndex()
        index.insert(page, seq: 1)
        #expect(index.reuse(of: page) == PassageReuse())
        let passage = Self.words("p", 0..<20)
        index.insert(Self.article(passage), seq: 2)
        #expect(index.reuse(of: Self.article(passage)).passages.map(\.seq) == [2], "positive control")
    }
}

extension PassageIndexTests {
    /// `add` (lookup and insertion in one walk of the table) answers as `reuse(of:)` followed by
    /// `insert`, on articles made of shared paragraphs in many combinations.
    @Test func addAnswersAsReuseThenInsert() {
        var random = SeededGenerator(seed: 11)
        let paragraphs = (0..<40).map { Self.words("p\($0)", 0..<Int.random(in: 6...30, using: &random)) }
        var added = PassageIndex(settings: PassageSettings(maximumSources: 4))
        var stepwise = added
        for seq in UInt64(1)...400 {
            let text = (0..<Int.random(in: 2...6, using: &random)).map { _ in
                Bool.random(using: &random) ? paragraphs.randomElement(using: &random)! : Self.words("own\(seq)x\(random.next() % 1000)", 0..<8)
            }.joined(separator: " ")
            let article = Self.article(text)
            let expected = stepwise.reuse(of: article)
            stepwise.insert(article, seq: seq)
            #expect(added.add(article, seq: seq) == expected)
        }
        #expect(added.articles == stepwise.articles)
    }

    /// A story copied many times is credited to its first copy, whole, and the words the copies
    /// do not share stay out of it.
    @Test func aStoryCopiedManyTimesIsCreditedToItsFirstCopy() {
        let story = Self.words("story", 0..<60)
        var index = PassageIndex()
        for seq in UInt64(1)...8 { index.insert(Self.article("\(story) \(Self.words("edition\(seq)", 0..<3))"), seq: seq) }
        let reuse = index.add(Self.article("\(story) \(Self.words("edition9", 0..<3))"), seq: 9)
        #expect(reuse.passages == [SharedPassage(seq: 1, at: 0..<60, from: 0..<60)])
        #expect(reuse.reusedWords == 60)
    }
}
