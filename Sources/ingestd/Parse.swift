import ArgumentParser
import Foundation
import Glibc
import IngestCore
import IngestDaemon
import IngestIO

struct Parse: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print the journal record each file would get, without journaling anything.",
        discussion: """
            Reads each file the way the daemon reads the inbox (same size limit, no links followed) \
            and prints the record a new, empty journal would get for it, one JSON line per file, in \
            the order given: the title, body and metadata extracted from a web page, the id, or the \
            reason for a rejection. A file that repeats an earlier one on the command line is its \
            duplicate, as it would be in the journal. Exit status 1 when a file is rejected or \
            cannot be read.

            Examples:
              ingestd parse page.html
              ingestd parse story.html seeds/004_7456d795c60e2cad.txt | jq -c '{event, title, duplicate_of}'
              curl -so story https://example.com/news/1 && ingestd parse story | jq -r .body
            """
    )

    @Argument(help: ArgumentHelp("Files to parse, e.g. page.html article.txt story.json.", valueName: "file"))
    var files: [String]

    @Option(name: .long, help: ArgumentHelp("Reject files larger than this many bytes, as the daemon does, e.g. --max-bytes 1048576.", valueName: "n"))
    var maxBytes: Int = DaemonConfiguration.defaultMaxBytes

    func validate() throws {
        guard maxBytes > 0 else { throw ValidationError("--max-bytes must be a positive number of bytes.") }
    }

    func run() throws {
        var ingestor = Ingestor()
        var failed = false
        for file in files {
            guard let analysis = analyse(file) else {
                failed = true
                continue
            }
            let record = ingestor.record(for: analysis, time: Self.now())
            if record.event == .rejected { failed = true }
            FileHandle.standardOutput.write(Data(record.jsonLine()))
        }
        if failed { throw ExitCode.failure }
    }

    /// The file read through the daemon's reader, from its directory; nil when it does not exist.
    private func analyse(_ file: String) -> FileAnalysis? {
        let url = URL(fileURLWithPath: file)
        let directory: FileDescriptor
        do {
            directory = try FileDescriptor.currentDirectory.open(url.deletingLastPathComponent().path, flags: O_RDONLY | O_DIRECTORY)
        } catch {
            printError("\(file): \(error.description)")
            return nil
        }
        defer { directory.close() }
        let reader = InboxFileReader(inbox: directory, maxBytes: maxBytes)
        switch reader.read(RelativePath(url.lastPathComponent)) {
        case .file(var analysis):
            analysis.file = RelativePath(file)
            return analysis
        case .directory:
            printError("\(file): is a directory; give the files in it.")
        case .vanished:
            printError("\(file): no such file.")
        }
        return nil
    }

    private static func now() -> String {
        var time = timespec()
        clock_gettime(CLOCK_REALTIME, &time)
        return JournalTime.rfc3339(seconds: Int64(time.tv_sec), nanoseconds: Int64(time.tv_nsec))
    }

    private func printError(_ message: String) {
        FileHandle.standardError.write(Data("ingestd parse: \(message)\n".utf8))
    }
}
