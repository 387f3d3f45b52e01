import Logging
import PostgresNIO

/// Reads the fleet's records in the fleet's order: each journal record with its `position`, its
/// `host`, and its `fleet` verdict (`{"event": "article"|"duplicate", "original": {"host", "seq"}}`,
/// on originals also `"near_duplicates": [{"host", "seq", "similarity"}]` when the shipper looks
/// for them; null for rejected files), as one JSON object.
public struct FleetConsumer: Sendable {
    public let database: FleetDatabase

    public init(database: FleetDatabase) {
        self.database = database
    }

    /// Calls `body` with each record after position `after`, in order, as a JSON line; with
    /// `follow`, waits for more (polling every 250 ms) until cancelled, and rides out a server
    /// that goes away (it says so once, retries with back-off from 0.5 s to 30 s, and goes on
    /// from the last position it gave `body`). Returns the last position.
    @discardableResult
    public func read(after: Int64, follow: Bool, logger: Logger, _ body: (String) throws -> Void) async throws -> Int64 {
        var position = after
        var delay = Duration.milliseconds(500)
        var unreachable = false
        while true {
            do {
                try await read(from: &position, follow: follow, logger: logger, connected: {
                    if unreachable {
                        logger.notice("PostgreSQL can be reached again; following resumes.", metadata: ["database": "\(database.description)"])
                        unreachable = false
                        delay = .milliseconds(500)
                    }
                }) { line in
                    do { try body(line) } catch { throw Handed(error: error) }
                }
                return position
            } catch let handed as Handed {
                throw handed.error
            } catch where follow && !(error is CancellationError) && !(error is FleetError) {
                if !unreachable {
                    logger.warning("Lost PostgreSQL; retrying with back-off, then going on after the last position printed.",
                                   metadata: ["database": "\(database.description)", "position": "\(position)",
                                              "error": "\(String(reflecting: error))"])
                    unreachable = true
                }
                try await Task.sleep(for: delay)
                delay = min(delay * 2, .seconds(30))
            }
        }
    }

    /// An error thrown by the caller's `body`: passed on, never retried.
    private struct Handed: Error { let error: any Error }

    /// One connection's worth of reading, moving `position` past each record handed over.
    private func read(from position: inout Int64, follow: Bool, logger: Logger, connected: () -> Void,
                      _ body: (String) throws -> Void) async throws {
        let connection = try await database.connect(logger: logger, name: "ingestd consume")
        defer { Task { try? await connection.close() } }
        let watch = ConnectionWatch(connection)
        try await watch.run { try await FleetSchema.prepare(connection, logger: logger) }
        connected()
        while true {
            let after = position
            let rows = try await watch.run { try await Self.page(after: after, on: connection, logger: logger) }
            for (next, line) in rows {
                try body(line)
                position = next
            }
            if rows.count == Self.pageSize { continue }
            guard follow else { return }
            try await Task.sleep(for: .milliseconds(250))
        }
    }

    private static let pageSize = 1000

    /// The next records after `position`, at most ``pageSize``, as (position, JSON line).
    private static func page(after position: Int64, on connection: PostgresConnection, logger: Logger) async throws -> [(Int64, String)] {
        var rows: [(Int64, String)] = []
        for try await row in try await connection.query("""
            SELECT position, (record || jsonb_build_object('position', position, 'host', host, 'fleet',
                CASE WHEN fleet_event IS NULL THEN NULL ELSE jsonb_build_object('event', fleet_event,
                    'original', jsonb_build_object('host', original_host, 'seq', original_seq))
                    || CASE WHEN near_duplicates IS NULL THEN '{}' ELSE jsonb_build_object('near_duplicates', near_duplicates) END
                END))::text
            FROM ingestd_records WHERE position > \(position) ORDER BY position LIMIT \(pageSize)
            """, logger: logger).decode((Int64, String).self) {
            rows.append(row)
        }
        return rows
    }
}
