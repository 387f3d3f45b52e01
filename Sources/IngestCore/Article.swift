/// An article as parsed from a file: what goes into the journal and what its id is computed from.
public struct Article: Sendable, Equatable {
    /// The heading; empty when the text has none.
    public var title: String
    /// The text after the heading, boilerplate lines removed, paragraphs separated by blank lines.
    public var body: String
    /// Passed through from a JSON input, or read from a web page; empty for text files.
    public var metadata: ArticleMetadata

    public init(title: String, body: String, metadata: ArticleMetadata = ArticleMetadata()) {
        self.title = title
        self.body = body
        self.metadata = metadata
    }

    /// The content id (see ``ContentID/init(title:body:)``).
    public var id: ContentID { identity.id }

    /// Number of words in the body: tokens of its canonical form.
    public var wordCount: Int { identity.words }

    /// The id and the word count from one canonicalisation of title and body.
    public var identity: (id: ContentID, words: Int) {
        let identity = identity(sketched: false)
        return (identity.id, identity.words)
    }

    /// The id, the word count and, when `sketched`, the MinHash sketch of the shingles (see
    /// ``MinHashSketch``), all from one canonicalisation of title and body.
    public func identity(sketched: Bool) -> (id: ContentID, words: Int, sketch: MinHashSketch?) {
        let identity = analysed(sketched: sketched, passageWords: nil)
        return (identity.id, identity.words, identity.sketch)
    }

    /// What ingesting the article computes from its canonical text, in one canonicalisation: the
    /// id, the body's word count, the MinHash sketch when `sketched`, and the passage shingles
    /// for passages of `passageWords` words or more when that is not nil.
    public func analysed(sketched: Bool, passageWords: Int?) -> (id: ContentID, words: Int, sketch: MinHashSketch?, shingles: PassageShingles?) {
        CanonicalText.withCanonicalForm(joining: [title, body]) { text, words, wordHashes in
            (ContentID(digestOf: UnsafeRawBufferPointer(text)), words[1],
             sketched ? MinHashSketch(wordHashes: wordHashes) : nil,
             passageWords.map { PassageShingles(wordHashes: wordHashes, minimumWords: $0) })
        }
    }

    /// The near-duplicate sketch alone (see ``MinHashSketch``).
    public var sketch: MinHashSketch {
        CanonicalText.withCanonicalForm(joining: [title, body]) { _, _, wordHashes in MinHashSketch(wordHashes: wordHashes) }
    }

    /// The canonical form of `title + " " + body`, which ids and sketches are computed from.
    public var canonicalText: [UInt8] { CanonicalText.canonicalForm(joining: [title, body]).text }
}

/// Where an article comes from, by whom and when: fields of a JSON input passed through to the
/// journal record unchanged, or what a web page says of itself (see ``HTMLArticleParser``).
public struct ArticleMetadata: Sendable, Equatable {
    public var source: String?
    public var url: String?
    public var author: String?
    public var date: String?

    public init(source: String? = nil, url: String? = nil, author: String? = nil, date: String? = nil) {
        self.source = source
        self.url = url
        self.author = author
        self.date = date
    }

}
