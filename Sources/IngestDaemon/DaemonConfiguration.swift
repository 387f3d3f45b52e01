import IngestCore

/// Where the daemon keeps its files, and its limits.
public struct DaemonConfiguration: Sendable, Equatable {
    /// Files are dropped here.
    public var inbox: String
    /// Ingested files (articles and duplicates) are moved here.
    public var processed: String
    /// Rejected files are moved here.
    public var rejected: String
    /// The JSON-lines journal.
    public var journal: String
    /// The dedup index checkpoint, beside the journal.
    public var checkpoint: String { journal + ".index" }
    /// The last seq whose file was moved out of the inbox, beside the journal.
    public var moveMarker: String { journal + ".moved" }
    /// Write a checkpoint after this many new records (and at stop and reload).
    public var checkpointInterval: UInt64 = 10_000
    /// Files larger than this are rejected without being read.
    public var maxBytes: Int
    /// At most this many files share one journal write and fdatasync.
    public var batchSize: Int
    /// Articles list earlier ones at least this similar in `near_duplicates`; nil: detection off.
    public var nearThreshold: Double?
    /// How shared passages are found and listed in `reuse`; nil: detection off (the default).
    public var passages: PassageSettings?

    public static let defaultMaxBytes = 16 * 1024 * 1024

    /// The layout under one state directory, with optional overrides for the inbox and journal.
    public init(stateDirectory: String, inbox: String? = nil, journal: String? = nil,
                maxBytes: Int = defaultMaxBytes, batchSize: Int = 256,
                nearThreshold: Double? = Ingestor.defaultNearThreshold) {
        self.nearThreshold = nearThreshold
        let base = stateDirectory.hasSuffix("/") && stateDirectory.count > 1 ? String(stateDirectory.dropLast()) : stateDirectory
        self.inbox = inbox ?? base + "/inbox"
        self.processed = base + "/processed"
        self.rejected = base + "/rejected"
        self.journal = journal ?? base + "/journal.jsonl"
        self.maxBytes = maxBytes
        self.batchSize = batchSize
    }
}
