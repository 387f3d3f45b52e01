import ArgumentParser
import Foundation
import Glibc
import IngestCore
import IngestIO

struct Stats: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Count a journal's records: by event, per source, per day or hour, passages reused, rejects by reason.",
        discussion: """
            Prints the records by event; the articles with near-duplicates and with shared \
            passages as shares of the articles; a table per source and per day (or the one --by \
            asks for) with records, articles, duplicates, rejects and those shares; the sources \
            whose passages later articles reuse; and the rejects by reason. A duplicate counts \
            under the source of the article it repeats. Give rotated journals oldest first \
            (compressed ones, .gz, too), so that duplicates and passages find the articles they \
            point at. On a terminal, a progress line shows while a large journal is read. The \
            daemon may be running.

            Examples:
              ingestd stats
              ingestd stats --since yesterday --by hour
              ingestd stats --journal /var/lib/ingestd/journal.jsonl.2.gz --journal /var/lib/ingestd/journal.jsonl.1 --journal /var/lib/ingestd/journal.jsonl
              ingestd stats --since 7d --json | jq '.by_source[:5]'
            """
    )

    @Option(name: .long, help: ArgumentHelp(
        "A journal to read (repeat for rotated files, oldest first; .gz files are decompressed). Default: journal.jsonl in the state directory, e.g. --journal ./var/ingestd/journal.jsonl.",
        valueName: "file"))
    var journal: [String] = []

    @Option(name: .long, help: ArgumentHelp(
        "Count only records from this time on: 2026-11-27, 2026-11-27T13:00 (UTC), 24h, 7d, today or yesterday.",
        valueName: "time"))
    var since: String?

    @Option(name: .long, help: ArgumentHelp(
        "One table, grouped by source, day or hour, instead of the tables per source and per day.",
        valueName: "source|day|hour"))
    var by: JournalStats.Grouping?

    @Flag(name: .long, help: "Print one JSON object instead of tables.")
    var json = false

    func validate() throws {
        if let since, sinceTime(since) == nil {
            throw ValidationError("--since \(since): give a time such as 2026-11-27, 2026-11-27T13:00, 24h, 7d, today or yesterday.")
        }
    }

    func run() throws {
        let files = journal.isEmpty ? [Run.defaultStateDirectory() + "/journal.jsonl"] : journal
        var stats = JournalStats(since: since.flatMap(sinceTime))
        let progress = ProgressLine(enabled: !json && isatty(STDERR_FILENO) == 1)
        for file in files {
            do {
                try read(file, into: &stats, progress: progress)
            } catch {
                progress.clear()
                FileHandle.standardError.write(Data("ingestd stats: cannot read \(file): \(error). Check the path (rotated journals are journal.jsonl.1, journal.jsonl.2.gz, …) and that you may read it.\n".utf8))
                throw ExitCode.failure
            }
        }
        progress.clear()
        let groupings = by.map { [$0] } ?? [.source, .day]
        print(json ? stats.json(groupings: groupings) : stats.table(groupings: groupings), terminator: "")
    }

    private func sinceTime(_ text: String) -> String? {
        JournalTime.since(text, now: Int64(Date().timeIntervalSince1970))
    }

    /// Reads one journal, through `gzip -dc` when it is compressed.
    private func read(_ path: String, into stats: inout JournalStats, progress: ProgressLine) throws {
        let file = try FileDescriptor.currentDirectory.open(path, flags: O_RDONLY | O_CLOEXEC)
        defer { file.close() }
        let size = Int(try file.status().st_size)
        let name = (path as NSString).lastPathComponent
        var records = 0
        let count: (UnsafeBufferPointer<UInt8>) -> Void = { line in
            records += 1
            if let record = StatsRecord(line: line) { stats.add(record) } else { stats.addUnreadableLine() }
        }
        guard path.hasSuffix(".gz") else {
            try LineReader(file).forEachLine(count) { progress.show("\(name): \(JournalStats.number(records)) records, \($0 * 100 / max(1, size))%") }
            return
        }
        let gzip = try GunzipStream(path: path)
        defer { gzip.cancel() }
        try LineReader(gzip.output).forEachLine(count) { _ in
            progress.show("\(name): \(JournalStats.number(records)) records")
        }
        try gzip.finish()
    }
}

extension JournalStats.Grouping: ExpressibleByArgument {}

/// One line on stderr, rewritten in place, shown once the work has taken a second and at most
/// five times a second.
private final class ProgressLine {
    private let enabled: Bool
    private let started = ContinuousClock.now
    private var lastShown: ContinuousClock.Instant?
    private var width = 0

    init(enabled: Bool) { self.enabled = enabled }

    func show(_ text: String) {
        guard enabled else { return }
        let now = ContinuousClock.now
        guard now - started >= .seconds(1), lastShown.map({ now - $0 >= .milliseconds(200) }) ?? true else { return }
        lastShown = now
        let line = "reading " + text
        FileHandle.standardError.write(Data(("\r" + line + String(repeating: " ", count: max(0, width - line.count))).utf8))
        width = line.count
    }

    func clear() {
        guard enabled, width > 0 else { return }
        FileHandle.standardError.write(Data(("\r" + String(repeating: " ", count: width) + "\r").utf8))
        width = 0
    }
}
