import ArgumentParser
import FleetShipping
import Foundation
import Glibc
import IngestCore
import Logging
import PrometheusExport
import ServiceLifecycle
import Systemd

struct Ship: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Ship the journal to the fleet's PostgreSQL, each record exactly once, with fleet-wide duplicate verdicts.",
        discussion: """
            A second process beside the daemon: it reads the journal (and the rotated journals \
            its cursor is in: journal.jsonl.1, journal.jsonl.2.gz and older) and writes each \
            record to PostgreSQL, moving the host's cursor in the \
            same transaction as the records, so nothing is shipped twice or skipped, whatever \
            stops it. The first record of a content id anywhere in the fleet is the fleet's \
            original; later ones, from any host, are duplicates pointing at it. Originals list the \
            fleet's earlier articles they are similar to (near_duplicates). The tables are \
            created by ingestd (see README, "Fleet"). A second shipper for the same host takes \
            over and the first one stops. PostgreSQL down: ingest goes on; the shipper retries \
            with back-off and catches up. The password comes from --password-file, $PGPASSWORD \
            or the systemd credential db-password, never the URL.

            Examples:
              ingestd ship --database postgres://ingestd@db.example.net/news --password-file /etc/ingestd/db-password
              PGPASSWORD=… ingestd ship --database 'postgres://ingestd@db.example.net/news?sslmode=require' --once
            """
    )

    @Option(name: .long, help: ArgumentHelp(
        "The fleet's database, e.g. postgres://ingestd@db.example.net:5432/news?sslmode=require (no password in it; add &sslrootcert=/etc/ingestd/ca.pem for a private certificate authority).", valueName: "url"))
    var database: String

    @Option(name: .long, help: ArgumentHelp("This host's name in the fleet. Default: the host name, e.g. --host crawler-3.", valueName: "name"))
    var host: String?

    @Option(name: .long, help: ArgumentHelp(
        "The journal. Default: journal.jsonl in the state directory, e.g. --journal /var/lib/ingestd/journal.jsonl.", valueName: "file"))
    var journal: String?

    @Option(name: .long, help: ArgumentHelp("Read the database password from this file, e.g. --password-file /etc/ingestd/db-password.", valueName: "file"))
    var passwordFile: String?

    @Option(name: .long, help: ArgumentHelp("Records per transaction, e.g. --batch 500.", valueName: "n"))
    var batch = 1000

    @Option(name: .long, help: ArgumentHelp(
        "Seconds a batch that is not full waits for more records before it ships, so that a host whose records trickle in ships at most about once per this many seconds (each transaction holds the fleet's position counter while it commits), e.g. --linger 0.2. 0 ships at once.",
        valueName: "seconds"))
    var linger = 1.0

    @Option(name: .long, help: ArgumentHelp(
        "Seconds a transaction may wait for PostgreSQL's answers before the connection is given up and the batch shipped again on a new one (a network partition leaves a connection open and silent), e.g. --timeout 120.",
        valueName: "seconds"))
    var timeout = 60.0

    @Option(name: .long, help: ArgumentHelp(
        "List earlier articles of the whole fleet at least this similar (estimated Jaccard similarity of word 5-shingles, 0 to 1) in the fleet's near_duplicates, e.g. --near-threshold 0.8. Give every host's shipper the same.",
        valueName: "j"))
    var nearThreshold: Double = Ingestor.defaultNearThreshold

    @Flag(name: .long, help: "Do not look for near-duplicates across the fleet: no sketches stored, no near_duplicates.")
    var noNearDuplicates = false

    @Option(name: .long, help: ArgumentHelp(
        "Write the shipper's metrics (last seq shipped, lag, PostgreSQL reachable) in Prometheus's text format to this file, e.g. --metrics-file /var/lib/prometheus/node-exporter/ingestd-ship.prom.",
        valueName: "file"))
    var metricsFile: String?

    @Flag(name: .long, help: "Ship what is journaled now, then exit 0 (1, without waiting, when PostgreSQL cannot be reached).")
    var once = false

    @Option(name: .long, help: ArgumentHelp("Log level: trace, debug, info, notice, warning, error, critical.", valueName: "level"))
    var logLevel: String = "info"

    func validate() throws {
        guard (1...100_000).contains(batch) else { throw ValidationError("--batch must be between 1 and 100000.") }
        guard (0...60).contains(linger) else { throw ValidationError("--linger must be between 0 and 60 seconds, e.g. 1.") }
        guard (1...3600).contains(timeout) else { throw ValidationError("--timeout must be between 1 and 3600 seconds, e.g. 60.") }
        guard (0...1).contains(nearThreshold) else {
            throw ValidationError("--near-threshold must be a similarity between 0 and 1, e.g. 0.7.")
        }
        guard Logger.Level(rawValue: logLevel) != nil else {
            throw ValidationError("--log-level must be one of: trace, debug, info, notice, warning, error, critical.")
        }
        do { _ = try DatabaseURL(database) } catch { throw ValidationError("--database: \(error)") }
    }

    func run() async throws {
        bootstrapLogging(level: Logger.Level(rawValue: logLevel) ?? .info)
        let logger = Logger(label: "ingestd-ship")
        let notifier = SystemdNotifier()
        let metrics: ShipMetricsFile?
        do {
            metrics = try metricsFile.map { try ShipMetricsFile(path: $0, logger: logger) }
        } catch {
            logger.critical("Cannot start the thread that writes the metrics file: \(error).")
            throw ExitCode.failure
        }
        defer { metrics?.stop() }
        let shipper = FleetShipper(
            database: try fleetDatabase(database, passwordFile: passwordFile, logger: logger), host: host ?? Self.hostName(),
            journal: journal ?? Run.defaultStateDirectory() + "/journal.jsonl", batchSize: batch, linger: .milliseconds(Int(linger * 1000)),
            timeout: .milliseconds(Int(timeout * 1000)),
            nearThreshold: noNearDuplicates ? nil : nearThreshold, logger: logger,
            status: { notifier.status($0) },
            progress: { metrics?.update(shippedSeq: $0.shippedSeq, lag: $0.lag, reachable: $0.reachable, shipped: $0.shipped) })
        notifier.ready(status: "shipping to \(shipper.database.description)")
        do {
            try await runUntilSignalled(logger: logger) { [once] in try await shipper.run(once: once) }
        } catch let error as FleetError {
            logger.critical("\(error.description)")
            throw ExitCode.failure
        }
        notifier.stopping()
        let shipped = await shipper.shippedSeq
        logger.info("Stopped shipping.", metadata: ["shipped_seq": "\(shipped)"])
    }

    static func hostName() -> String {
        var name = [CChar](repeating: 0, count: 256)
        gethostname(&name, name.count)
        return String(cString: name)
    }
}
