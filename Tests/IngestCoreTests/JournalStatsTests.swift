@testable import IngestCore
import Testing

@Suite struct JournalStatsTests {
    private static func article(_ seq: UInt64, _ time: String, source: String?, near: Int = 0,
                                reuse: [StatsRecord.Reuse] = []) -> StatsRecord {
        StatsRecord(seq: seq, time: time, event: .article, bytes: 100, source: source, nearDuplicates: near, reuse: reuse)
    }

    /// Two outlets over two days: an article copied, one edited, a passage reused by the other
    /// outlet and one by its own, and two rejects of one kind.
    private static let records: [StatsRecord] = [
        article(1, "2026-11-26T09:00:00.000Z", source: "سبق"),
        article(2, "2026-11-26T10:30:00.000Z", source: "عكاظ"),
        StatsRecord(seq: 3, time: "2026-11-26T10:31:00.000Z", event: .duplicate, bytes: 100, duplicateOf: 1),
        article(4, "2026-11-27T08:00:00.000Z", source: "عكاظ", near: 1, reuse: [.init(seq: 1, words: 30), .init(seq: 2, words: 12)]),
        article(5, "2026-11-27T08:10:00.000Z", source: "سبق", reuse: [.init(seq: 1, words: 15)]),
        StatsRecord(seq: 6, time: "2026-11-27T08:20:00.000Z", event: .rejected, bytes: 2_000_000,
                    reason: "The file is 2000000 bytes, over the limit of 1048576 bytes (--max-bytes)."),
        StatsRecord(seq: 7, time: "2026-11-27T09:00:00.000Z", event: .rejected, bytes: 3_000_000,
                    reason: "The file is 3000000 bytes, over the limit of 1048576 bytes (--max-bytes)."),
        article(8, "2026-11-27T09:05:00.000Z", source: nil),
    ]

    private func stats(since: String? = nil) -> JournalStats {
        var stats = JournalStats(since: since)
        for record in Self.records { stats.add(record) }
        return stats
    }

    @Test func totals() {
        let stats = stats()
        #expect(stats.total.records == 8 && stats.total.articles == 5 && stats.total.duplicates == 1 && stats.total.rejected == 2)
        #expect(stats.total.nearDuplicates == 1 && stats.total.reusing == 2)
        #expect(stats.total.bytes == 5_000_600)
        #expect(stats.firstTime == "2026-11-26T09:00:00.000Z" && stats.lastTime == "2026-11-27T09:05:00.000Z")
        #expect(stats.hasNearDuplicates && stats.hasReuse)
    }

    @Test func aDuplicateCountsUnderTheSourceOfWhatItRepeats() {
        let sources = Dictionary(uniqueKeysWithValues: stats().groups(by: .source).map { ($0.key, $0.counts) })
        #expect(sources["سبق"]?.articles == 2 && sources["سبق"]?.duplicates == 1 && sources["سبق"]?.records == 3)
        #expect(sources["عكاظ"]?.articles == 2 && sources["عكاظ"]?.nearDuplicates == 1 && sources["عكاظ"]?.reusing == 1)
        #expect(sources[JournalStats.noSource]?.articles == 1 && sources[JournalStats.noSource]?.rejected == 2)
        #expect(stats().groups(by: .source).first?.key == "سبق")  // most articles first; ties by records
    }

    @Test func daysAndHoursInOrder() {
        #expect(stats().groups(by: .day).map { "\($0.key) \($0.counts.records)" } == ["2026-11-26 3", "2026-11-27 5"])
        #expect(stats().groups(by: .hour).map(\.key) == ["2026-11-26T09", "2026-11-26T10", "2026-11-27T08", "2026-11-27T09"])
    }

    @Test func passagesAreCreditedToTheSourceOfTheEarliestArticle() {
        let reused = stats().reusedSources
        #expect(reused.map(\.source) == ["سبق", "عكاظ"])
        #expect(reused[0].passages == 2 && reused[0].words == 45 && reused[0].articles == 2 && reused[0].byOtherSources == 1)
        #expect(reused[1].passages == 1 && reused[1].words == 12 && reused[1].articles == 1 && reused[1].byOtherSources == 0)
    }

    @Test func rejectsOfOneCauseAreOneLine() {
        #expect(stats().rejectReasons.map(\.reason) == ["The file is … bytes, over the limit of … bytes (--max-bytes)."])
        #expect(stats().rejectReasons.map(\.count) == [2])
        #expect(JournalStats.reasonKind("The file could not be read: Permission denied (EACCES).") == "The file could not be read: …")
        #expect(JournalStats.reasonKind("The file is UTF-32, which is not supported; save it as UTF-8.")
                == "The file is UTF-32, which is not supported; save it as UTF-8.")
    }

    @Test func sinceCountsLaterRecordsButKnowsEarlierSources() {
        let stats = stats(since: "2026-11-27T00:00:00.000Z")
        #expect(stats.total.records == 5 && stats.firstTime == "2026-11-27T08:00:00.000Z")
        // Article 1 is before the cut, yet the passage of article 5 is still credited to سبق.
        #expect(stats.reusedSources.first { $0.source == "سبق" }?.passages == 2)
        #expect(JournalStats(since: "2027-01-01T00:00:00.000Z").table(groupings: [.source]) == "No records since 2027-01-01 00:00 UTC.\n")
    }

    @Test func aDuplicateOfAnArticleNotReadIsSaidSo() {
        var stats = JournalStats()
        stats.add(StatsRecord(seq: 9, time: "2026-11-27T00:00:00.000Z", event: .duplicate, duplicateOf: 2))
        #expect(stats.groups(by: .source).map(\.key) == [JournalStats.unknownSource])
    }

    @Test func tableAndJSON() throws {
        let table = stats().table(groupings: [.source, .day])
        #expect(table.hasPrefix("8 records from 2026-11-26 09:00 to 2026-11-27 09:05 UTC\n"))
        #expect(table.contains("articles with near-duplicates  1  20.0%  of articles"))
        #expect(table.contains("by day      records  articles  duplicates  rejected  near-dup.  reusing\n2026-11-26        3"))
        #expect(table.contains("      2  The file is … bytes, over the limit of … bytes (--max-bytes)."))
        let json = stats().json(groupings: [.hour])
        #expect(json.contains(#""by_hour":[{"articles":1,"bytes":100,"duplicates":0,"key":"2026-11-26T09""#))
        #expect(!json.contains("by_day") && json.contains(#""records":8"#))
    }

    @Test func formatting() {
        #expect(JournalStats.number(0) == "0" && JournalStats.number(999) == "999" && JournalStats.number(1_234_567) == "1,234,567")
        #expect(JournalStats.percent(1, of: 3) == "33.3%" && JournalStats.percent(0, of: 0) == "–" && JournalStats.percent(2, of: 2) == "100.0%")
    }

    @Test(arguments: [
        ("2026-11-27", "2026-11-27T00:00:00.000Z"),
        ("2026-11-27T13:05", "2026-11-27T13:05:00.000Z"),
        ("2026-11-27 13", "2026-11-27T13:00:00.000Z"),
        ("2026-11-27T13:05:09Z", "2026-11-27T13:05:09.000Z"),
        ("2026", "2026-01-01T00:00:00.000Z"),
        ("90m", "2026-11-27T11:30:00.000Z"),
        ("24h", "2026-11-26T13:00:00.000Z"),
        ("7d", "2026-11-20T13:00:00.000Z"),
        ("today", "2026-11-27T00:00:00.000Z"),
        ("yesterday", "2026-11-26T00:00:00.000Z"),
    ])
    func since(text: String, expected: String) {
        // 2026-11-27T13:00:00Z
        #expect(JournalTime.since(text, now: 1_795_784_400) == expected)
    }

    @Test(arguments: ["", "2026-11-2", "27.11.2026", "x7d", "-3h", "2026-11-27T13:0", "tomorrow"])
    func sinceRejects(text: String) {
        #expect(JournalTime.since(text, now: 1_795_784_400) == nil)
    }
}
