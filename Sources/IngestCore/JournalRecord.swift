/// One line of the journal: what happened to one dropped file.
///
/// The JSON form is a contract (see README, "Journal format"): snake_case keys in a fixed order,
/// one object per line.
public struct JournalRecord: Sendable, Equatable {
    public enum Event: String, Sendable {
        case article, duplicate, rejected
    }

    public var seq: UInt64
    /// RFC 3339 UTC with milliseconds (``JournalTime``).
    public var time: String
    public var event: Event
    /// Path relative to the inbox.
    public var file: RelativePath
    public var id: ContentID?
    /// SHA-256 of the file's raw bytes, lowercase hex.
    public var sha256: String?
    public var bytes: Int?
    public var duplicateOf: UInt64?
    public var article: Article?
    public var words: Int?
    /// On articles when near-duplicate detection is on: earlier similar articles, best first.
    public var nearDuplicates: [NearDuplicate]?
    /// On articles when shared-passage detection is on: the passages earlier articles have too.
    public var reuse: PassageReuse?
    public var reason: String?

    public init(
        seq: UInt64, time: String, event: Event, file: RelativePath, id: ContentID? = nil,
        sha256: String? = nil, bytes: Int? = nil, duplicateOf: UInt64? = nil, article: Article? = nil,
        words: Int? = nil, reason: String? = nil
    ) {
        self.seq = seq
        self.time = time
        self.event = event
        self.file = file
        self.id = id
        self.sha256 = sha256
        self.bytes = bytes
        self.duplicateOf = duplicateOf
        self.article = article
        self.words = words
        self.reason = reason
    }
}
