import Foundation
import IngestCore
import IngestTestSupport

extension IngestBench {
    /// `ingestd stats` over a journal of `records` records, as a separate process: seconds, best
    /// of three after a first run that brings the file into the page cache; and the file's size.
    static func statsTime(_ options: Options, work: String, records: Int) throws -> (seconds: Double, megabytes: Double) {
        let journal = work + "/stats-journal.jsonl"
        try writeStatsJournal(records: records, to: journal)
        defer { try? FileManager.default.removeItem(atPath: journal) }
        let size = (try FileManager.default.attributesOfItem(atPath: journal)[.size] as? Int) ?? 0
        try runStats(options, journal: journal)
        let best = try (0..<3).map { _ in try timed { try runStats(options, journal: journal) } }.min()!
        return (best, Double(size) / 1e6)
    }

    private static func runStats(_ options: Options, journal: String) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: options.binary)
        process.arguments = ["stats", "--journal", journal]
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw BenchError("ingestd stats exited with \(process.terminationStatus)") }
    }

    /// A month of records as the daemon writes them with near-duplicates and shared passages on:
    /// 80% articles of forty words from seven sources (a tenth with a near-duplicate, a fifth
    /// reusing a passage), 15% duplicates, 5% rejects.
    static func writeStatsJournal(records: Int, to path: String) throws {
        guard FileManager.default.createFile(atPath: path, contents: nil), let handle = FileHandle(forWritingAtPath: path)
        else { throw BenchError("cannot write \(path)") }
        defer { try? handle.close() }
        let sources = ["سبق", "الرياض", "عكاظ", "الوطن", "المدينة", "Reuters", "AP"]
        let vocabulary = (0..<1000).map { "كلمة\($0)" }
        var random = SeededGenerator(seed: 11)
        var articles: [UInt64] = []
        var ids: [UInt64: ContentID] = [:]
        var buffer: [UInt8] = []
        for index in 0..<records {
            let seq = UInt64(index + 1)
            let second = Int64(1_793_491_200 + index * 30 * 86_400 / max(1, records))  // 2026-11-01 on
            let time = JournalTime.rfc3339(seconds: second, nanoseconds: 0)
            let sha256 = String(repeating: "0", count: 48) + String(seq, radix: 16).leftPadded(to: 16)
            let roll = Double.random(in: 0..<1, using: &random)
            var record: JournalRecord
            if roll < 0.8 || articles.isEmpty {
                let body = (0..<40).map { _ in vocabulary.randomElement(using: &random)! }.joined(separator: " ")
                let source = sources.randomElement(using: &random)!
                let article = Article(title: "خبر \(index)", body: body, metadata: ArticleMetadata(source: source))
                let id = ContentID(digestOf: article.canonicalText)
                record = JournalRecord(seq: seq, time: time, event: .article, file: RelativePath("f\(index).json"), id: id,
                                       sha256: sha256, bytes: 420, article: article, words: 42)
                ids[seq] = id
                let earlier = articles.randomElement(using: &random) ?? seq
                record.nearDuplicates = Double.random(in: 0..<1, using: &random) < 0.1 ? [NearDuplicate(seq: earlier, similarity: 0.8)] : []
                record.reuse = Double.random(in: 0..<1, using: &random) < 0.2
                    ? PassageReuse(passages: [SharedPassage(seq: earlier, at: 0..<20, from: 5..<25)], reusedWords: 20) : PassageReuse()
                articles.append(seq)
            } else if roll < 0.95 {
                let original = articles.randomElement(using: &random)!
                record = JournalRecord(seq: seq, time: time, event: .duplicate, file: RelativePath("f\(index).json"), id: ids[original],
                                       sha256: sha256, bytes: 420, duplicateOf: original)
            } else {
                record = JournalRecord(seq: seq, time: time, event: .rejected, file: RelativePath("f\(index).png"), sha256: sha256,
                                       bytes: 80, reason: "The file contains NUL bytes, so it is binary data, not a text article.")
            }
            buffer = record.appendingJSONLine(to: buffer)
            if buffer.count > 1 << 22 { handle.write(Data(buffer)); buffer.removeAll(keepingCapacity: true) }
        }
        handle.write(Data(buffer))
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        String(repeating: "0", count: max(0, width - count)) + self
    }
}
