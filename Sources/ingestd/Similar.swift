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
            article, best first: "<similarity>  <seq>  <file>  <title>". Reads the journal and its \
            index checkpoint; the daemon may be running.

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

    func validate() throws {
        guard (1...NearDuplicateIndex.reportLimit * 100).contains(limit) else { throw ValidationError("--limit must be between 1 and 1000.") }
        guard (0...1).contains(minSimilarity) else { throw ValidationError("--min-similarity must be between 0 and 1.") }
    }

    func run() throws {
        let journalPath = journal ?? Run.defaultStateDirectory() + "/journal.jsonl"
        guard let data = FileManager.default.contents(atPath: file) else { fail("cannot read \(file).") }
        let sketch: MinHashSketch
        switch ArticleParser.parse(Array(data), fileName: file) {
        case .success(let article): sketch = article.sketch
        case .failure(let rejection): fail("\(file): \(rejection.reason)")
        }
        guard let journalBytes = FileManager.default.contents(atPath: journalPath).map(Array.init) else {
            fail("cannot read the journal \(journalPath); give it with --journal.")
        }
        let ingestor = loadIndex(journalPath: journalPath, journal: journalBytes)
        let matches = ingestor.nearIndex.mostSimilar(to: sketch, minimum: minSimilarity, limit: limit)
        let described = describe(Set(matches.map(\.seq)), in: journalBytes)
        for match in matches {
            let (path, title) = described[match.seq] ?? ("(in a rotated journal)", "")
            print("\(JSONObjectFormat.threeDecimals(match.similarity))  \(match.seq)  \(path)  \(title)")
        }
    }

    /// The near-duplicate index as the daemon would have it: the checkpoint, if it covers this
    /// journal file, plus the records after it; otherwise the whole journal.
    private func loadIndex(journalPath: String, journal: [UInt8]) -> Ingestor {
        var ingestor = Ingestor()
        var start = 0
        if case .valid(let checkpoint) = CheckpointFile.read(journalPath + ".index"),
           let info = try? FileDescriptor.currentDirectory.status(of: Array(journalPath.utf8), followingLinks: true),
           UInt64(info.st_dev) == checkpoint.journalDevice, UInt64(info.st_ino) == checkpoint.journalInode,
           checkpoint.journalOffset <= UInt64(journal.count) {
            ingestor = Ingestor(checkpoint: checkpoint)
            start = Int(checkpoint.journalOffset)
        }
        for line in journal[start...].split(separator: UInt8(ascii: "\n")) {
            if let entry = JournalEntry(line: line) { ingestor.replay(entry) }
        }
        return ingestor
    }

    /// File and title of the articles `seqs`, from the journal.
    private func describe(_ seqs: Set<UInt64>, in journal: [UInt8]) -> [UInt64: (String, String)] {
        var found: [UInt64: (String, String)] = [:]
        for line in journal.split(separator: UInt8(ascii: "\n")) where found.count < seqs.count {
            guard let entry = JournalEntry(line: line), seqs.contains(entry.seq) else { continue }
            found[entry.seq] = (entry.path?.description ?? "", entry.title ?? "")
        }
        return found
    }

    private func fail(_ message: String) -> Never {
        FileHandle.standardError.write(Data("ingestd similar: \(message)\n".utf8))
        Foundation.exit(1)
    }
}
