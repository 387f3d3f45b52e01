import IngestCore
import Testing

@Suite struct IngestorTests {
    private func analysis(_ name: String, body: String) -> FileAnalysis {
        FileAnalysis(file: RelativePath(name), content: Array(body.utf8), passageWords: 12)
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

    /// Five hundred words of a story, every `step`-th one replaced when `step` is given.
    private func story(editEvery step: Int? = nil) -> String {
        var words = (0..<500).map { "كلمة\($0)" }
        if let step { for index in stride(from: 0, to: words.count, by: step) { words[index] = "تعديل\(index)" } }
        return "عنوان الخبر\n" + words.joined(separator: " ")
    }

    @Test func articlesListEarlierNearDuplicates() throws {
        var ingestor = Ingestor()
        let first = ingestor.record(for: analysis("a.txt", body: story()), time: "t")
        let unrelated = ingestor.record(for: analysis("b.txt", body: "خبر آخر تماما عن موضوع مختلف"), time: "t")
        let edited = ingestor.record(for: analysis("c.txt", body: story(editEvery: 50)), time: "t")
        #expect(first.nearDuplicates == [])
        #expect(unrelated.nearDuplicates == [])
        let near = try #require(edited.nearDuplicates?.first)
        #expect(near.seq == 1 && near.similarity >= 0.7 && near.similarity < 1)
        let json = String(decoding: edited.jsonLine(), as: UTF8.self)
        #expect(json.contains("\"near_duplicates\":[{\"seq\":1,\"similarity\":0."))
    }

    @Test func nearThresholdAndSwitchingOff() {
        var strict = Ingestor(nearThreshold: 0.99)
        _ = strict.record(for: analysis("a.txt", body: story()), time: "t")
        #expect(strict.record(for: analysis("b.txt", body: story(editEvery: 50)), time: "t").nearDuplicates == [])
        var off = Ingestor(nearThreshold: nil)
        let record = off.record(for: analysis("a.txt", body: story()), time: "t")
        #expect(record.nearDuplicates == nil)
        #expect(!String(decoding: record.jsonLine(), as: UTF8.self).contains("near_duplicates"))
    }

    @Test func undoneArticlesAreNotNearDuplicatesOfLaterOnes() {
        var ingestor = Ingestor()
        let failed = ingestor.record(for: analysis("a.txt", body: story()), time: "t")
        ingestor.undo([failed])
        #expect(ingestor.record(for: analysis("b.txt", body: story(editEvery: 50)), time: "t").nearDuplicates == [])
    }

    @Test func articlesListTheirSharedPassagesUnlessSwitchedOff() {
        let wire = (0..<20).map { "wire\($0)" }.joined(separator: " ")
        var ingestor = Ingestor(passages: PassageSettings())
        _ = ingestor.record(for: analysis("a.txt", body: "\(wire) first"), time: "t")
        let second = ingestor.record(for: analysis("b.txt", body: "second \(wire)"), time: "t")
        #expect(second.reuse == PassageReuse(passages: [SharedPassage(seq: 1, at: 1..<21, from: 0..<20)], reusedWords: 20))
        #expect(String(decoding: second.jsonLine(), as: UTF8.self).hasSuffix(
            #"],"reuse":[{"seq":1,"words":20,"at":[1,21],"from":[0,20]}],"reused_words":20}"# + "\n"))
        var off = Ingestor(passages: nil)
        _ = off.record(for: analysis("a.txt", body: "\(wire) first"), time: "t")
        let plain = off.record(for: analysis("b.txt", body: "second \(wire)"), time: "t")
        #expect(plain.reuse == nil)
        #expect(!String(decoding: plain.jsonLine(), as: UTF8.self).contains("reuse"))
    }

    @Test func similarityIsWrittenWithThreeDecimals() {
        #expect(JSONObjectFormat.threeDecimals(0.91372) == "0.914")
        #expect(JSONObjectFormat.threeDecimals(0.5) == "0.5")
        #expect(JSONObjectFormat.threeDecimals(0.0704) == "0.07")
        #expect(JSONObjectFormat.threeDecimals(0.9996) == "1")
        #expect(JSONObjectFormat.threeDecimals(0.0004) == "0")
    }

    @Test func replayRebuildsTheSameState() {
        var live = Ingestor(passages: PassageSettings())
        let records = ["a", "b", "a", "c", "b", story(), story(editEvery: 40)].enumerated().map { index, text in
            live.record(for: analysis("\(index).txt", body: text), time: "t")
        }
        var replayed = Ingestor(passages: PassageSettings())
        for record in records {
            replayed.replay(JournalEntry(line: record.jsonLine().dropLast())!)
        }
        #expect(replayed.nextSeq == live.nextSeq)
        #expect(replayed.tally == live.tally)
        let next = analysis("x.txt", body: "c")
        #expect(replayed.record(for: next, time: "t") == live.record(for: next, time: "t"))
        let near = analysis("y.txt", body: story(editEvery: 60))
        let fromReplay = replayed.record(for: near, time: "t")
        #expect(fromReplay == live.record(for: near, time: "t"))
        #expect(fromReplay.nearDuplicates?.count == 2)
        #expect(fromReplay.reuse.map { Set($0.passages.map(\.seq)) } == [6], "the story's passages, from its first telling")
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
