@testable import IngestCore
import Foundation
import Testing

@Suite struct JournalScannerTests {
    private func line(_ seq: UInt64, _ event: String = "rejected") -> String {
        #"{"seq":\#(seq),"time":"t","event":"\#(event)","file":"f\#(seq)"}"# + "\n"
    }

    private func scan(_ text: String, chunk: Int = 7) -> ([JournalEntry], JournalScanner.Plan) {
        var scanner = JournalScanner()
        let bytes = Array(text.utf8)
        var entries: [JournalEntry] = []
        for start in stride(from: 0, to: bytes.count, by: chunk) {
            entries += scanner.feed(bytes[start..<min(start + chunk, bytes.count)])
        }
        return (entries, scanner.finish())
    }

    @Test func wholeJournalNeedsNoRepair() {
        let text = line(1) + line(2) + line(3)
        let (entries, plan) = scan(text)
        #expect(entries.map(\.seq) == [1, 2, 3])
        #expect(plan == .init(keep: text.utf8.count, cut: 0, highestCutSeq: nil, invalidLines: []))
    }

    @Test func tornLastLineIsCut() {
        let whole = line(1) + line(2)
        let torn = String(line(3).prefix(20))
        let (entries, plan) = scan(whole + torn)
        #expect(entries.map(\.seq) == [1, 2])
        #expect(plan.keep == whole.utf8.count)
        #expect(plan.cut == torn.utf8.count)
        #expect(plan.highestCutSeq == 3)
    }

    @Test func completeRecordWithoutNewlineIsCut() {
        let whole = line(1)
        let (_, plan) = scan(whole + String(line(2).dropLast()))
        #expect(plan.keep == whole.utf8.count)
        #expect(plan.highestCutSeq == 2)
    }

    @Test func trailingGarbageLinesAreCut() {
        let whole = line(1)
        let garbage = String(repeating: "\0", count: 30) + "\n" + "{\"seq\":2,\"ti\n"
        let (_, plan) = scan(whole + garbage)
        #expect(plan.keep == whole.utf8.count)
        #expect(plan.cut == garbage.utf8.count)
        #expect(plan.highestCutSeq == 2)
    }

    @Test func invalidLinesInTheMiddleAreKeptAndReported() {
        let text = line(1) + "not json\n" + line(3)
        let (entries, plan) = scan(text)
        #expect(entries.map(\.seq) == [1, 3])
        #expect(plan.cut == 0)
        #expect(plan.invalidLines == [2])
    }

    @Test func emptyJournal() {
        #expect(scan("").1 == .init(keep: 0, cut: 0, highestCutSeq: nil, invalidLines: []))
    }

    @Test func entryFields() throws {
        let id = ContentID(title: "", body: "x")
        let record = JournalRecord(seq: 4, time: "t", event: .article, file: RelativePath("a.txt"), id: id,
                                   sha256: "ff", bytes: 1, article: Article(title: "", body: "x"), words: 1)
        let entry = try #require(JournalEntry(line: record.jsonLine().dropLast()))
        #expect(entry == JournalEntry(seq: 4, event: .article, id: id, path: RelativePath("a.txt"), sha256: "ff", bytes: 1,
                                      title: "", body: "x"))
    }
}

@Suite struct JournalEntryFastParseTests {
    /// The fast reader and JSONSerialization agree on every kind of record ingestd writes,
    /// including names that need escapes or are not UTF-8 (those take the general path).
    @Test func agreesWithTheGeneralParser() throws {
        var ingestor = Ingestor()
        let names = ["a.txt", "dir/خبر.json", "q\"uote.txt", "back\\slash", "tab\there"].map(RelativePath.init)
            + [RelativePath(bytes: [0x61, 0xFF])]
        let contents = ["عنوان\nنص", "عنوان\nنص", "", String(repeating: "x", count: 10),
                        "\"quoted\" title\nbody with \\ backslash,\ttab,\u{1}control\n\nand paragraphs", "line\u{2028}separator"]
        for (index, name) in names.enumerated() {
            for content in contents {
                let line = ingestor.record(for: FileAnalysis(file: name, content: Array((content + "\(index)").utf8)), time: "t").jsonLine().dropLast()
                let general = try #require(Self.general(Array(line)))
                #expect(JournalEntry(line: line) == general)
                if let fast = JournalEntry.fastParse(Array(line)) { #expect(fast == general) }
            }
        }
        let article = ingestor.record(for: FileAnalysis(file: RelativePath("x.txt"), content: Array("خبر".utf8)), time: "t").jsonLine().dropLast()
        #expect(JournalEntry.fastParse(Array(article)) != nil, "ordinary records take the fast path")
    }

    @Test func oddLinesFallBack() {
        #expect(JournalEntry.fastParse(Array(#"{"event":"article","seq":1,"time":"t","file":"a"}"#.utf8)) == nil)
        #expect(JournalEntry(line: Array(#"{"event":"article","seq":1,"time":"t","file":"a"}"#.utf8))?.seq == 1)
        #expect(JournalEntry.fastParse(Array(#"{"seq":99999999999999999999999,"time":"t","event":"article","file":"a"}"#.utf8)) == nil)
    }

    private static func general(_ line: [UInt8]) -> JournalEntry? {
        guard let object = try? JSONSerialization.jsonObject(with: Data(line)) as? [String: Any],
              let seq = (object["seq"] as? NSNumber)?.uint64Value,
              let event = (object["event"] as? String).flatMap(JournalRecord.Event.init(rawValue:)) else { return nil }
        let exact = (object["file_bytes"] as? String).flatMap { Data(base64Encoded: $0) }.map { RelativePath(bytes: Array($0)) }
        return JournalEntry(seq: seq, event: event, id: (object["id"] as? String).flatMap { ContentID(hex: $0) },
                            path: exact ?? (object["file"] as? String).map(RelativePath.init),
                            sha256: object["sha256"] as? String, bytes: (object["bytes"] as? NSNumber)?.intValue,
                            title: object["title"] as? String, body: object["body"] as? String)
    }
}
