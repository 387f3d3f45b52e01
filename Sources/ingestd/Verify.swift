import ArgumentParser
import Foundation
import IngestCore

struct Verify: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check a journal: JSON lines, increasing seqs, duplicates pointing at articles, ids matching text.",
        discussion: """
            Exit status 0 with a one-line summary when the journal is sound; 1 with the line number \
            of the first problem otherwise. Give rotated journals oldest first, so that duplicates \
            of articles in older files are checked against them.

            Examples:
              ingestd verify
              ingestd verify --journal /var/lib/ingestd/journal.jsonl
              ingestd verify --journal journal.jsonl.1 --journal journal.jsonl
            """
    )

    @Option(name: .long, help: ArgumentHelp(
        "The journal to check (repeat for rotated files, oldest first). Default: journal.jsonl in the state directory, e.g. --journal ./var/ingestd/journal.jsonl.",
        valueName: "file"))
    var journal: [String] = []

    func run() throws {
        let files = journal.isEmpty ? [Run.defaultStateDirectory() + "/journal.jsonl"] : journal
        var verifier = JournalVerifier()
        for file in files {
            guard let data = FileManager.default.contents(atPath: file) else {
                FileHandle.standardError.write(Data("ingestd verify: cannot read \(file).\n".utf8))
                throw ExitCode.failure
            }
            if let problem = verifier.check(journal: Array(data)) {
                FileHandle.standardError.write(Data("ingestd verify: \(file): \(problem)\n".utf8))
                throw ExitCode.failure
            }
        }
        print("\(files.joined(separator: ", ")): \(verifier.summary.sentence)")
    }
}
