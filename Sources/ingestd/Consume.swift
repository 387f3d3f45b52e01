import ArgumentParser
import FleetShipping
import Foundation
import IngestCore
import Logging

struct Consume: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print the fleet's shipped records as JSON lines, in the fleet's order.",
        discussion: """
            Each line is the journal record plus "position" (the fleet's order; give the last one \
            to --after to go on from there), "host", and "fleet": {"event": "article" or \
            "duplicate", "original": {"host", "seq"}, and on originals "near_duplicates": \
            [{"host", "seq", "similarity"}]} (null for rejected files). With --follow, a server \
            that goes away is waited for, and printing goes on after the last position printed. \
            The password comes from --password-file, $PGPASSWORD or the systemd credential \
            db-password.

            Examples:
              ingestd consume --database postgres://reader@db.example.net/news --after 0 | jq -c '{position, host, fleet}'
              ingestd consume --database postgres://reader@db.example.net/news --after 120345 --follow
            """
    )

    @Option(name: .long, help: ArgumentHelp("The fleet's database, e.g. postgres://reader@db.example.net/news.", valueName: "url"))
    var database: String

    @Option(name: .long, help: ArgumentHelp("Print records after this position, e.g. --after 120345.", valueName: "position"))
    var after: Int64 = 0

    @Flag(name: .long, help: "Keep printing records as they are shipped, until interrupted.")
    var follow = false

    @Option(name: .long, help: ArgumentHelp("Read the database password from this file.", valueName: "file"))
    var passwordFile: String?

    func validate() throws {
        guard after >= 0 else { throw ValidationError("--after must be 0 or more.") }
        do { _ = try DatabaseURL(database) } catch { throw ValidationError("--database: \(error)") }
    }

    func run() async throws {
        bootstrapLogging(level: .notice)
        let logger = Logger(label: "ingestd-consume")
        let consumer = FleetConsumer(database: try fleetDatabase(database, passwordFile: passwordFile, logger: logger))
        do {
            try await runUntilSignalled(logger: logger) { [after, follow] in
                try await consumer.read(after: after, follow: follow, logger: logger) { line in
                    FileHandle.standardOutput.write(Data((line + "\n").utf8))
                }
            }
        } catch {
            logger.critical("Cannot read the fleet's records from \(consumer.database.description): \(String(reflecting: error))")
            throw ExitCode.failure
        }
    }
}
