import ArgumentParser
import IngestDaemon

@main
struct Ingestd: AsyncParsableCommand {
    static let version = "0.1.0"

    static let configuration = CommandConfiguration(
        commandName: "ingestd",
        abstract: "Watch an inbox directory and journal every news article dropped into it.",
        discussion: """
            ingestd parses each file dropped into the inbox (text in UTF-8, UTF-16 or Windows-1256, \
            a .json article object, or a web page, whose article is read out of the page), removes \
            duplicates by a content hash of the canonical text, appends one JSON line per file to the \
            journal, and moves the file to processed/ or rejected/.

            Examples:
              ingestd run --state-dir ./var/ingestd
              cp article.txt ./var/ingestd/inbox/
              tail -F ./var/ingestd/journal.jsonl | jq .
              ingestd id article.txt
              ingestd parse page.html
              ingestd similar article.txt
              ingestd stats --since yesterday
            """,
        version: version,
        subcommands: [Run.self, ID.self, Parse.self, Verify.self, Similar.self, Stats.self, Ship.self, Consume.self],
        defaultSubcommand: Run.self
    )
}
