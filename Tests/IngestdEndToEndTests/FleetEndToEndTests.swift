import Foundation
import IngestTestSupport
import Testing

extension EndToEnd {
    /// `ingestd ship --once` and `ingestd consume` as a user runs them, against a PostgreSQL
    /// started for the test.
    @Suite(.enabled(if: PostgresServer.isInstalled, "PostgreSQL's server is not installed (apt-get install postgresql)"))
    struct FleetEndToEndTests {
        @Test func shipOnceThenConsumeFromAPosition() async throws {
            let server = try PostgresServer()
            let (harness, dropped) = try await DaemonHarness.journalOfEveryKind()
            let ship = ["ship", "--database", server.url, "--password-file", server.passwordFile, "--journal", harness.journal,
                        "--host", "crawler-1", "--once"]
            let (status, output) = try runIngestd(ship)
            #expect(status == 0, "\(output)")
            #expect(try server.sql("SELECT count(*), max(seq) FROM ingestd_records WHERE host = 'crawler-1'") == "\(dropped)|\(dropped)\n")
            // Again: nothing new, nothing doubled.
            #expect(try runIngestd(ship).status == 0)
            #expect(try server.sql("SELECT count(*) FROM ingestd_records") == "\(dropped)\n")

            let (consumed, lines) = try runIngestd(["consume", "--database", server.url, "--password-file", server.passwordFile, "--after", "15"])
            #expect(consumed == 0, "\(lines)")
            let records = try lines.split(separator: "\n").map { try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]) }
            #expect(records.map { $0["position"] as? Int } == (16...dropped).map(Optional.some))
            #expect(records.allSatisfy { $0["host"] as? String == "crawler-1" })
            let copy = try #require(records.first { $0["file"] as? String == "copy0.txt" })
            let fleet = try #require(copy["fleet"] as? [String: Any])
            #expect(fleet["event"] as? String == "duplicate" && (fleet["original"] as? [String: Any])?["seq"] as? Int == 1)
        }

        @Test func shipOnceEndsWhenTheServerCannotBeReached() throws {
            let journal = TemporaryDirectory("ingestd-fleet-once")
            try Data().write(to: URL(fileURLWithPath: journal.file("journal.jsonl")))
            let (status, output) = try runIngestd(["ship", "--database", "postgres://ingestd@127.0.0.1:1/fleet", "--once",
                                                   "--journal", journal.file("journal.jsonl")])
            #expect(status == 1 && output.contains("Cannot reach PostgreSQL at ingestd@127.0.0.1:1/fleet"), "\(output)")
        }

        @Test func aPasswordOnTheCommandLineIsRefused() throws {
            let (status, output) = try runIngestd(["ship", "--database", "postgres://ingestd:secret@127.0.0.1/fleet", "--once"])
            #expect(status != 0 && output.contains("holds a password"), "\(output)")
        }
    }
}
