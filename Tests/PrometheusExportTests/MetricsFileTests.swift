import Foundation
import Glibc
import IngestCore
import IngestTestSupport
import InMemoryLogging
import Logging
@testable import PrometheusExport
import Testing

@Suite struct MetricsFileTests {
    let root = TemporaryDirectory("metrics")

    private func record(_ seq: UInt64, _ event: JournalRecord.Event, bytes: Int, near: Int = 0, passages: Int = 0) -> JournalRecord {
        var record = JournalRecord(seq: seq, time: "2026-11-27T00:00:00.000Z", event: event, file: RelativePath("f\(seq)"), bytes: bytes)
        if event == .article {
            record.nearDuplicates = (0..<near).map { NearDuplicate(seq: UInt64($0), similarity: 0.8) }
            record.reuse = PassageReuse(passages: (0..<passages).map { SharedPassage(seq: UInt64($0), at: 0..<12, from: 0..<12) },
                                        reusedWords: passages * 12)
        }
        return record
    }

    private func samples(_ path: String) throws -> [String: Double] {
        try #require(try PrometheusText.samples(ofFile: path))
    }

    @Test func theLastCountsAreWrittenAtStop() throws {
        let path = root.file("ingestd.prom")
        let metrics = try MetricsFile(path: path, logger: Logger(label: "test"))
        metrics.journaled([record(1, .article, bytes: 100, near: 2), record(2, .duplicate, bytes: 100)], sync: .microseconds(700))
        metrics.journaled([record(3, .article, bytes: 50, passages: 3), record(4, .rejected, bytes: 7)], sync: .milliseconds(3))
        metrics.journalFailed()
        metrics.status(tally: Ingestor.Tally(articles: 40, duplicates: 5, rejected: 1), waiting: 12)
        metrics.stop()

        let samples = try samples(path)
        #expect(samples[#"ingestd_records_total{event="article"}"#] == 2)
        #expect(samples[#"ingestd_records_total{event="duplicate"}"#] == 1)
        #expect(samples[#"ingestd_records_total{event="rejected"}"#] == 1)
        #expect(samples[#"ingestd_journal_records{event="article"}"#] == 40)
        #expect(samples["ingestd_bytes_total"] == 257)
        #expect(samples["ingestd_near_duplicate_articles_total"] == 1)
        #expect(samples["ingestd_reusing_articles_total"] == 1 && samples["ingestd_shared_passages_total"] == 3)
        #expect(samples["ingestd_reused_words_total"] == 36)
        #expect(samples["ingestd_journal_write_failures_total"] == 1)
        #expect(samples["ingestd_waiting_files"] == 12 && samples["ingestd_last_seq"] == 4)
        #expect(samples[#"ingestd_journal_fdatasync_seconds_bucket{le="0.001"}"#] == 1)
        #expect(samples[#"ingestd_journal_fdatasync_seconds_bucket{le="0.005"}"#] == 2)
        #expect(samples["ingestd_journal_fdatasync_seconds_count"] == 2)
        #expect(abs((samples["ingestd_journal_fdatasync_seconds_sum"] ?? 0) - 0.0037) < 1e-9)

        // Readable by node_exporter's user whatever the umask; no temporary file left.
        var info = stat()
        #expect(stat(path, &info) == 0 && info.st_mode & 0o777 == 0o644)
        #expect(!FileManager.default.fileExists(atPath: path + ".tmp"))
    }

    @Test func aChangeIsWrittenWithinAboutASecond() async throws {
        let path = root.file("ingestd.prom")
        let metrics = try MetricsFile(path: path, logger: Logger(label: "test"))
        defer { metrics.stop() }
        try await eventually("the first file", within: .seconds(5)) { FileManager.default.fileExists(atPath: path) }
        #expect(try samples(path)[#"ingestd_records_total{event="article"}"#] == 0)
        metrics.journaled([record(1, .article, bytes: 10)], sync: .zero)
        try await eventually("the count written", within: .seconds(5)) {
            (try? samples(path)[#"ingestd_records_total{event="article"}"#]) == 1
        }
    }

    @Test func aDirectoryThatIsNotThereIsSaidOnceAndTheDaemonGoesOn() async throws {
        let logs = InMemoryLogHandler()
        let path = root.file("missing/ingestd.prom")
        let metrics = try MetricsFile(path: path, logger: Logger(label: "test", factory: { _ in logs }))
        try await Task.sleep(for: .milliseconds(2_500))  // a first try and two retries
        metrics.journaled([record(1, .article, bytes: 10)], sync: .zero)
        metrics.stop()
        let warnings = logs.entries.filter { $0.level >= .notice }
        #expect(warnings.count == 1)
        #expect(warnings.first?.metadata["metrics_file"] == "\(path)")
        #expect(warnings.first?.metadata["errno"] == "\(ENOENT)" && warnings.first?.level == .notice)

        try FileManager.default.createDirectory(atPath: root.file("missing"), withIntermediateDirectories: true)
        let again = try MetricsFile(path: path, logger: Logger(label: "test", factory: { _ in logs }))
        again.stop()
        #expect(FileManager.default.fileExists(atPath: path))
    }

    @Test func otherFailuresAreWarnings() throws {
        let logs = InMemoryLogHandler()
        let path = root.file("ingestd.prom")
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)  // rename fails: EISDIR
        let metrics = try MetricsFile(path: path, logger: Logger(label: "test", factory: { _ in logs }))
        metrics.stop()
        #expect(logs.entries.filter { $0.level >= .notice }.map(\.level) == [.warning])
        #expect(logs.entries.first?.metadata["errno"] == "\(EISDIR)")
    }

    @Test func theShippersMetrics() throws {
        let path = root.file("ingestd-ship.prom")
        let metrics = try ShipMetricsFile(path: path, logger: Logger(label: "test"))
        metrics.update(shippedSeq: 1000, lag: 20, reachable: true, shipped: 1000)
        metrics.update(shippedSeq: 1000, lag: 35, reachable: false, shipped: 1000)
        metrics.update(shippedSeq: 1035, lag: 0, reachable: true, shipped: 1035)
        metrics.stop()
        let samples = try samples(path)
        #expect(samples["ingestd_ship_shipped_seq"] == 1035 && samples["ingestd_ship_lag_records"] == 0)
        #expect(samples["ingestd_ship_database_reachable"] == 1 && samples["ingestd_ship_records_total"] == 1035)
    }
}
