import IngestCore
import Testing

@Suite struct JournalVerifierTests {
    private func journal(_ texts: [String], tamper: (inout [String]) -> Void = { _ in }) -> [UInt8] {
        var ingestor = Ingestor()
        var lines = texts.enumerated().map { index, text in
            let line = ingestor.record(for: FileAnalysis(file: RelativePath("\(index).txt"), content: Array(text.utf8)), time: "t").jsonLine()
            return String(decoding: line, as: UTF8.self)
        }
        tamper(&lines)
        return Array(lines.joined().utf8)
    }

    private func verify(_ bytes: [UInt8]) -> (String?, JournalVerifier.Summary) {
        var verifier = JournalVerifier()
        let problem = verifier.check(journal: bytes)
        return (problem, verifier.summary)
    }

    @Test func soundJournal() {
        let (problem, summary) = verify(journal(["عنوان\nنص", "عُنوان\nنصّ", "", "آخر"]))
        #expect(problem == nil)
        #expect(summary.sentence == "4 records (2 articles, 1 duplicates, 1 rejected), seq 1–4; every id matches its text")
    }

    @Test func editedTextNoLongerMatchesItsID() {
        let bytes = journal(["عنوان\nنص قتل 26"]) { $0[0] = $0[0].replacingOccurrences(of: "26", with: "27") }
        #expect(verify(bytes).0?.hasPrefix("line 1: seq 1: id ") == true)
    }

    @Test func seqMustIncrease() {
        let bytes = journal(["a", "b"]) { $0.swapAt(0, 1) }
        #expect(verify(bytes).0 == "line 2: seq 1 does not follow 2")
    }

    @Test func duplicateMustPointAtAnEarlierArticle() {
        let bytes = journal(["a", "a"]) { $0.removeFirst() }
        #expect(verify(bytes).0 == "line 1: seq 2: duplicate_of 1 is not an earlier article")
    }

    @Test func tornAndGarbageLines() {
        var torn = journal(["a", "b"])
        torn.removeLast(3)
        #expect(verify(torn).0 == "line 2: torn (no newline at the end of the journal)")
        #expect(verify(Array("{\"seq\":1}\nnot json\n".utf8)).0 == "line 1: seq 1 lacks \"time\" or \"file\"")
        #expect(verify(Array("not json\n".utf8)).0 == "line 1: not a JSON object")
    }
}
