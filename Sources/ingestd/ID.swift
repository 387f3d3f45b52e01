import ArgumentParser
import Foundation
import IngestCore

struct ID: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "id",
        abstract: "Print the content id of files, as the journal would record it.",
        discussion: """
            The id is the SHA-256 of the canonical form of title and body (see README, "Content id"). \
            Files with the same id are duplicates of each other. Output: "<id>  <file>", one line per \
            file; a file that would be rejected prints its reason on stderr and makes the exit status 1.

            Example:
              ingestd id seeds/*.txt
            """
    )

    @Argument(help: ArgumentHelp("Files to identify, e.g. article.txt story.json.", valueName: "file"))
    var files: [String]

    func run() throws {
        var failed = false
        for file in files {
            guard let data = FileManager.default.contents(atPath: file) else {
                printError("\(file): cannot read the file.")
                failed = true
                continue
            }
            switch ArticleParser.parse(Array(data), fileName: file) {
            case .success(let article): print("\(article.id.hex)  \(file)")
            case .failure(let rejection):
                printError("\(file): \(rejection.reason)")
                failed = true
            }
        }
        if failed { throw ExitCode.failure }
    }

    private func printError(_ message: String) {
        FileHandle.standardError.write(Data("ingestd id: \(message)\n".utf8))
    }
}
