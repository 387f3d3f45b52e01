import IngestCore
import IngestIO
import Logging
import NIOPosix
import PostgresNIO

/// Ships one host's journal to the fleet's PostgreSQL, exactly once: each batch of records and
/// the host's cursor (the last seq shipped) move in one transaction, so a crash, a lost
/// connection or a restart ships nothing twice and skips nothing. A shipper started later for the
/// same host takes a new epoch; this one's next batch then finds the epoch changed and stops
/// (``FleetError``), so two shippers never both ship a record.
///
/// PostgreSQL down or unreachable: the shipper says so once, retries with back-off (0.5 s doubling
/// to 30 s) and catches up by itself. The journal is read on NIO's thread pool, never on a thread
/// of Swift's cooperative pool.
public actor FleetShipper {
    /// Where shipping stands, for metrics.
    public struct Progress: Sendable, Equatable {
        /// The last seq shipped.
        public var shippedSeq: UInt64
        /// Records read from the journal and not shipped yet (at least this many are waiting).
        public var lag: UInt64
        /// Whether PostgreSQL can be reached.
        public var reachable: Bool
        /// Records shipped since the shipper started.
        public var shipped: Int

        public init(shippedSeq: UInt64, lag: UInt64, reachable: Bool, shipped: Int) {
            self.shippedSeq = shippedSeq
            self.lag = lag
            self.reachable = reachable
            self.shipped = shipped
        }
    }

    public nonisolated let database: FleetDatabase
    public nonisolated let host: String
    public nonisolated let batchSize: Int
    /// How long a batch that is not full waits for more records before it ships (not with
    /// `once`): every shipping transaction holds the fleet's position counter until it commits,
    /// so a hundred hosts shipping each record as it comes would queue on it.
    public nonisolated let linger: Duration
    /// How long a transaction may wait for PostgreSQL's answers before the connection is given
    /// up (closed) and the batch shipped again on a new one.
    public nonisolated let timeout: Duration
    /// Earlier articles of the fleet at least this similar go in `near_duplicates`; nil: none.
    public nonisolated let nearThreshold: Double?
    private let logger: Logger
    private let status: @Sendable (String) -> Void
    private let progress: @Sendable (Progress) -> Void
    private var shippedSinceStart = 0
    private let reader: FollowerBox
    private var connection: (PostgresConnection, ConnectionWatch)?
    private var epoch: Int64?
    /// The last seq shipped, as the database has it.
    public private(set) var shippedSeq: UInt64 = 0
    private var unreachable = false
    /// The batch being shipped. The journal is read forward only, so a batch whose transaction
    /// failed is kept and shipped again, less what the cursor says did commit.
    private var pending: [Outgoing] = []

    /// - Parameters:
    ///   - status: told, after each batch and while waiting, a line such as
    ///     `shipped through seq 1204, lag 0 records`.
    ///   - progress: told the same as numbers.
    ///   - linger: how long a batch that is not full waits for more records (see ``linger``).
    ///   - timeout: how long a transaction may wait for answers (see ``timeout``).
    ///   - nearThreshold: as the daemon's `--near-threshold`, over the fleet; nil turns
    ///     near-duplicates across the fleet off (no sketches are stored).
    public init(database: FleetDatabase, host: String, journal: String, batchSize: Int = 1000, linger: Duration = .zero,
                timeout: Duration = .seconds(60),
                nearThreshold: Double? = Ingestor.defaultNearThreshold, logger: Logger,
                status: @escaping @Sendable (String) -> Void = { _ in },
                progress: @escaping @Sendable (Progress) -> Void = { _ in }) {
        self.database = database
        self.host = host
        self.batchSize = batchSize
        self.linger = linger
        self.timeout = timeout
        self.nearThreshold = nearThreshold
        self.logger = logger
        self.status = status
        self.progress = progress
        reader = FollowerBox(JournalFollower(path: journal), sketched: nearThreshold != nil)
    }

    /// Ships until cancelled; with `once`, until what is journaled now is shipped.
    public func run(once: Bool) async throws {
        defer { closeConnection() }
        while true {
            try Task.checkCancellation()
            let (connection, watch) = try await connected(once: once)
            pending.removeAll { $0.record.seq <= shippedSeq }
            if pending.isEmpty {
                pending = try await reader.next(after: shippedSeq, limit: batchSize)
                if let first = pending.first?.record.seq, first > shippedSeq + 1 { warnOfGap(before: first) }
                if !once, let last = pending.last?.record.seq, batchSize > pending.count, linger > .zero {
                    try await Task.sleep(for: linger)
                    pending += try await reader.next(after: last, limit: batchSize - pending.count)
                }
            }
            let batch = pending
            if batch.isEmpty {
                if once { return }
                report()
                try await Task.sleep(for: .milliseconds(250))
                continue
            }
            do {
                try await watch.run(within: timeout) { try await self.ship(batch, on: connection) }
                shippedSeq = batch[batch.count - 1].record.seq
                shippedSinceStart += batch.count
                pending = []
                report()
            } catch let error as PostgresTransactionError {
                // Fenced inside the transaction: rolled back, and this shipper stops.
                if let fenced = error.closureError as? FleetError { throw fenced }
                lost(error)
            } catch {
                lost(error)
            }
        }
    }

    /// Seqs are contiguous in a journal; records missing before `seq` were deleted (logrotate's
    /// `rotate` count, or by hand) before they were shipped, and the fleet will not have them.
    private func warnOfGap(before seq: UInt64) {
        logger.error("Records \(shippedSeq + 1)…\(seq - 1) are neither in the journal nor in its rotations (journal.jsonl.1, journal.jsonl.2.gz, …); they were deleted before they were shipped, so the fleet will not have them. Shipping goes on from seq \(seq).",
                     metadata: ["host": "\(host)", "missing_from": "\(shippedSeq + 1)", "missing_through": "\(seq - 1)"])
    }

    private var lag: UInt64 { reader.highestSeq.map { $0 > shippedSeq ? $0 - shippedSeq : 0 } ?? 0 }

    private func report() {
        status("shipped through seq \(shippedSeq), lag \(lag) records")
        progress(Progress(shippedSeq: shippedSeq, lag: lag, reachable: true, shipped: shippedSinceStart))
    }

    // MARK: - The connection

    /// The open connection, or a new one once the server can be reached, with the tables ready
    /// and the cursor read again (a commit whose answer was lost has moved it).
    /// With `once`, a server that cannot be reached is an error rather than something to wait
    /// for: a run from cron or a script should end and say so.
    private func connected(once: Bool) async throws -> (PostgresConnection, ConnectionWatch) {
        if let connection, !connection.0.isClosed { return connection }
        var delay = Duration.milliseconds(500)
        while true {
            do {
                let opened = try await database.connect(logger: logger, name: "ingestd ship \(host)", silentClientLimit: timeout)
                let watch = ConnectionWatch(opened)
                do {
                    try await watch.run(within: timeout) { [logger] in
                        try await FleetSchema.prepare(opened, logger: logger)
                        try await self.claimOrResume(opened)
                    }
                } catch {
                    try? await opened.close()
                    throw error
                }
                if unreachable { logger.notice("PostgreSQL can be reached again; shipping resumes.", metadata: ["database": "\(database.description)"]) }
                unreachable = false
                connection = (opened, watch)
                return (opened, watch)
            } catch let error as FleetError {
                throw error
            } catch {
                if once {
                    throw FleetError("Cannot reach PostgreSQL at \(database.description): \(error). Shipped through seq \(shippedSeq); run it again once the server can be reached (ingest goes on meanwhile).")
                }
                if !unreachable {
                    logger.warning("Cannot reach PostgreSQL; ingest goes on, and shipping is retried with back-off.",
                                   metadata: ["database": "\(database.description)", "error": "\(String(reflecting: error))"])
                    unreachable = true
                }
                status("cannot reach PostgreSQL, retrying; shipped through seq \(shippedSeq)")
                progress(Progress(shippedSeq: shippedSeq, lag: lag, reachable: false, shipped: shippedSinceStart))
                try await Task.sleep(for: delay)
                delay = min(delay * 2, .seconds(30))
            }
        }
    }

    private func lost(_ error: any Error) {
        logger.warning("Lost the connection to PostgreSQL; the batch is shipped again once it is back.",
                       metadata: ["database": "\(database.description)", "error": "\(String(reflecting: error))"])
        unreachable = true
        closeConnection()
    }

    private func closeConnection() {
        guard let (connection, _) = connection else { return }
        self.connection = nil
        Task { try? await connection.close() }
    }

    /// At the first connection, takes the host with a new epoch (fencing any earlier shipper);
    /// at later ones, reads the cursor again and checks that no shipper took the host since.
    private func claimOrResume(_ connection: PostgresConnection) async throws {
        if let epoch {
            for try await (seq, current) in try await connection.query(
                "SELECT shipped_seq, epoch FROM ingestd_hosts WHERE host = \(host)", logger: logger).decode((Int64, Int64).self) {
                guard current == epoch else { throw fenced() }
                shippedSeq = UInt64(seq)
            }
            return
        }
        try await connection.query("INSERT INTO ingestd_hosts (host) VALUES (\(host)) ON CONFLICT DO NOTHING", logger: logger)
        for try await (seq, claimed) in try await connection.query(
            "UPDATE ingestd_hosts SET epoch = epoch + 1, claimed_at = now() WHERE host = \(host) RETURNING shipped_seq, epoch",
            logger: logger).decode((Int64, Int64).self) {
            shippedSeq = UInt64(seq)
            epoch = claimed
        }
        logger.info("Shipping the journal to the fleet.", metadata: ["host": "\(host)", "shipped_seq": "\(shippedSeq)", "epoch": "\(epoch ?? 0)"])
    }

    private func fenced() -> FleetError {
        FleetError("Another shipper for host \(host) started after this one and took over its journal; this one stops. Run one `ingestd ship` per host (or give each journal its own --host).")
    }

    // MARK: - One batch

    /// The batch, its fleet positions and verdicts, and the cursor, in one transaction. Each
    /// record is written once, verdict and all: rows rewritten by an UPDATE cost PostgreSQL a
    /// second copy of the record.
    private func ship(_ batch: [Outgoing], on connection: PostgresConnection) async throws {
        let (host, epoch, cursor, logger, nearThreshold) = (host, epoch ?? 0, Int64(shippedSeq), logger, nearThreshold)
        let last = Int64(batch[batch.count - 1].record.seq)
        let seqs = batch.map { Int64($0.record.seq) }
        let events = batch.map(\.record.event.rawValue)
        let ids = batch.map { $0.record.id?.hex ?? "" }
        let lines = batch.map { String(decoding: $0.record.line, as: UTF8.self) }
        let count = Int64(batch.count)
        let fencedError = fenced()
        try await connection.withTransaction(logger: logger) { connection in
            var moved = false
            for try await _ in try await connection.query("""
                UPDATE ingestd_hosts SET shipped_seq = \(last), shipped_at = now()
                WHERE host = \(host) AND epoch = \(epoch) AND shipped_seq = \(cursor) RETURNING host
                """, logger: logger).decode(String.self) { moved = true }
            guard moved else { throw fencedError }
            // Taking the positions locks the counter's row until commit: shipping transactions
            // go one at a time from here, and every earlier position is committed and seen.
            var end: Int64 = 0
            for try await (position) in try await connection.query(
                "UPDATE ingestd_fleet SET last_position = last_position + \(count) WHERE id = 1 RETURNING last_position",
                logger: logger).decode(Int64.self) { end = position }
            let first = end - count + 1
            let positions = (first...end).map { $0 }
            var originals = Set<Int64>()
            for try await (position) in try await connection.query("""
                INSERT INTO ingestd_originals (content_id, host, seq, position)
                SELECT DISTINCT ON (content_id) content_id, \(host), seq, position
                FROM unnest(\(ids)::text[], \(seqs)::bigint[], \(positions)::bigint[]) AS batch(content_id, seq, position)
                WHERE content_id <> '' ORDER BY content_id, position
                ON CONFLICT (content_id) DO NOTHING RETURNING position
                """, logger: logger).decode(Int64.self) { originals.insert(position) }
            var near = NearColumns(count: batch.count)
            if let nearThreshold {
                near = try await Self.nearDuplicates(of: batch, originals: originals, host: host, first: first,
                                                     threshold: nearThreshold, on: connection, logger: logger)
            }
            try await connection.query("""
                INSERT INTO ingestd_records (position, host, seq, event, content_id, record, fleet_event, original_host, original_seq,
                                             sketch, near_duplicates)
                SELECT batch.position, \(host), batch.seq, batch.event, original.content_id, batch.line::jsonb,
                    CASE WHEN original.position = batch.position THEN 'article' WHEN original.position IS NOT NULL THEN 'duplicate' END,
                    original.host, original.seq, decode(NULLIF(batch.sketch, ''), 'hex'), NULLIF(batch.near, '')::jsonb
                FROM unnest(\(positions)::bigint[], \(seqs)::bigint[], \(events)::text[], \(ids)::text[], \(lines)::text[],
                            \(near.sketches)::text[], \(near.lists)::text[])
                    AS batch(position, seq, event, content_id, line, sketch, near)
                LEFT JOIN ingestd_originals AS original ON original.content_id = NULLIF(batch.content_id, '')
                """, logger: logger)
            if !near.bandKeys.isEmpty {
                try await connection.query("""
                    INSERT INTO ingestd_bands (band_key, position)
                    SELECT * FROM unnest(\(near.bandKeys)::bigint[], \(near.bandPositions)::bigint[])
                    """, logger: logger)
            }
        }
    }

    /// The near-duplicate columns of a batch's rows ('' where there is none), and the band keys
    /// of its new originals.
    private struct NearColumns {
        var sketches: [String]
        var lists: [String]
        var bandKeys: [Int64] = []
        var bandPositions: [Int64] = []

        init(count: Int) {
            sketches = Array(repeating: "", count: count)
            lists = Array(repeating: "", count: count)
        }
    }

    /// The batch's new originals with words: their sketches, band keys, and near-duplicates
    /// among the fleet's earlier originals (any host) and the batch's earlier ones.
    private static func nearDuplicates(of batch: [Outgoing], originals: Set<Int64>, host: String, first: Int64, threshold: Double,
                                       on connection: PostgresConnection, logger: Logger) async throws -> NearColumns {
        var columns = NearColumns(count: batch.count)
        let articles = batch.enumerated().compactMap { index, outgoing -> FleetNearDuplicates.Article? in
            guard let sketch = outgoing.sketch, !sketch.isEmpty, originals.contains(first + Int64(index)) else { return nil }
            return .init(position: first + Int64(index), host: host, seq: outgoing.record.seq, sketch: sketch)
        }
        guard !articles.isEmpty else { return columns }
        let keys = articles.map { FleetNearDuplicates.bandKeys(of: $0.sketch) }
        var known: [FleetNearDuplicates.Article] = []
        for try await (position, knownHost, seq, hex) in try await connection.query("""
            SELECT position, host, seq, encode(sketch, 'hex') FROM ingestd_records
            WHERE position IN (SELECT position FROM ingestd_bands WHERE band_key = ANY(\(Array(Set(keys.joined())))::bigint[]))
            """, logger: logger).decode((Int64, String, Int64, String).self) {
            guard let sketch = MinHashSketch(hex: hex) else { continue }
            known.append(.init(position: position, host: knownHost, seq: UInt64(seq), sketch: sketch))
        }
        let found = FleetNearDuplicates.find(for: articles, among: known, threshold: threshold)
        for ((article, matches), keys) in zip(zip(articles, found), keys) {
            let row = Int(article.position - first)
            columns.sketches[row] = article.sketch.hex
            columns.lists[row] = FleetNearDuplicates.json(matches)
            columns.bandKeys += keys
            columns.bandPositions += Array(repeating: article.position, count: keys.count)
        }
        return columns
    }
}

/// A record on its way to the fleet, with its article's sketch when near-duplicates are on.
struct Outgoing: Sendable {
    let record: JournalFollower.Record
    let sketch: MinHashSketch?
}

/// The follower, handed to NIO's thread pool one call at a time. While a batch ships, the next
/// one is read and sketched (on the pool), so that the shipper's work and PostgreSQL's overlap.
private final class FollowerBox: @unchecked Sendable {
    private let follower: JournalFollower
    private let sketched: Bool
    /// The batch after the one last handed out, being read.
    private var ahead: Task<[Outgoing], any Error>?
    /// The highest seq read from the journal so far.
    private(set) var highestSeq: UInt64?

    init(_ follower: JournalFollower, sketched: Bool) {
        self.follower = follower
        self.sketched = sketched
    }

    /// The next records after `seq`, up to `limit`; then starts reading the ones after them.
    func next(after seq: UInt64, limit: Int) async throws -> [Outgoing] {
        var batch = try await ahead?.value ?? []
        ahead = nil
        batch.removeAll { $0.record.seq <= seq }
        if batch.isEmpty { batch = try await read(after: seq, limit: limit) }
        guard let last = batch.last?.record.seq else { return batch }
        highestSeq = max(highestSeq ?? 0, last)
        ahead = Task { try await read(after: last, limit: limit) }
        return batch
    }

    /// Reads and (articles) sketches on NIO's thread pool. Only one read runs at a time: each is
    /// awaited before the next starts.
    private func read(after seq: UInt64, limit: Int) async throws -> [Outgoing] {
        try await NIOThreadPool.singleton.runIfActive { [self] in
            try follower.next(after: seq, limit: limit).map { record in
                Outgoing(record: record, sketch: sketched ? record.article?.sketch : nil)
            }
        }
    }
}
