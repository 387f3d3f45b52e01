import IngestCore
import Testing

@Suite struct UnmovedRecordsTests {
    private let analysis = FileAnalysis(file: RelativePath("a.txt"), content: Array("خبر".utf8))

    private func entry(_ seq: UInt64, _ file: String = "a.txt", sha256: String? = nil, bytes: Int? = nil,
                       event: JournalRecord.Event = .article) -> JournalEntry {
        JournalEntry(seq: seq, event: event, path: RelativePath(file), sha256: sha256 ?? analysis.sha256,
                     bytes: bytes ?? analysis.bytes)
    }

    @Test func matchesSamePathAndContentAfterTheMarkerOnly() {
        var unmoved = UnmovedRecords()
        unmoved.add(entry(3), movedThrough: 3)
        #expect(unmoved.claim(analysis) == nil)
        unmoved.add(entry(4), movedThrough: 3)
        #expect(unmoved.claim(analysis) == .init(seq: 4, event: .article))
        #expect(unmoved.claim(analysis) == nil, "a record matches one file only")
    }

    @Test func differentContentOrPathIsANewFile() {
        var unmoved = UnmovedRecords()
        unmoved.add(entry(5, sha256: "00"), movedThrough: 0)
        unmoved.add(entry(6, "b.txt"), movedThrough: 0)
        unmoved.add(entry(7, bytes: 1), movedThrough: 0)
        #expect(unmoved.claim(analysis) == nil)
    }

    @Test func unreadFilesMatchByPathAndKind() {
        var unmoved = UnmovedRecords()
        let fifo = FileAnalysis.rejected(RelativePath("pipe"), .notRegularFile(kind: "FIFO (named pipe)"))
        unmoved.add(JournalEntry(seq: 9, event: .rejected, path: RelativePath("pipe")), movedThrough: 8)
        #expect(unmoved.claim(fifo) == .init(seq: 9, event: .rejected))
    }

    @Test func exactNamesThatAreNotUTF8() throws {
        let name = RelativePath(bytes: [0x66, 0xFF, 0x2E, 0x74])
        let record = JournalRecord(seq: 2, time: "t", event: .rejected, file: name, reason: "r")
        let entry = try #require(JournalEntry(line: record.jsonLine().dropLast()))
        #expect(entry.path == name)
    }
}
