import Foundation
import IngestTestSupport
import Testing

extension EndToEnd {
    /// `ingestd stats` against jq over the same journal, the journal split into a compressed
    /// rotated file and the current one.
    @Suite(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/jq"), "jq is not installed (make deps installs it)"))
    struct StatsEndToEndTests {
        private func jq(_ filter: String, _ journal: String) throws -> Any {
            let output = try CommandOutput.of("/usr/bin/jq", ["-s", "-c", filter, journal])
            return try JSONSerialization.jsonObject(with: output, options: .fragmentsAllowed)
        }

        private func stats(_ arguments: [String]) throws -> [String: Any] {
            let (status, output) = try runIngestd(["stats", "--json"] + arguments)
            #expect(status == 0, "\(output)")
            return try #require(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any], "\(output)")
        }

        /// `{key: count}` of a stats breakdown.
        private func counts(_ groups: Any?, _ field: String) -> [String: Int] {
            Dictionary(uniqueKeysWithValues: ((groups as? [[String: Any]]) ?? []).compactMap { group in
                (group[field] as? Int).flatMap { $0 > 0 ? (group["key"] as! String, $0) : nil }
            })
        }

        @Test func countsMatchJqOverARotatedAndACompressedJournal() async throws {
            let (harness, dropped) = try await DaemonHarness.journalOfEveryKind()
            // The first half as a rotated, compressed file; the rest as the current journal.
            let lines = try String(contentsOfFile: harness.journal, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
            let half = lines.count / 2
            let rotated = harness.root.file("journal.jsonl.1")
            let current = harness.root.file("journal.jsonl")
            try (lines[..<half].joined(separator: "\n") + "\n").write(toFile: rotated, atomically: false, encoding: .utf8)
            try lines[half...].joined(separator: "\n").write(toFile: current, atomically: false, encoding: .utf8)
            _ = try CommandOutput.of("/bin/gzip", [rotated])

            let stats = try stats(["--journal", rotated + ".gz", "--journal", current])
            let all = harness.journal
            #expect(stats["records"] as? Int == dropped)
            let total = try #require(stats["total"] as? [String: Any])
            let events = try #require(try jq("group_by(.event) | map({key: .[0].event, value: length}) | from_entries", all) as? [String: Int])
            #expect(total["articles"] as? Int == events["article"])
            #expect(total["duplicates"] as? Int == events["duplicate"])
            #expect(total["rejected"] as? Int == events["rejected"])
            #expect(events["duplicate"] == 2 && events["rejected"] == 3, "\(events)")
            #expect(total["near_duplicates"] as? Int == (try jq("map(select(.event == \"article\" and (.near_duplicates | length) > 0)) | length", all) as? Int))
            #expect(total["reusing"] as? Int == (try jq("map(select(.event == \"article\" and (.reuse | length) > 0)) | length", all) as? Int))
            #expect((total["near_duplicates"] as? Int ?? 0) > 0 && (total["reusing"] as? Int ?? 0) > 0)
            #expect(total["bytes"] as? Int == (try jq("map(.bytes // 0) | add", all) as? Int))

            let articlesBySource = try jq(
                "map(select(.event == \"article\")) | group_by(.source // \"(no source)\") | map({key: (.[0].source // \"(no source)\"), value: length}) | from_entries", all)
            #expect(counts(stats["by_source"], "articles") == articlesBySource as? [String: Int])
            #expect(counts(stats["by_source"], "articles").count == 4)
            let duplicatesBySource = try jq("""
                (map(select(.event == "article") | {key: (.seq | tostring), value: (.source // "(no source)")}) | from_entries) as $source
                | map(select(.event == "duplicate") | $source[.duplicate_of | tostring]) | group_by(.) | map({key: .[0], value: length}) | from_entries
                """, all)
            #expect(counts(stats["by_source"], "duplicates") == duplicatesBySource as? [String: Int])
            let byDay = try jq("group_by(.time[0:10]) | map({key: .[0].time[0:10], value: length}) | from_entries", all)
            #expect(counts(stats["by_day"], "records") == byDay as? [String: Int])

            let reused = try #require(stats["reused_sources"] as? [[String: Any]])
            let passages = try jq("map(select(.event == \"article\") | .reuse | length) | add", all) as? Int
            #expect(reused.reduce(0) { $0 + ($1["passages"] as? Int ?? 0) } == passages)
            #expect((passages ?? 0) > 0)
            let rejects = try #require(stats["rejects"] as? [[String: Any]])
            #expect(rejects.reduce(0) { $0 + ($1["count"] as? Int ?? 0) } == 3 && rejects.count == 2)
        }

        @Test func sinceAndTheTable() async throws {
            let (harness, _) = try await DaemonHarness.journalOfEveryKind()
            let times = try #require(try jq("map(.time)", harness.journal) as? [String])
            let cut = times[times.count / 2]
            let stats = try stats(["--journal", harness.journal, "--since", cut, "--by", "hour"])
            #expect(stats["records"] as? Int == (try jq("map(select(.time >= \"\(cut)\")) | length", harness.journal) as? Int))
            #expect(stats["by_hour"] != nil && stats["by_source"] == nil)

            let (status, table) = try runIngestd(["stats", "--journal", harness.journal])
            #expect(status == 0)
            #expect(table.contains("by source") && table.contains("by day") && table.contains("سبق"), "\(table)")
            #expect(table.contains("passages reused, by source of the earliest article"), "\(table)")

            let (missing, message) = try runIngestd(["stats", "--journal", harness.root.file("nothing.jsonl")])
            #expect(missing == 1 && message.contains("cannot read") && message.contains("nothing.jsonl"))
            let (invalid, usage) = try runIngestd(["stats", "--since", "last week"])
            #expect(invalid != 0 && usage.contains("--since last week: give a time such as"))
        }
    }
}
