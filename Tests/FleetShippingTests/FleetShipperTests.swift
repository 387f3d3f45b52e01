@testable import FleetShipping
import Foundation
import IngestCore
import IngestTestSupport
import Logging
import Testing

/// Shipping to a real PostgreSQL started for the suite (skipped when the server is not
/// installed; `make deps` installs it).
@Suite(.serialized, .enabled(if: PostgresServer.isInstalled, "PostgreSQL's server is not installed (apt-get install postgresql)"))
final class FleetShipperTests {
    let server: PostgresServer
    let root = TemporaryDirectory("ingestd-fleet")
    let logger = Logger(label: "test")

    init() throws {
        server = try PostgresServer()
    }

    private var database: FleetDatabase {
        get throws { FleetDatabase(url: try DatabaseURL(server.url), password: server.password) }
    }

    /// Appends the records `files` get from `ingestor` to `journal`.
    private func journal(_ path: String, _ files: [(String, [UInt8])], ingestor: inout Ingestor) throws {
        var lines: [UInt8] = []
        for (name, bytes) in files {
            lines += ingestor.record(for: FileAnalysis(file: RelativePath(name), content: bytes), time: "2026-11-27T00:00:00.000Z").jsonLine()
        }
        let handle = FileManager.default.fileExists(atPath: path) ? FileHandle(forWritingAtPath: path) : nil
        if let handle {
            handle.seekToEndOfFile()
            handle.write(Data(lines))
            try handle.close()
        } else {
            try Data(lines).write(to: URL(fileURLWithPath: path))
        }
    }

    private func ship(_ host: String, _ journal: String) async throws {
        try await FleetShipper(database: database, host: host, journal: journal, batchSize: 3, logger: logger).run(once: true)
    }

    private func consume(after: Int64 = 0) async throws -> [[String: Any]] {
        var lines: [String] = []
        try await FleetConsumer(database: database).read(after: after, follow: false, logger: logger) { lines.append($0) }
        return try lines.map { try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]) }
    }

    @Test func copiesOnOtherHostsPointAtTheFleetsFirstRecord() async throws {
        var alpha = Ingestor(), beta = Ingestor()
        try journal(root.file("alpha.jsonl"), (0..<5).map { ("seed\($0).txt", Seeds.bytes($0)) }, ingestor: &alpha)
        try journal(root.file("beta.jsonl"), [("copy2.txt", Seeds.bytes(2)), ("copy0.txt", Seeds.bytes(0)),
                                              ("again2.txt", Seeds.bytes(2)), ("empty.txt", [])], ingestor: &beta)
        try await ship("alpha", root.file("alpha.jsonl"))
        try await ship("beta", root.file("beta.jsonl"))

        let records = try await consume()
        #expect(records.map { $0["position"] as? Int } == Array(1...9).map(Optional.some))
        #expect(records.map { "\($0["host"]!) \($0["seq"]!)" } == (1...5).map { "alpha \($0)" } + (1...4).map { "beta \($0)" })
        let fleet = records.map { $0["fleet"] as? [String: Any] }
        #expect(fleet[..<5].allSatisfy { $0?["event"] as? String == "article" })
        let copies = fleet[5...].map { $0.map { "\($0["event"]!) \(($0["original"] as! [String: Any])["host"]!) \(($0["original"] as! [String: Any])["seq"]!)" } }
        #expect(copies == ["duplicate alpha 3", "duplicate alpha 1", "duplicate alpha 3", nil])
        // The journal record is all there, with the host's own verdict.
        #expect(records[7]["event"] as? String == "duplicate" && records[7]["duplicate_of"] as? Int == 1)
        let seed = try ArticleParser.parse(Seeds.bytes(0), fileName: "seed0.txt").get()
        #expect(records[0]["title"] as? String == seed.title && records[0]["body"] as? String == seed.body)
        #expect(try server.sql("SELECT count(*) FROM ingestd_originals") == "5\n")
    }

    /// Near-copies on other hosts list the fleet's earlier articles, as one daemon that had
    /// journaled every host's files in the fleet's order would have listed them.
    @Test func nearCopiesListTheFleetsEarlierArticlesAsOneHostWould() async throws {
        let alphaFiles = (0..<5).map { ("seed\($0).txt", Seeds.bytes($0)) }
        let betaFiles = [("changed2.txt", SeedVariant.changedStories[1].make(Seeds.text(2))), ("copy0.txt", Seeds.bytes(0)),
                         ("changed4.txt", SeedVariant.changedStories[0].make(Seeds.text(4))), ("empty.txt", [])]
        var alpha = Ingestor(), beta = Ingestor(), both = Ingestor()
        try journal(root.file("near-alpha.jsonl"), alphaFiles, ingestor: &alpha)
        try journal(root.file("near-beta.jsonl"), betaFiles, ingestor: &beta)
        try await ship("near-alpha", root.file("near-alpha.jsonl"))
        try await ship("near-beta", root.file("near-beta.jsonl"))

        let hostOf = { (seq: UInt64) in seq <= 5 ? "near-alpha \(seq)" : "near-beta \(seq - 5)" }
        let expected = (alphaFiles + betaFiles).map { name, bytes in
            let record = both.record(for: FileAnalysis(file: RelativePath(name), content: bytes), time: "2026-11-27T00:00:00.000Z")
            return record.event == .article ? record.nearDuplicates?.map { "\(hostOf($0.seq)) \(JSONObjectFormat.threeDecimals($0.similarity))" } : nil
        }
        let records = try await consume().filter { ($0["host"] as? String)?.hasPrefix("near-") == true }
        let found = records.map { record in
            ((record["fleet"] as? [String: Any])?["near_duplicates"] as? [[String: Any]])?.map {
                "\($0["host"]!) \($0["seq"]!) \(JSONObjectFormat.threeDecimals(($0["similarity"] as! NSNumber).doubleValue))"
            }
        }
        #expect(found == expected)
        #expect(found[5]?.first?.hasPrefix("near-alpha 3 ") == true, "the changed story 2 on beta is a near-copy of alpha's seed 2")
        #expect(found[6] == nil, "an exact copy points at its original and lists no near-duplicates")
        #expect(try server.sql("SELECT count(*) FROM ingestd_bands b JOIN ingestd_records r USING (position) WHERE r.host LIKE 'near-%'") == "\(7 * 16)\n")
    }

    @Test func tablesOfVersionOneAreUpgraded() async throws {
        let database = try database
        let connection = try await database.connect(logger: logger)
        try await FleetSchema.prepare(connection, upTo: 1, logger: logger)
        try await connection.close()
        #expect(try server.sql("SELECT schema_version FROM ingestd_fleet") == "1\n")
        var ingestor = Ingestor()
        try journal(root.file("old.jsonl"), [("a.txt", Seeds.bytes(0)), ("b.txt", Seeds.bytes(1))], ingestor: &ingestor)
        try await ship("upgraded", root.file("old.jsonl"))
        #expect(try server.sql("SELECT schema_version FROM ingestd_fleet") == "\(FleetSchema.version)\n")
        #expect(try server.sql("SELECT count(sketch), count(near_duplicates) FROM ingestd_records WHERE host = 'upgraded'") == "2|2\n")
    }

    /// A query written to a connection that has closed is never answered by postgres-nio 1.33
    /// (without the watch this test times out); through the watch it ends at once.
    @Test func workOnAClosedConnectionEndsInsteadOfWaitingForever() async throws {
        let connection = try await database.connect(logger: logger)
        let watch = ConnectionWatch(connection)
        let logger = logger
        let values = try await watch.run {
            var values: [Int] = []
            for try await value in try await connection.query("SELECT 1", logger: logger).decode(Int.self) { values.append(value) }
            return values
        }
        #expect(values == [1])
        try await connection.close()
        let ending = Ending()
        Task {
            do { _ = try await watch.run { try await connection.query("SELECT 2", logger: logger) } } catch { ending.end(error) }
        }
        try await eventually("the query on the closed connection to end", within: .seconds(10)) { ending.error != nil }
        #expect(ending.error is ConnectionWatch.Closed)
    }

    /// A server that stops answering (as across a network partition) is given up after the
    /// time limit: the connection is closed and the work ends.
    @Test func workThatOutlivesItsTimeLimitClosesTheConnection() async throws {
        let connection = try await database.connect(logger: logger)
        let watch = ConnectionWatch(connection)
        let logger = logger
        let started = ContinuousClock.now
        await #expect(throws: ConnectionWatch.TimedOut.self) {
            try await watch.run(within: .milliseconds(300)) { try await connection.query("SELECT pg_sleep(30)", logger: logger) }
        }
        #expect(ContinuousClock.now - started < .seconds(10))
        try await eventually("the connection closed", within: .seconds(10)) { connection.isClosed }
    }

    /// The server is told to end a session whose client goes silent in a transaction, so that a
    /// partitioned shipper cannot hold the fleet's position counter for long.
    @Test func theServerLetsGoOfASilentClient() async throws {
        let connection = try await database.connect(logger: logger, name: "ingestd ship test", silentClientLimit: .milliseconds(7500))
        var settings: [String] = []
        for try await (value) in try await connection.query("""
            SELECT current_setting('idle_in_transaction_session_timeout') || ' ' || current_setting('tcp_user_timeout')
                || ' ' || current_setting('application_name')
            """, logger: logger).decode(String.self) { settings.append(value) }
        #expect(settings == ["7500ms 7500 ingestd ship test"])
        try await connection.close()
    }

    /// Records that trickle in are shipped a few at a time, not each in a transaction of its own.
    @Test func aBatchThatIsNotFullLingersForMore() async throws {
        var ingestor = Ingestor()
        let path = root.file("journal.jsonl")
        try journal(path, [("a0.txt", Seeds.bytes(0))], ingestor: &ingestor)
        let shipper = FleetShipper(database: try database, host: "zeta", journal: path, linger: .seconds(1), logger: logger)
        let running = Task { try await shipper.run(once: false) }
        defer { running.cancel() }
        for index in 1..<12 {
            try await Task.sleep(for: .milliseconds(100))
            try journal(path, [("a\(index).txt", SeedVariant.changedStories[1].make(Seeds.text(index % 5) + " \(index)"))], ingestor: &ingestor)
        }
        try await eventually("all shipped", within: .seconds(30), asking: { await shipper.shippedSeq == 12 })
        let transactions = Int(try server.sql("SELECT count(DISTINCT shipped_at) FROM ingestd_records WHERE host = 'zeta'").dropLast()) ?? 0
        #expect((1...3).contains(transactions), "12 records over 1.1 s in \(transactions) transactions")
    }

    @Test func shippingAgainShipsOnlyWhatIsNew() async throws {
        var ingestor = Ingestor()
        let path = root.file("journal.jsonl")
        try journal(path, (0..<3).map { ("a\($0).txt", Seeds.bytes($0)) }, ingestor: &ingestor)
        try await ship("gamma", path)
        try await ship("gamma", path)
        try journal(path, (3..<5).map { ("a\($0).txt", Seeds.bytes($0)) } + [("copy.txt", Seeds.bytes(1))], ingestor: &ingestor)
        try await ship("gamma", path)
        #expect(try server.sql("SELECT count(*), count(DISTINCT seq), max(seq) FROM ingestd_records WHERE host = 'gamma'") == "6|6|6\n")
        #expect(try server.sql("SELECT shipped_seq FROM ingestd_hosts WHERE host = 'gamma'") == "6\n")
        let after = try await consume(after: 3)
        #expect(after.map { $0["seq"] as? Int } == [4, 5, 6])
    }

    @Test func aLaterShipperForTheSameHostFencesTheEarlierOne() async throws {
        var ingestor = Ingestor()
        let path = root.file("journal.jsonl")
        try journal(path, [("a.txt", Seeds.bytes(0))], ingestor: &ingestor)
        let first = FleetShipper(database: try database, host: "delta", journal: path, logger: logger)
        try await first.run(once: true)
        let second = FleetShipper(database: try database, host: "delta", journal: path, logger: logger)
        try await second.run(once: true)
        try journal(path, [("b.txt", Seeds.bytes(1))], ingestor: &ingestor)
        await #expect(throws: FleetError.self) { try await first.run(once: true) }
        try await second.run(once: true)
        #expect(try server.sql("SELECT count(*), max(seq) FROM ingestd_records WHERE host = 'delta'") == "2|2\n")
    }

    @Test func aServerThatGoesDownIsWaitedForAndCaughtUpWith() async throws {
        var ingestor = Ingestor()
        let path = root.file("journal.jsonl")
        try journal(path, [("a.txt", Seeds.bytes(0))], ingestor: &ingestor)
        let statuses = StatusLines()
        let shipper = FleetShipper(database: try database, host: "epsilon", journal: path, logger: logger,
                                   status: { statuses.add($0) }, progress: { statuses.progress($0) })
        let running = Task { try await shipper.run(once: false) }
        defer { running.cancel() }
        try await eventually("the first record shipped", within: .seconds(30), asking: { await shipper.shippedSeq == 1 })
        try server.stop(immediate: true)
        try journal(path, (1..<4).map { ("n\($0).txt", Seeds.bytes($0)) }, ingestor: &ingestor)
        try await eventually("the shipper waiting", within: .seconds(30)) { statuses.last?.hasPrefix("cannot reach PostgreSQL") == true }
        try server.start()
        try await eventually("caught up", within: .seconds(60), asking: { await shipper.shippedSeq == 4 })
        #expect(statuses.last == "shipped through seq 4, lag 0 records")
        #expect(statuses.wasUnreachable && statuses.lastProgress == FleetShipper.Progress(shippedSeq: 4, lag: 0, reachable: true, shipped: 4))
        #expect(try server.sql("SELECT count(*), count(DISTINCT seq) FROM ingestd_records WHERE host = 'epsilon'") == "4|4\n")
    }
}

private final class StatusLines: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []
    private var progresses: [FleetShipper.Progress] = []
    func add(_ line: String) { lock.withLock { lines.append(line) } }
    func progress(_ progress: FleetShipper.Progress) { lock.withLock { progresses.append(progress) } }
    var last: String? { lock.withLock { lines.last } }
    var lastProgress: FleetShipper.Progress? { lock.withLock { progresses.last } }
    var wasUnreachable: Bool { lock.withLock { progresses.contains { !$0.reachable } } }
}

private final class Ending: @unchecked Sendable {
    private let lock = NSLock()
    private var ended: (any Error)?
    func end(_ error: any Error) { lock.withLock { ended = error } }
    var error: (any Error)? { lock.withLock { ended } }
}
