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
}
