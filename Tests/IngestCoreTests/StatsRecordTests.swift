import Foundation
@testable import IngestCore
import IngestTestSupport
import Testing

@Suite struct StatsRecordTests {
    private func read(_ line: String) -> StatsRecord? {
        Array(line.utf8).withUnsafeBufferPointer { StatsRecord(line: $0) }
    }

    private func read(_ record: JournalRecord) -> StatsRecord? {
        var line = record.jsonLine()
        line.removeLast()  // the newline
        return line.withUnsafeBufferPointer { StatsRecord(line: $0) }
    }

    private let time = "2026-11-27T13:57:28.695Z"

    @Test func articleWithEverythingStatsCount() throws {
        var record = JournalRecord(
            seq: 12, time: time, event: .article, file: RelativePath("a.json"), sha256: "ab", bytes: 3787,
            article: Article(title: "عنوان \"مقتبس\"", body: "نص\nفيه \\ وعلامات \u{2028}",
                             metadata: ArticleMetadata(source: "سبق \"الإخبارية\"", url: "https://example.com/a", author: "x", date: "2026")),
            words: 9)
        record.nearDuplicates = [NearDuplicate(seq: 3, similarity: 0.9), NearDuplicate(seq: 4, similarity: 0.8)]
        record.reuse = PassageReuse(passages: [SharedPassage(seq: 5, at: 0..<20, from: 3..<23), SharedPassage(seq: 7, at: 30..<42, from: 0..<12)],
                                    reusedWords: 32)
        let parsed = try #require(read(record))
        #expect(parsed == StatsRecord(seq: 12, time: time, event: .article, bytes: 3787, source: "سبق \"الإخبارية\"", nearDuplicates: 2,
                                    reuse: [.init(seq: 5, words: 20), .init(seq: 7, words: 12)]))
    }

    @Test func duplicateRejectedAndFeaturesOff() throws {
        let duplicate = JournalRecord(seq: 2, time: time, event: .duplicate, file: RelativePath("copy.txt"), bytes: 10, duplicateOf: 1)
        #expect(read(duplicate) == StatsRecord(seq: 2, time: time, event: .duplicate, bytes: 10, duplicateOf: 1))
        let rejected = JournalRecord(seq: 3, time: time, event: .rejected, file: RelativePath(bytes: [0xFF, 0x41]), bytes: 0,
                                     reason: "The file is empty.")
        #expect(read(rejected) == StatsRecord(seq: 3, time: time, event: .rejected, bytes: 0, reason: "The file is empty."))
        let plain = JournalRecord(seq: 4, time: time, event: .article, file: RelativePath("a.txt"), article: Article(title: "t", body: "b"))
        let article = try #require(read(plain))
        #expect(article.nearDuplicates == nil && article.reuse == nil && article.source == nil)
    }

    @Test func otherKeyOrdersAndEscapesGoThroughTheGeneralParser() throws {
        let line = #"{"event":"article","time":"2026-11-27T00:00:00.000Z","source":"\u0633\u0628\u0642","seq":7,"near_duplicates":[],"reuse":[{"from":[1,13],"words":12,"seq":2,"at":[0,12]}]}"#
        #expect(read(line) == StatsRecord(seq: 7, time: "2026-11-27T00:00:00.000Z", event: .article, source: "سبق",
                                          nearDuplicates: 0, reuse: [.init(seq: 2, words: 12)]))
        // With spaces, as a person or another tool might write it.
        let spaced = #"{ "seq": 8, "time": "2026-11-27T00:00:00.000Z", "event": "duplicate", "file": "x", "duplicate_of": 7 }"#
        #expect(read(spaced) == StatsRecord(seq: 8, time: "2026-11-27T00:00:00.000Z", event: .duplicate, duplicateOf: 7))
    }

    @Test(arguments: [
        "", "{", "not json", #"{"seq":1}"#, #"{"seq":1,"time":"x","event":"unknown"}"#,
        #"{"seq":1,"time":"2026-11-27T00:00:00.000Z","event":"article","title":"torn"#, "[1,2,3]",
    ])
    func linesThatAreNotRecords(line: String) {
        #expect(read(line) == nil)
    }

    @Test func everyRecordOfTheSeedJournalReadsAlikeBothWays() throws {
        // The fast path against the general parser on lines ingestd writes.
        var ingestor = Ingestor()
        for index in 0..<5 {
            let analysis = FileAnalysis(file: RelativePath("s\(index).txt"), content: Seeds.bytes(index))
            var line = ingestor.record(for: analysis, time: time).jsonLine()
            line.removeLast()
            let fast = line.withUnsafeBufferPointer { StatsRecord.fastParse($0) }
            let general = line.withUnsafeBufferPointer { StatsRecord.generalParse($0) }
            #expect(fast != nil && fast == general)
        }
    }
}
