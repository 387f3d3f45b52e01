import IngestCore

/// Where the loop reports what it journals, for monitoring: a Prometheus text file in production
/// (the CLI adapts `MetricsFile`), nothing by default. Called on the loop's thread, once per batch;
/// an implementation must not block it.
public protocol IngestMetrics: Sendable {
    /// A batch reached the journal; its fdatasync took `sync`.
    func journaled(_ records: [JournalRecord], sync: Duration)
    /// A journal write failed; the batch's files wait for the retry.
    func journalFailed()
    /// The journal's totals by event (as STATUS= shows them) and the files waiting.
    func status(tally: Ingestor.Tally, waiting: Int)
}

/// Metrics that go nowhere.
public struct NoMetrics: IngestMetrics {
    public init() {}
    public func journaled(_ records: [JournalRecord], sync: Duration) {}
    public func journalFailed() {}
    public func status(tally: Ingestor.Tally, waiting: Int) {}
}
