import Crypto

/// What reading and parsing one dropped file found, before it is given a seq.
///
/// Computing this is pure and independent per file, so it can run on any thread; giving seqs and
/// deciding duplicates happens afterwards, in order (``Ingestor``).
public struct FileAnalysis: Sendable {
    public enum Outcome: Sendable {
        /// `sketch` is nil when near-duplicate detection is off.
        case article(Article, id: ContentID, words: Int, sketch: MinHashSketch?)
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

    /// Parses `content`, the whole file; sketches it for near-duplicate detection when `sketched`.
    public init(file: RelativePath, content: [UInt8], sketched: Bool = true) {
        let sha256 = Self.sha256Hex(content)
        switch ArticleParser.parse(content, fileName: String(decoding: file.lastComponent, as: UTF8.self)) {
        case .success(let article):
            let identity = article.identity(sketched: sketched)
            self.init(file: file, sha256: sha256, bytes: content.count,
                      outcome: .article(article, id: identity.id, words: identity.words, sketch: identity.sketch))
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
