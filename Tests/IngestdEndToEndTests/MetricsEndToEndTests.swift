import Foundation
import IngestTestSupport
import Testing

extension EndToEnd {
    /// `--metrics-file` against jq over the journal, and the warning a rejected file gets.
    @Suite(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/jq"), "jq is not installed (make deps installs it)"))
    struct MetricsEndToEndTests {
        private func jq(_ filter: String, _ journal: String) throws -> Double {
            let output = try CommandOutput.of("/usr/bin/jq", ["-s", filter, journal])
            return try #require(Double(String(decoding: output, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)))
        }

        @Test func theMetricsFileCountsWhatTheJournalHolds() async throws {
            let directory = TemporaryDirectory("ingestd-metrics")
            let file = directory.file("ingestd.prom")
            let (harness, dropped) = try await DaemonHarness.journalOfEveryKind(arguments: ["--metrics-file", file])
            let samples = try #require(try PrometheusText.samples(ofFile: file))
            let journal = harness.journal
            for event in ["article", "duplicate", "rejected"] {
                let count = try jq("map(select(.event == \"\(event)\")) | length", journal)
                #expect(samples["ingestd_records_total{event=\"\(event)\"}"] == count, "\(event)")
                #expect(samples["ingestd_journal_records{event=\"\(event)\"}"] == count, "\(event)")
            }
            #expect(samples["ingestd_bytes_total"] == (try jq("map(.bytes // 0) | add", journal)))
            #expect(samples["ingestd_near_duplicate_articles_total"] == (try jq("map(select((.near_duplicates // []) | length > 0)) | length", journal)))
            #expect(samples["ingestd_reusing_articles_total"] == (try jq("map(select((.reuse // []) | length > 0)) | length", journal)))
            #expect(samples["ingestd_shared_passages_total"] == (try jq("map((.reuse // []) | length) | add", journal)))
            #expect(samples["ingestd_reused_words_total"] == (try jq("map(.reused_words // 0) | add", journal)))
            #expect(samples["ingestd_last_seq"] == Double(dropped) && samples["ingestd_waiting_files"] == 0)
            #expect((samples["ingestd_journal_fdatasync_seconds_count"] ?? 0) >= 1)

            let log = try String(contentsOfFile: harness.root.file("stderr.log"), encoding: .utf8)
            let rejects = log.split(separator: "\n").filter { $0.contains("A file was rejected") }
            #expect(rejects.count == 3 && rejects.contains { $0.contains("file=photo.png") && $0.contains("warning") }, "\(log)")
        }
    }
}
