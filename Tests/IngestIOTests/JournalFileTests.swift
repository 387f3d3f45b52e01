import Foundation
import IngestCore
import IngestIO
import IngestTestSupport
import Logging
import Testing

@Suite struct JournalFileTests {
    let directory = TemporaryDirectory()
    var path: String { directory.file("journal.jsonl") }

    private func record(_ seq: UInt64) -> [UInt8] {
        JournalRecord(seq: seq, time: "t", event: .rejected, file: RelativePath("f\(seq)"), reason: "r").jsonLine()
    }

    private func load(resume: JournalFile.ResumePoint? = nil) throws -> (JournalFile, JournalFile.LoadReport, [UInt64]) {
        var seqs: [UInt64] = []
        let (journal, report) = try JournalFile.load(path: path, resume: resume, logger: Logger(label: "test")) {
            seqs.append($0.seq)
        }
        return (journal, report, seqs)
    }

    @Test func resumesAfterACheckpointOfTheSameFileOnly() throws {
        let (journal, _, _) = try load()
        try journal.append(record(1) + record(2))
        let point = JournalFile.ResumePoint(identity: journal.identity, offset: journal.length)
        try journal.append(record(3))
        journal.close()
        let (same, report, seqs) = try load(resume: point)
        same.close()
        #expect(seqs == [3])
        #expect(report.resumedAt == point.offset)
        var other = point
        other.identity.inode += 1
        #expect(try load(resume: other).2 == [1, 2, 3])
        var midLine = point
        midLine.offset -= 5
        #expect(try load(resume: midLine).2 == [1, 2, 3])
    }

    @Test func createsAppendsAndReplays() throws {
        let (journal, report, seqs) = try load()
        #expect(report.records == 0 && seqs.isEmpty)
        try journal.append(record(1) + record(2))
        try journal.append(record(3))
        journal.close()
        let (again, _, replayed) = try load()
        again.close()
        #expect(replayed == [1, 2, 3])
    }

    @Test func repairsATornLastLineAndSavesTheCutBytes() throws {
        let whole = record(1) + record(2)
        let torn = Array(record(3).prefix(25))
        try directory.write("journal.jsonl", whole + torn)
        let (journal, report, seqs) = try load()
        #expect(seqs == [1, 2])
        #expect(report.cutBytes == torn.count)
        #expect(report.highestCutSeq == 3)
        let saved = try #require(report.savedTo)
        #expect(Array(try #require(FileManager.default.contents(atPath: saved))) == torn)
        try journal.append(record(4))
        journal.close()
        #expect(Array(try #require(FileManager.default.contents(atPath: path))) == whole + record(4))
    }

    @Test func reopenFollowsTheFileAtThePath() throws {
        let (journal, _, _) = try load()
        try journal.append(record(1))
        try FileManager.default.moveItem(atPath: path, toPath: path + ".1")
        try journal.reopen()
        try journal.append(record(2))
        journal.close()
        #expect(Array(try #require(FileManager.default.contents(atPath: path + ".1"))) == record(1))
        #expect(Array(try #require(FileManager.default.contents(atPath: path))) == record(2))
    }

    @Test func unwritableLocationIsAClearError() {
        #expect {
            _ = try JournalFile.load(path: "/proc/ingestd/journal.jsonl", logger: Logger(label: "test")) { _ in }
        } throws: { error in
            (error as? SystemError)?.description.hasPrefix("open \"/proc/ingestd/journal.jsonl\": No such file or directory (ENOENT)") == true
        }
    }
}
