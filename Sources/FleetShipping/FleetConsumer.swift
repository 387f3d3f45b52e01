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
    /// `follow`, waits for more (polling every 250 ms) until cancelled. Returns the last position.
    @discardableResult
    public func read(after: Int64, follow: Bool, logger: Logger, _ body: (String) throws -> Void) async throws -> Int64 {
        let connection = try await database.connect(logger: logger)
        defer { Task { try? await connection.close() } }
        try await FleetSchema.prepare(connection, logger: logger)
        var position = after
        while true {
            var count = 0
            for try await (next, line) in try await connection.query("""
                SELECT position, (record || jsonb_build_object('position', position, 'host', host, 'fleet',
                    CASE WHEN fleet_event IS NULL THEN NULL ELSE jsonb_build_object('event', fleet_event,
                        'original', jsonb_build_object('host', original_host, 'seq', original_seq))
                        || CASE WHEN near_duplicates IS NULL THEN '{}' ELSE jsonb_build_object('near_duplicates', near_duplicates) END
                    END))::text
                FROM ingestd_records WHERE position > \(position) ORDER BY position LIMIT 1000
                """, logger: logger).decode((Int64, String).self) {
                try body(line)
                position = next
                count += 1
            }
            if count == 1000 { continue }
            guard follow else { return position }
            try await Task.sleep(for: .milliseconds(250))
        }
    }
}
