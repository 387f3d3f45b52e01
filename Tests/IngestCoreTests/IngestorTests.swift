import IngestCore
import Testing

@Suite struct IngestorTests {
    private func analysis(_ name: String, body: String) -> FileAnalysis {
        FileAnalysis(file: RelativePath(name), content: Array(body.utf8))
    }

    @Test func firstWinsAndLaterAreDuplicates() {
        var ingestor = Ingestor()
        let first = ingestor.record(for: analysis("a.txt", body: "خبر عاجل عن حلب"), time: "t")
        let second = ingestor.record(for: analysis("b.txt", body: "خبرٌ عاجلٌ عن حلب"), time: "t")
        let third = ingestor.record(for: analysis("c.txt", body: ""), time: "t")
        #expect((first.seq, first.event) == (1, .article))
        #expect((second.seq, second.event, second.duplicateOf) == (2, .duplicate, 1))
        #expect(second.article == nil)
        #expect((third.seq, third.event, third.reason) == (3, .rejected, Rejection.empty.reason))
        #expect(ingestor.tally == .init(articles: 1, duplicates: 1, rejected: 1))
        #expect(ingestor.tally.status(waiting: 4) == "1 articles, 1 duplicates, 1 rejected, 4 waiting")
    }

    @Test func replayRebuildsTheSameState() {
        var live = Ingestor()
        let records = ["a", "b", "a", "c", "b"].enumerated().map { index, text in
            live.record(for: analysis("\(index).txt", body: text), time: "t")
        }
        var replayed = Ingestor()
        for record in records {
            replayed.replay(JournalEntry(line: record.jsonLine().dropLast())!)
        }
        #expect(replayed.nextSeq == live.nextSeq)
        #expect(replayed.tally == live.tally)
        let next = analysis("x.txt", body: "c")
        #expect(replayed.record(for: next, time: "t") == live.record(for: next, time: "t"))
    }

    @Test func undoTakesBackAFailedBatch() {
        var ingestor = Ingestor()
        _ = ingestor.record(for: analysis("a.txt", body: "a"), time: "t")
        let before = ingestor.tally
        let batch = [ingestor.record(for: analysis("b.txt", body: "b"), time: "t"),
                     ingestor.record(for: analysis("c.txt", body: "b"), time: "t")]
        ingestor.undo(batch)
        #expect(ingestor.tally == before)
        #expect(ingestor.nextSeq == 2)
        let retried = ingestor.record(for: analysis("b.txt", body: "b"), time: "t")
        #expect((retried.seq, retried.event) == (2, .article))
    }

    @Test func seqsCutFromATornLineAreNotReused() {
        var ingestor = Ingestor()
        ingestor.reserveSeqs(through: 41)
        #expect(ingestor.record(for: analysis("a.txt", body: "a"), time: "t").seq == 42)
    }
}

@Suite struct PendingFilesTests {
    @Test func keepsOrderAndDropsRepeats() {
        var pending = PendingFiles()
        pending.add(["a", "b", "a", "c"].map(RelativePath.init))
        #expect(pending.count == 3)
        #expect(pending.take(2) == ["a", "b"].map(RelativePath.init))
        pending.add([RelativePath("a")])  // taken already, so it is new again
        #expect(pending.take(10) == ["c", "a"].map(RelativePath.init))
        #expect(pending.isEmpty)
    }

    @Test func putBackGoesFirst() {
        var pending = PendingFiles()
        pending.add(["a", "b", "c"].map(RelativePath.init))
        let taken = pending.take(2)
        pending.putBack(taken)
        #expect(pending.take(10) == ["a", "b", "c"].map(RelativePath.init))
    }
}

@Suite struct InboxNamePolicyTests {
    @Test(arguments: [".hidden", ".a.txt.Xy12", "a.part", "a.tmp", "a.crdownload", ".a.swp", "a.swp", "a.txt~", ""])
    func ignored(name: String) { #expect(InboxNamePolicy.isIgnored(Array(name.utf8))) }

    @Test(arguments: ["a.txt", "خبر.json", "partial.txt", "a.tmp.txt", "tmp"])
    func notIgnored(name: String) { #expect(!InboxNamePolicy.isIgnored(Array(name.utf8))) }
}
