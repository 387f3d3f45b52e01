import IngestCore
import IngestIO
import Logging
import Prometheus

/// The daemon's metrics in Prometheus's text format, in a file that node_exporter's textfile
/// collector reads (`--collector.textfile.directory`): replaced atomically (write, fsync, rename)
/// at most once a second, by a thread of its own, so the loop only bumps counters.
///
/// Counters count since the daemon started; the `ingestd_journal_records` gauges are the
/// journal's totals as STATUS= shows them.
public final class MetricsFile: Sendable {
    /// The file written.
    public let path: String
    let registry: PrometheusCollectorRegistry
    private let records: [JournalRecord.Event: Counter]
    private let journalRecords: [JournalRecord.Event: Gauge]
    private let bytes: Counter
    private let nearDuplicateArticles: Counter
    private let reusingArticles: Counter
    private let sharedPassages: Counter
    private let reusedWords: Counter
    private let journalFailures: Counter
    private let waiting: Gauge
    private let lastSeq: Gauge
    private let fdatasync: DurationHistogram
    let writer: Writer

    /// Buckets of the fdatasync histogram: from a tenth of a millisecond (an idle SSD) to seconds
    /// (a disk that is failing or shared with a burst of other writes).
    static let syncBuckets: [Duration] = [
        .microseconds(100), .microseconds(250), .microseconds(500), .milliseconds(1), .microseconds(2500),
        .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100),
        .milliseconds(250), .milliseconds(500), .seconds(1), .milliseconds(2500),
    ]

    /// Starts the thread that writes `path`; call ``stop()`` to write it a last time.
    public init(path: String, logger: Logger) throws(SystemError) {
        self.path = path
        let registry = PrometheusCollectorRegistry()
        self.registry = registry
        let events: [JournalRecord.Event] = [.article, .duplicate, .rejected]
        records = Dictionary(uniqueKeysWithValues: events.map { event in
            (event, registry.makeCounter(name: "ingestd_records_total", labels: [("event", event.rawValue)],
                                         help: "Records journaled since the daemon started, by event (article, duplicate, rejected)."))
        })
        journalRecords = Dictionary(uniqueKeysWithValues: events.map { event in
            (event, registry.makeGauge(name: "ingestd_journal_records", labels: [("event", event.rawValue)],
                                       help: "Records in the journal's whole history, by event, as the service's status line counts them."))
        })
        bytes = registry.makeCounter(name: "ingestd_bytes_total", help: "Bytes of the files journaled since the daemon started.")
        nearDuplicateArticles = registry.makeCounter(
            name: "ingestd_near_duplicate_articles_total", help: "Articles journaled with at least one near-duplicate listed.")
        reusingArticles = registry.makeCounter(
            name: "ingestd_reusing_articles_total", help: "Articles journaled with at least one shared passage listed (--reuse).")
        sharedPassages = registry.makeCounter(name: "ingestd_shared_passages_total", help: "Shared passages listed in reuse (--reuse).")
        reusedWords = registry.makeCounter(name: "ingestd_reused_words_total", help: "Words of articles that lie in shared passages (--reuse).")
        journalFailures = registry.makeCounter(
            name: "ingestd_journal_write_failures_total", help: "Journal writes that failed; their files stayed in the inbox for the retry.")
        waiting = registry.makeGauge(name: "ingestd_waiting_files", help: "Files in the inbox waiting to be journaled.")
        lastSeq = registry.makeGauge(name: "ingestd_last_seq", help: "The seq of the last record journaled.")
        fdatasync = registry.makeDurationHistogram(
            name: "ingestd_journal_fdatasync_seconds", buckets: Self.syncBuckets, help: "How long each batch's fdatasync of the journal took.")
        writer = try Writer(path: path, logger: logger, registry: registry)
    }

    /// Counts a batch that reached the journal.
    public func journaled(_ batch: [JournalRecord], sync: Duration) {
        fdatasync.record(sync)
        for record in batch {
            records[record.event]?.increment()
            bytes.increment(by: Int64(record.bytes ?? 0))
            if !(record.nearDuplicates ?? []).isEmpty { nearDuplicateArticles.increment() }
            if let reuse = record.reuse, !reuse.passages.isEmpty {
                reusingArticles.increment()
                sharedPassages.increment(by: Int64(reuse.passages.count))
                reusedWords.increment(by: Int64(reuse.reusedWords))
            }
        }
        if let last = batch.last { lastSeq.set(Int64(last.seq)) }
    }

    public func journalFailed() {
        journalFailures.increment()
    }

    public func status(tally: Ingestor.Tally, waiting files: Int) {
        journalRecords[.article]?.set(Int64(tally.articles))
        journalRecords[.duplicate]?.set(Int64(tally.duplicates))
        journalRecords[.rejected]?.set(Int64(tally.rejected))
        waiting.set(Int64(files))
    }

    /// Stops the thread after writing the file a last time.
    public func stop() {
        writer.stop()
    }
}
