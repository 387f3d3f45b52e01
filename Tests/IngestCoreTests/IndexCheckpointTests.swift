import IngestCore
import Testing

@Suite struct IndexCheckpointTests {
    private func sample(articles: Int = 3) -> IndexCheckpoint {
        var ingestor = Ingestor()
        for number in 0..<articles {
            _ = ingestor.record(for: FileAnalysis(file: RelativePath("\(number).txt"), content: Array("article \(number)".utf8)), time: "t")
        }
        _ = ingestor.record(for: FileAnalysis(file: RelativePath("dup.txt"), content: Array("article 0".utf8)), time: "t")
        return ingestor.checkpoint(journalDevice: 2049, journalInode: 1_234_567, journalOffset: 8_192)
    }

    @Test func roundTrips() throws {
        let checkpoint = sample()
        let decoded = try #require(IndexCheckpoint(decoding: checkpoint.encoded()))
        #expect(decoded.nextSeq == 5)
        #expect(decoded.tally == .init(articles: 3, duplicates: 1, rejected: 0))
        #expect((decoded.journalDevice, decoded.journalInode, decoded.journalOffset) == (2049, 1_234_567, 8_192))
        #expect(decoded.entries.sorted { $0.seq < $1.seq } == checkpoint.entries.sorted { $0.seq < $1.seq })
        #expect(decoded.nearSeqs == [1, 2, 3])
        #expect(decoded.nearSketches == checkpoint.nearSketches)
        #expect(decoded.passageArticles.isEmpty, "two-word articles are shorter than a passage")
        #expect(checkpoint.encoded().count == 8 + 8 + 64 + 3 * 40 + 8 + 3 * (8 + 128) + 8 + 32)
    }

    @Test func theSharedPassageIndexRoundTripsAndAnswersTheSame() throws {
        let wire = (0..<30).map { "wire\($0)" }.joined(separator: " ")
        var ingestor = Ingestor(passages: PassageSettings())
        for number in 0..<3 {
            let text = "title \(number)\n\(wire) " + (0..<20).map { "own\(number)x\($0)" }.joined(separator: " ")
            _ = ingestor.record(for: FileAnalysis(file: RelativePath("\(number).txt"), content: Array(text.utf8), passageWords: 12), time: "t")
        }
        let checkpoint = ingestor.checkpoint(journalDevice: 1, journalInode: 2, journalOffset: 3)
        let decoded = try #require(IndexCheckpoint(decoding: checkpoint.encoded()))
        #expect(decoded.passageArticles == checkpoint.passageArticles)
        #expect(decoded.passageArticles.map(\.seq) == [1, 2, 3])
        #expect(decoded.passageArticles.map(\.words.count) == [52, 52, 52])
        var restored = Ingestor(checkpoint: decoded, passages: PassageSettings())
        let next = FileAnalysis(file: RelativePath("n.txt"), content: Array("another\n\(wire) tail".utf8), passageWords: 12)
        let record = restored.record(for: next, time: "t")
        #expect(record == ingestor.record(for: next, time: "t"))
        #expect(record.reuse?.passages == [SharedPassage(seq: 1, at: 1..<31, from: 2..<32)])
    }

    /// A checkpoint written before shared passages (version 2: no passage section) still loads,
    /// so an upgrade does not replay journals from the start, nor lose seqs rotated away.
    @Test func aVersionTwoCheckpointLoads() throws {
        let checkpoint = sample()
        let body = Array(checkpoint.encoded().dropLast(32).dropLast(8))  // no hash, no passage count
        func sealed(version: UInt8) -> [UInt8] {
            var bytes = body
            bytes[8] = version
            let hex = Array(FileAnalysis.sha256Hex(bytes).utf8)
            return bytes + stride(from: 0, to: 64, by: 2).map { UInt8(String(decoding: hex[$0..<$0 + 2], as: UTF8.self), radix: 16)! }
        }
        let decoded = try #require(IndexCheckpoint(decoding: sealed(version: 2)))
        #expect(decoded == checkpoint)
        #expect(IndexCheckpoint(decoding: sealed(version: 1)) == nil, "another version is refused")
    }

    @Test func damageIsDetected() {
        let bytes = sample().encoded()
        for position in [0, 9, 20, 90, bytes.count - 1] {
            var damaged = bytes
            damaged[position] ^= 0x40
            #expect(IndexCheckpoint(decoding: damaged) == nil, "flipped byte \(position)")
        }
        #expect(IndexCheckpoint(decoding: Array(bytes.dropLast())) == nil)
        #expect(IndexCheckpoint(decoding: []) == nil)
    }

    @Test func restoredIngestorContinuesWhereItStopped() {
        var restored = Ingestor(checkpoint: sample())
        let again = restored.record(for: FileAnalysis(file: RelativePath("x.txt"), content: Array("article 1".utf8)), time: "t")
        #expect((again.seq, again.event, again.duplicateOf) == (5, .duplicate, 2))
    }

    @Test func replayAfterRestoreSkipsRecordsTheCheckpointHolds() {
        var restored = Ingestor(checkpoint: sample())
        restored.replay(JournalEntry(seq: 2, event: .article, id: ContentID(title: "", body: "new")))
        #expect(restored.tally.articles == 3)
        restored.replay(JournalEntry(seq: 5, event: .rejected))
        #expect(restored.tally.rejected == 1)
        #expect(restored.nextSeq == 6)
    }
}
