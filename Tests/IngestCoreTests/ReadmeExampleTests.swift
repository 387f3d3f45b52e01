import Foundation
import IngestCore
import IngestTestSupport
import Testing

/// The README's example journal is what ingestd makes of the seeds: the records it shows are
/// made again here from the same files and compared field by field (time aside; a value the
/// README shortens with "…" must begin the same).
@Suite struct ReadmeExampleTests {
    @Test func theJournalExampleIsRealOutput() throws {
        let shown = try Self.exampleRecords()
        #expect(shown.map { $0["seq"] as? Int } == [5, 6, 7, 8])
        let made = Dictionary(uniqueKeysWithValues: try Self.recordsOfTheExample().map { ($0["seq"] as? Int ?? 0, $0) })
        for record in shown {
            let seq = try #require(record["seq"] as? Int)
            let real = try #require(made[seq], "no record \(seq) made")
            #expect(Set(record.keys) == Set(real.keys), "seq \(seq)")
            for (key, value) in record where key != "time" {
                #expect(Self.matches(shown: value, real: real[key]), "seq \(seq), \(key): README \(value), real \(real[key] ?? "none")")
            }
        }
    }

    /// `ingestd stats` over the example's journal, as the README shows it.
    @Test func theStatsExampleIsRealOutput() throws {
        var stats = JournalStats()
        for line in try Self.linesOfTheExample() {
            let record = try #require(line.dropLast().withUnsafeBufferPointer { StatsRecord(line: $0) })
            stats.add(record)
        }
        let readme = try String(contentsOfFile: Seeds.repositoryRoot + "/README.md", encoding: .utf8)
        let intro = try #require(readme.range(of: "(the five seeds, a copy, a PNG and an edited seed) prints:")).upperBound
        let block = try #require(readme[intro...].range(of: "```\n")).upperBound
        let end = try #require(readme[block...].range(of: "```")).lowerBound
        #expect(stats.table(groupings: [.source, .day]) == String(readme[block..<end]))
    }

    /// The five seeds, a copy of seed 004, a 16×16 PNG, and seed 004 with its last two paragraphs
    /// cut and two words changed, journaled in that order.
    private static func recordsOfTheExample() throws -> [[String: Any]] {
        try linesOfTheExample().map { line in
            try #require(try JSONSerialization.jsonObject(with: Data(line)) as? [String: Any])
        }
    }

    /// The example's journal lines, a second apart from 2026-11-27T13:57:21Z on.
    private static func linesOfTheExample() throws -> [[UInt8]] {
        let seedNames = try FileManager.default.contentsOfDirectory(atPath: Seeds.directory).filter { $0.hasSuffix(".txt") }.sorted()
        var files = seedNames.enumerated().map { index, name in (name, Seeds.bytes(index)) }
        files.append(("copy.txt", Seeds.bytes(4)))
        files.append(("photo.png", png))
        let edited = Seeds.text(4).components(separatedBy: "\n\n").dropLast(2).joined(separator: "\n\n")
            .replacingOccurrences(of: "غداً السبت", with: "اليوم السبت")
            .replacingOccurrences(of: "مشاورات مكثفة", with: "مشاورات طويلة")
        files.append(("aleppo-update.txt", Array(edited.utf8)))
        var ingestor = Ingestor()
        return files.enumerated().map { index, file in
            let time = JournalTime.rfc3339(seconds: 1_795_787_841 + Int64(index), nanoseconds: 0)
            return ingestor.record(for: FileAnalysis(file: RelativePath(file.0), content: file.1), time: time).jsonLine()
        }
    }

    private static func exampleRecords() throws -> [[String: Any]] {
        let readme = try String(contentsOfFile: Seeds.repositoryRoot + "/README.md", encoding: .utf8)
        let afterIntro = try #require(readme.range(of: "gives these last four records")).upperBound
        let block = try #require(readme[afterIntro...].range(of: "```json\n")).upperBound
        let end = try #require(readme[block...].range(of: "```")).lowerBound
        return try readme[block..<end].split(separator: "\n").map { line in
            try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        }
    }

    private static func matches(shown: Any, real: Any?) -> Bool {
        if let text = shown as? String, text.hasSuffix("…"), let real = real as? String {
            return real.hasPrefix(text.dropLast())
        }
        guard let real else { return false }
        let encode = { (value: Any) in try? JSONSerialization.data(withJSONObject: [value], options: .sortedKeys) }
        return encode(shown) == encode(real)
    }

    private static let png: [UInt8] = [
        0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52,
        0x00, 0x00, 0x00, 0x10, 0x00, 0x00, 0x00, 0x10, 0x08, 0x02, 0x00, 0x00, 0x00, 0x90, 0x91, 0x68,
        0x36, 0x00, 0x00, 0x00, 0x17, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0xf8, 0xdf, 0xc0, 0x40,
        0x12, 0x22, 0x4d, 0xf5, 0xa8, 0x86, 0x51, 0x0d, 0x43, 0x4a, 0x03, 0x00, 0x9c, 0x75, 0x7f, 0x10,
        0x19, 0x69, 0x24, 0x97, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82,
    ]
}
