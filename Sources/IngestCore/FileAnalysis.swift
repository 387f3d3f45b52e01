import Crypto

/// What reading and parsing one dropped file found, before it is given a seq.
///
/// Computing this is pure and independent per file, so it can run on any thread; giving seqs and
/// deciding duplicates happens afterwards, in order (``Ingestor``).
public struct FileAnalysis: Sendable {
    public enum Outcome: Sendable {
        /// `sketch` is nil when near-duplicate detection is off, `shingles` when shared-passage
        /// detection is.
        case article(Article, id: ContentID, words: Int, sketch: MinHashSketch?, shingles: PassageShingles? = nil)
        case rejected(Rejection)
    }

    public var file: RelativePath
    public var sha256: String?
    public var bytes: Int?
    public var outcome: Outcome
    /// The file that was read, when the reader knows it; its move out of the inbox checks it.
    public var identity: FileIdentity?

    public init(file: RelativePath, sha256: String?, bytes: Int?, outcome: Outcome) {
        self.file = file
        self.sha256 = sha256
        self.bytes = bytes
        self.outcome = outcome
    }

    /// Parses `content`, the whole file; sketches it for near-duplicate detection when `sketched`,
    /// and shingles it for passages of at least `passageWords` words when that is not nil.
    public init(file: RelativePath, content: [UInt8], sketched: Bool = true,
                passageWords: Int? = nil) {
        let sha256 = Self.sha256Hex(content)
        switch ArticleParser.parse(content, fileName: String(decoding: file.lastComponent, as: UTF8.self)) {
        case .success(let article):
            let analysed = article.analysed(sketched: sketched, passageWords: passageWords)
            let shingles = analysed.shingles
            self.init(file: file, sha256: sha256, bytes: content.count,
                      outcome: .article(article, id: analysed.id, words: analysed.words, sketch: analysed.sketch,
                                        shingles: shingles))
        case .failure(let rejection):
            self.init(file: file, sha256: sha256, bytes: content.count, outcome: .rejected(rejection))
        }
    }

    /// A file rejected before it could be read whole (too large, not a regular file, …).
    public static func rejected(_ file: RelativePath, _ rejection: Rejection, bytes: Int? = nil) -> FileAnalysis {
        FileAnalysis(file: file, sha256: nil, bytes: bytes, outcome: .rejected(rejection))
    }

    public static func sha256Hex(_ bytes: [UInt8]) -> String {
        ContentID(digestOf: bytes).hex
    }
}
