import Foundation
import IngestTestSupport

extension IngestBench {
    /// `ingestd ship --once` of a journal of `records` records into a PostgreSQL started for the
    /// bench (Debian's server, on loopback, its defaults: fsync on), as a separate process:
    /// records per second, and how long a second host's journal of the same records takes once
    /// the first is shipped (every record then a fleet duplicate).
    static func shipRate(_ options: Options, work: String, records: Int) throws -> (first: Double, second: Double)? {
        guard PostgresServer.isInstalled else {
            progress("fleet: PostgreSQL's server is not installed (apt-get install postgresql); skipped")
            return nil
        }
        let server = try PostgresServer()
        let journal = work + "/fleet-journal.jsonl"
        try writeStatsJournal(records: records, to: journal)
        defer { try? FileManager.default.removeItem(atPath: journal) }
        let first = try timed { try runShip(options, server: server, journal: journal, host: "bench-1") }
        let second = try timed { try runShip(options, server: server, journal: journal, host: "bench-2") }
        return (Double(records) / first, Double(records) / second)
    }

    private static func runShip(_ options: Options, server: PostgresServer, journal: String, host: String) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: options.binary)
        process.arguments = ["ship", "--database", server.url, "--password-file", server.passwordFile, "--journal", journal,
                             "--host", host, "--once", "--log-level", "warning"]
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw BenchError("ingestd ship exited with \(process.terminationStatus)") }
    }
}
