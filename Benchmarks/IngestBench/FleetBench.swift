import Foundation
import Glibc
import IngestTestSupport

extension IngestBench {
    /// What the fleet section measured.
    struct FleetNumbers {
        /// `ingestd ship --once` of a journal of articles (all fleet originals, near-duplicates
        /// looked up), records per second.
        var originals: Double
        /// The same journal from a second host: all fleet duplicates.
        var copies: Double
        /// Records journaled and not yet shipped when the burst's last file was journaled, with a
        /// shipper following the daemon.
        var lagAtBurstEnd: Int
        /// From the burst's last record journaled to its last record shipped.
        var catchUpSeconds: Double
        /// The burst's records over the time from its first drop to its last record shipped.
        var burstShipRate: Double
        /// PostgreSQL's tables and indexes, bytes per record shipped, and the band table's share.
        var bytesPerRecord: Double
        var bandBytesPerRecord: Double
    }

    /// The fleet against a PostgreSQL started for the bench (Debian's server, on loopback, its
    /// defaults: fsync on), `ingestd ship` run as a separate process: `--once` over a synthetic
    /// journal of `records` records, then the burst's files dropped into a daemon with a shipper
    /// following its journal.
    static func measureFleet(_ options: Options, work: String, files: [[UInt8]], records: Int) throws -> FleetNumbers? {
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
        progress("fleet: ship --once \(Int(Double(records) / first)) records/s, \(Int(Double(records) / second)) for a second host's copies")
        let burst = try shipFollowingABurst(options, server: server, work: work, files: files)
        let shipped = Double(2 * records + files.count)
        return FleetNumbers(
            originals: Double(records) / first, copies: Double(records) / second, lagAtBurstEnd: burst.lag,
            catchUpSeconds: burst.catchUp, burstShipRate: Double(files.count) / burst.total,
            bytesPerRecord: Double(try sizeOf("ingestd_records', 'ingestd_originals', 'ingestd_bands', 'ingestd_hosts", on: server)) / shipped,
            bandBytesPerRecord: Double(try sizeOf("ingestd_bands", on: server)) / shipped)
    }

    /// The burst dropped into a daemon whose journal a shipper follows: the lag when the last
    /// record is journaled, how long the shipper then needs, and the whole time.
    private static func shipFollowingABurst(_ options: Options, server: PostgresServer, work: String, files: [[UInt8]])
        throws -> (lag: Int, catchUp: Double, total: Double)
    {
        let staging = work + "/fleet-staging", state = work + "/fleet-burst"
        try writeFiles(files, to: staging)
        let (daemon, _) = try BenchDaemon.start(binary: options.binary, stateDir: state, socketPath: work + "/fleet.sock")
        defer { daemon.stop() }
        let shipper = try shipProcess(options, server: server, journal: state + "/journal.jsonl", host: "burst", once: false)
        defer { shipper.terminate(); shipper.waitUntilExit() }
        let journal = JournalWatch(path: state + "/journal.jsonl")
        let started = ContinuousClock.now
        for name in try FileManager.default.contentsOfDirectory(atPath: staging) where rename(staging + "/" + name, state + "/inbox/" + name) != 0 {
            throw BenchError("rename \(name): errno \(errno)")
        }
        guard journal.wait(until: files.count, timeout: 600) else { throw BenchError("fleet burst: only \(journal.lines) of \(files.count) journaled") }
        let journaled = ContinuousClock.now
        let lag = files.count - (try shippedCount(host: "burst", on: server))
        while try shippedCount(host: "burst", on: server) < files.count {
            guard ContinuousClock.now - journaled < .seconds(600) else { throw BenchError("fleet burst: not shipped within 600 s") }
            usleep(20_000)
        }
        let done = ContinuousClock.now
        progress("fleet: burst of \(files.count) journaled in \(format(seconds(journaled - started))) s, lag then \(lag) records, "
                 + "all shipped \(format(seconds(done - journaled))) s later")
        return (lag, seconds(done - journaled), seconds(done - started))
    }

    private static func shippedCount(host: String, on server: PostgresServer) throws -> Int {
        Int(try server.sql("SELECT count(*) FROM ingestd_records WHERE host = '\(host)'").dropLast()) ?? 0
    }

    private static func sizeOf(_ tables: String, on server: PostgresServer) throws -> Int {
        Int(try server.sql("SELECT sum(pg_total_relation_size(name::regclass)) FROM unnest(ARRAY['\(tables)']) AS name").dropLast()) ?? 0
    }

    private static func runShip(_ options: Options, server: PostgresServer, journal: String, host: String) throws {
        let process = try shipProcess(options, server: server, journal: journal, host: host, once: true)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw BenchError("ingestd ship exited with \(process.terminationStatus)") }
    }

    private static func shipProcess(_ options: Options, server: PostgresServer, journal: String, host: String, once: Bool) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: options.binary)
        process.arguments = ["ship", "--database", server.url, "--password-file", server.passwordFile, "--journal", journal,
                             "--host", host, "--log-level", "warning"] + (once ? ["--once"] : [])
        try process.run()
        return process
    }
}
