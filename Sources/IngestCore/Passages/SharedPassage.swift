/// A passage of a new article that an earlier article has too.
public struct SharedPassage: Sendable, Equatable {
    /// The earlier article it is credited to: the earliest one in the index that has it.
    public var seq: UInt64
    /// Its words in the new article's canonical text (title and body): 0-based, end excluded.
    public var at: Range<Int>
    /// The same passage's words in article `seq`.
    public var from: Range<Int>

    /// Its length in the new article.
    public var words: Int { at.count }

    public init(seq: UInt64, at: Range<Int>, from: Range<Int>) {
        self.seq = seq
        self.at = at
        self.from = from
    }
}

/// What of a new article was published before: its longest passages, and how much of it is in
/// any passage.
public struct PassageReuse: Sendable, Equatable {
    /// At most ``PassageSettings/reportLimit``, longest first (ties: earlier in the article first).
    public var passages: [SharedPassage]
    /// Words of the article that lie in any passage, listed or not.
    public var reusedWords: Int

    public init(passages: [SharedPassage] = [], reusedWords: Int = 0) {
        self.passages = passages
        self.reusedWords = reusedWords
    }
}

/// How shared passages are found (the daemon's `--reuse-*` options).
public struct PassageSettings: Sendable, Equatable {
    public static let defaultMinimumWords = 12
    public static let defaultMaximumSources = 10
    public static let defaultHorizon = 1_000_000

    /// The shortest passage reported.
    public var minimumWords: Int
    /// A shingle that more earlier articles than this have is a stock phrase: it neither starts
    /// nor makes up a passage.
    public var maximumSources: Int
    /// Articles kept in the index; older ones leave it.
    public var horizon: Int
    /// Passages listed per article.
    public var reportLimit = 10
    /// Words that may differ inside one passage (a spelling variant, a changed digit).
    public var bridgedWords = 2

    public init(minimumWords: Int = defaultMinimumWords, maximumSources: Int = defaultMaximumSources,
                horizon: Int = defaultHorizon) {
        precondition(minimumWords >= PassageShingles.shingleWords, "a passage is at least one shingle long")
        self.minimumWords = minimumWords
        self.maximumSources = maximumSources
        self.horizon = horizon
    }
}
