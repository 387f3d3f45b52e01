import Foundation
@testable import IngestCore
import Testing

@Suite struct JournalRecordTests {
    private func decode(_ line: [UInt8]) throws -> [String: Any] {
        #expect(line.last == UInt8(ascii: "\n"))
        #expect(line.dropLast().contains(UInt8(ascii: "\n")) == false)
        return try #require(JSONSerialization.jsonObject(with: Data(line)) as? [String: Any])
    }

    @Test func articleRecord() throws {
        let article = Article(title: "عنوان \"مقتبس\"", body: "سطر\nسطر\t\\ \u{1}",
                              metadata: ArticleMetadata(source: "spa", url: "http://x"))
        let record = JournalRecord(seq: 7, time: "2026-11-21T14:57:43.125Z", event: .article, file: RelativePath("d/a.txt"),
                                   id: article.id, sha256: String(repeating: "ab", count: 32), bytes: 99,
                                   article: article, words: 2)
        let line = record.jsonLine()
        let object = try decode(line)
        #expect(object["seq"] as? Int == 7)
        #expect(object["event"] as? String == "article")
        #expect(object["file"] as? String == "d/a.txt")
        #expect(object["title"] as? String == article.title)
        #expect(object["body"] as? String == article.body)
        #expect(object["source"] as? String == "spa")
        #expect(object["words"] as? Int == 2)
        #expect(object["id"] as? String == article.id.hex)
        #expect(object["file_bytes"] == nil)
        let text = String(decoding: line, as: UTF8.self)
        #expect(text.hasPrefix(#"{"seq":7,"time":"2026-11-21T14:57:43.125Z","event":"article","file":"d/a.txt","id":"#))
    }

    @Test(arguments: [0, 7, 9, 10, 99, 100, 12_345, 1 << 32, UInt64.max / 10, UInt64.max])
    func numbersAreWrittenInDecimal(_ value: UInt64) {
        var buffer = Array("x".utf8)
        buffer.appendDecimal(value)
        #expect(String(decoding: buffer, as: UTF8.self) == "x\(value)")
    }

    @Test func duplicateAndRejectedRecords() throws {
        let duplicate = JournalRecord(seq: 8, time: "t", event: .duplicate, file: RelativePath("b.txt"),
                                      id: ContentID(title: "", body: "x"), sha256: "00", bytes: 1, duplicateOf: 3)
        let object = try decode(duplicate.jsonLine())
        #expect(object["duplicate_of"] as? Int == 3)
        #expect(object["title"] == nil)
        let rejected = JournalRecord(seq: 9, time: "t", event: .rejected, file: RelativePath("c.bin"), reason: "Bad.")
        #expect(try decode(rejected.jsonLine())["reason"] as? String == "Bad.")
    }

    @Test func nonUTF8NameIsRecoverable() throws {
        let name = RelativePath(bytes: Array("bad-".utf8) + [0xFF, 0xFE] + Array("\n\"\\.txt".utf8))
        let object = try decode(JournalRecord(seq: 1, time: "t", event: .rejected, file: name, reason: "r").jsonLine())
        let encoded = try #require(object["file_bytes"] as? String)
        #expect(Array(try #require(Data(base64Encoded: encoded))) == name.bytes)
        #expect((object["file"] as? String)?.contains("\u{FFFD}") == true)
    }

    @Test func lineSeparatorsAreEscaped() {
        let record = JournalRecord(seq: 1, time: "t", event: .rejected, file: RelativePath("a\u{2028}b\u{2029}c→"), reason: "r")
        let text = String(decoding: record.jsonLine(), as: UTF8.self)
        #expect(text.contains(#"a\u2028b\u2029c→"#))
    }

    /// Escapes are found wherever they fall relative to the eight-byte words the writer scans.
    @Test(arguments: ["\"", "\\", "\n", "\u{1}", "\u{2028}", "\u{2029}", "\u{2026}"])
    func escapesAtEveryOffset(special: String) throws {
        for offset in 0..<20 {
            let title = String(repeating: "ب", count: offset / 2) + String(repeating: "x", count: offset % 2) + special + "مرحبا بكم"
            let record = JournalRecord(seq: 1, time: "t", event: .article, file: RelativePath("a.txt"),
                                       article: Article(title: title, body: title + title))
            let line = record.jsonLine()
            let object = try decode(line)
            #expect(object["title"] as? String == title, "offset \(offset)")
            #expect(object["body"] as? String == title + title, "offset \(offset)")
            if special == "\u{2028}" { #expect(String(decoding: line, as: UTF8.self).contains("\\u2028")) }
        }
    }

    @Test(arguments: [
        (Int64(0), Int64(0), "1970-01-01T00:00:00.000Z"),
        (Int64(1_795_273_063), Int64(125_999_999), "2026-11-21T14:57:43.125Z"),
        (Int64(951_782_400), Int64(1_000_000), "2000-02-29T00:00:00.001Z"),
        (Int64(4_107_542_399), Int64(999_000_000), "2100-02-28T23:59:59.999Z"),
    ])
    func rfc3339(seconds: Int64, nanoseconds: Int64, expected: String) {
        #expect(JournalTime.rfc3339(seconds: seconds, nanoseconds: nanoseconds) == expected)
    }
}
