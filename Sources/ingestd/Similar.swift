import ArgumentParser
import Foundation
import Glibc
import IngestCore
import IngestIO

struct Similar: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print the journaled articles most similar to a file, with their similarity.",
        discussion: """
            The similarity is the estimated Jaccard similarity of the word 5-shingles of the \
            canonical text (see README, "Near-duplicates"), as near_duplicates reports it. Every \
            article in the index is compared, not only near-duplicates. Output: one line per \
            article, best first: "<similarity>  <seq>  <file>  <title>". Then the passages of at \
            least 12 words the file shares with journaled articles (see README, "Shared \
            passages"), longest first, each credited to the earliest article that has it: \
            "<words> words  <seq>  <file>  at <i>-<j> from <k>-<l>" and the passage's words, here \
            and there, in canonical form. Reads the journal and its index checkpoint; the daemon \
            may be running. Passages need the whole journal read again unless the daemon runs \
            with --reuse (its checkpoint then holds them); --no-passages leaves them out.

            Examples:
              ingestd similar article.txt
              ingestd similar --journal /var/lib/ingestd/journal.jsonl --limit 3 story.json
            """
    )

    @Argument(help: ArgumentHelp("The article to compare, e.g. article.txt or story.json.", valueName: "file"))
    var file: String

    @Option(name: .long, help: ArgumentHelp(
        "The journal. Default: journal.jsonl in the state directory, e.g. --journal ./var/ingestd/journal.jsonl.",
        valueName: "file"))
    var journal: String?

    @Option(name: .long, help: ArgumentHelp("Print at most this many articles, e.g. --limit 5.", valueName: "n"))
    var limit = 10

    @Option(name: .long, help: ArgumentHelp("Leave out articles less similar than this, e.g. --min-similarity 0.5.", valueName: "j"))
    var minSimilarity = 0.05

    @Flag(name: .long, inversion: .prefixedNo, help: "Print the passages the file shares with journaled articles.")
    var passages = true

    func validate() throws {
        guard (1...NearDuplicateIndex.reportLimit * 100).contains(limit) else { throw ValidationError("--limit must be between 1 and 1000.") }
        guard (0...1).contains(minSimilarity) else { throw ValidationError("--min-similarity must be between 0 and 1.") }
    }

    func run() throws {
        let journalPath = journal ?? Run.defaultStateDirectory() + "/journal.jsonl"
        guard let data = FileManager.default.contents(atPath: file) else { fail("cannot read \(file).") }
        let article: Article
        switch ArticleParser.parse(Array(data), fileName: file) {
        case .success(let parsed): article = parsed
        case .failure(let rejection): fail("\(file): \(rejection.reason)")
        }
        guard let journalBytes = FileManager.default.contents(atPath: journalPath).map(Array.init) else {
            fail("cannot read the journal \(journalPath); give it with --journal.")
        }
        let checkpoint = readCheckpoint(journalPath: journalPath, journalBytes: journalBytes.count)
        // Without the daemon's passages in the checkpoint, the whole journal is read again.
        let checkpointSuffices = !passages || checkpoint.map { !$0.passageArticles.isEmpty || $0.nextSeq == 1 } ?? false
        let ingestor = loadIndex(from: checkpointSuffices ? checkpoint : nil, journal: journalBytes, passages: passages)
        let matches = ingestor.nearIndex.mostSimilar(to: article.sketch, minimum: minSimilarity, limit: limit)
        let reuse = ingestor.passageIndex?.reuse(of: shingles(of: article)) ?? PassageReuse()
        let described = describe(Set(matches.map(\.seq) + reuse.passages.map(\.seq)), in: journalBytes)
        for match in matches {
            let found = described[match.seq]
            print("\(JSONObjectFormat.threeDecimals(match.similarity))  \(match.seq)  \(found?.path ?? Self.rotated)  \(found?.title ?? "")")
        }
        printPassages(reuse, of: article, described: described)
    }

    private static let rotated = "(in a rotated journal)"

    private func shingles(of article: Article) -> PassageShingles {
        article.analysed(sketched: false, passageWords: PassageSettings.defaultMinimumWords).shingles!
    }

    /// Each passage, its place here and there, and its words in both articles (canonical form).
    private func printPassages(_ reuse: PassageReuse, of article: Article, described: [UInt64: Described]) {
        guard !reuse.passages.isEmpty else { return }
        let here = Self.canonicalWords(article)
        print("\nshared passages (\(reuse.reusedWords) of \(here.count) words):")
        for passage in reuse.passages {
            let found = described[passage.seq]
            print("\(passage.words) words  \(passage.seq)  \(found?.path ?? Self.rotated)  at \(passage.at.lowerBound)-\(passage.at.upperBound) from \(passage.from.lowerBound)-\(passage.from.upperBound)")
            print("  here:  \(here[passage.at.clamped(to: here.indices)].joined(separator: " "))")
            if let there = found?.words {
                print("  there: \(there[passage.from.clamped(to: there.indices)].joined(separator: " "))")
            }
        }
    }

    static func canonicalWords(_ article: Article) -> [Substring] {
        String(decoding: article.canonicalText, as: UTF8.self).split(separator: " ")
    }

    /// The checkpoint next to the journal, if it covers this journal file.
    private func readCheckpoint(journalPath: String, journalBytes: Int) -> IndexCheckpoint? {
        guard case .valid(let checkpoint) = CheckpointFile.read(journalPath + ".index"),
              let info = try? FileDescriptor.currentDirectory.status(of: Array(journalPath.utf8), followingLinks: true),
              UInt64(info.st_dev) == checkpoint.journalDevice, UInt64(info.st_ino) == checkpoint.journalInode,
              checkpoint.journalOffset <= UInt64(journalBytes)
        else { return nil }
        return checkpoint
    }

    /// The near-duplicate index, and the shared-passage index with `passages`, as the daemon would
    /// have them: the checkpoint, if there is one, plus the records after it; otherwise the whole
    /// journal.
    private func loadIndex(from checkpoint: IndexCheckpoint?, journal: [UInt8], passages: Bool) -> Ingestor {
        let settings = passages ? PassageSettings() : nil
        var ingestor = Ingestor(passages: settings)
        var start = 0
        if let checkpoint {
            ingestor = Ingestor(checkpoint: checkpoint, passages: settings)
            start = Int(checkpoint.journalOffset)
        }
        for line in journal[start...].split(separator: UInt8(ascii: "\n")) {
            if let entry = JournalEntry(line: line) { ingestor.replay(entry) }
        }
        return ingestor
    }

    struct Described {
        var path: String
        var title: String
        /// The canonical words of the article, for its side of a passage.
        var words: [Substring]?
    }

    /// File, title and canonical words of the articles `seqs`, from the journal.
    private func describe(_ seqs: Set<UInt64>, in journal: [UInt8]) -> [UInt64: Described] {
        var found: [UInt64: Described] = [:]
        for line in journal.split(separator: UInt8(ascii: "\n")) where found.count < seqs.count {
            guard let entry = JournalEntry(line: line), seqs.contains(entry.seq) else { continue }
            found[entry.seq] = Described(path: entry.path?.description ?? "", title: entry.title ?? "",
                                         words: entry.article.map(Self.canonicalWords))
        }
        return found
    }

    private func fail(_ message: String) -> Never {
        FileHandle.standardError.write(Data("ingestd similar: \(message)\n".utf8))
        Foundation.exit(1)
    }
}
