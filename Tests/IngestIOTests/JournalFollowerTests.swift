import Foundation
import IngestCore
import IngestIO
import IngestTestSupport
import Testing

@Suite struct JournalFollowerTests {
    let directory = TemporaryDirectory()
    var path: String { directory.file("journal.jsonl") }

    private func append(_ seqs: ClosedRange<UInt64>, to file: String) throws {
        let lines = seqs.flatMap {
            JournalRecord(seq: $0, time: "2026-11-27T00:00:00.000Z", event: .rejected, file: RelativePath("f\($0)"), reason: "r").jsonLine()
        }
        if let handle = FileHandle(forWritingAtPath: file) {
            handle.seekToEndOfFile()
            handle.write(Data(lines))
            try handle.close()
        } else {
            try Data(lines).write(to: URL(fileURLWithPath: file))
        }
    }

    @Test func fromASeqOnInBatchesThenWhatIsAppended() throws {
        try append(1...5, to: path)
        let follower = JournalFollower(path: path)
        #expect(try follower.next(after: 2, limit: 2).map(\.seq) == [3, 4])
        #expect(try follower.next(after: 4, limit: 10).map(\.seq) == [5])
        #expect(try follower.next(after: 5, limit: 10).isEmpty)
        try append(6...7, to: path)
        let records = try follower.next(after: 5, limit: 10)
        #expect(records.map(\.seq) == [6, 7] && records.allSatisfy { $0.event == .rejected })
        #expect(String(decoding: records[0].line, as: UTF8.self).hasPrefix(#"{"seq":6,"#))
    }

    @Test func acrossARotation() throws {
        try append(1...3, to: path)
        let follower = JournalFollower(path: path)
        #expect(try follower.next(after: 0, limit: 10).map(\.seq) == [1, 2, 3])
        // Written before the rotation, then moved away (logrotate), then a new journal.
        try append(4...4, to: path)
        #expect(rename(path, path + ".1") == 0)
        try append(5...6, to: path)
        #expect(try follower.next(after: 3, limit: 10).map(\.seq) == [4, 5, 6])
    }

    @Test func theLastRotationFirstWhenStartedAfterIt() throws {
        try append(1...3, to: path + ".1")
        try append(4...5, to: path)
        #expect(try JournalFollower(path: path).next(after: 2, limit: 10).map(\.seq) == [3, 4, 5])
    }

    @Test func aLineBeingWrittenWaitsForItsNewline() throws {
        try append(1...1, to: path)
        let whole = JournalRecord(seq: 2, time: "t", event: .rejected, file: RelativePath("f2"), reason: "r").jsonLine()
        let handle = try #require(FileHandle(forWritingAtPath: path))
        handle.seekToEndOfFile()
        handle.write(Data(whole.prefix(10)))
        let follower = JournalFollower(path: path)
        #expect(try follower.next(after: 0, limit: 10).map(\.seq) == [1])
        handle.write(Data(whole.dropFirst(10)))
        try handle.close()
        #expect(try follower.next(after: 1, limit: 10).map(\.seq) == [2])
    }

    /// logrotate's files after three rotations: `.3.gz` (1–3), `.2.gz` (4–6), `.1` (7–9), then
    /// the journal (10–11).
    private func rotatedJournals() throws {
        try append(1...3, to: path + ".3")
        try append(4...6, to: path + ".2")
        try append(7...9, to: path + ".1")
        try append(10...11, to: path)
        try runCommand("/bin/gzip", [path + ".3", path + ".2"])
    }

    @Test func compressedRotationsAreReadWhenTheSeqIsInThem() throws {
        try rotatedJournals()
        #expect(JournalFollower.sources(for: path, after: 4) == [path + ".2.gz", path + ".1", path])
        let follower = JournalFollower(path: path)
        #expect(try follower.next(after: 4, limit: 4).map(\.seq) == [5, 6, 7, 8])
        #expect(try follower.next(after: 8, limit: 10).map(\.seq) == [9, 10, 11])
        #expect(try JournalFollower(path: path).next(after: 0, limit: 100).map(\.seq) == Array(1...11))
    }

    @Test func rotationsAlreadyReadAreNotReadAgain() throws {
        try rotatedJournals()
        // A line that is not a record in .1: reading .1 would count it.
        let handle = try #require(FileHandle(forWritingAtPath: path + ".1"))
        handle.seekToEndOfFile()
        handle.write(Data("not a record\n".utf8))
        try handle.close()
        #expect(JournalFollower.sources(for: path, after: 9) == [path])
        let follower = JournalFollower(path: path)
        #expect(try follower.next(after: 9, limit: 10).map(\.seq) == [10, 11])
        #expect(follower.skippedLines == 0)
    }

    @Test func recordsDeletedBeforeTheOldestFileLeaveAGapNotAnError() throws {
        try append(5...6, to: path + ".1")
        try append(7...7, to: path)
        #expect(try JournalFollower(path: path).next(after: 2, limit: 10).map(\.seq) == [5, 6, 7])
    }

    @Test func aDamagedCompressedJournalIsAnErrorNamingIt() throws {
        try rotatedJournals()
        let compressed = try #require(FileManager.default.contents(atPath: path + ".2.gz"))
        try compressed.prefix(compressed.count - 12).write(to: URL(fileURLWithPath: path + ".2.gz"))
        let error = #expect(throws: SystemError.self) { try JournalFollower(path: path).next(after: 4, limit: 100) }
        #expect(error?.path == path + ".2.gz")
    }
}
