import Logging
import PostgresNIO

/// The fleet's tables, created and upgraded by ingestd itself (`ingestd ship` does it at start,
/// under an advisory lock, so that shippers starting together do it once).
///
/// - `ingestd_fleet`: one row; the schema's version and the last position handed out. Shipping
///   transactions take their positions from it, which also puts them in commit order: a
///   consumer reading `position > N` never finds a gap filled in later.
/// - `ingestd_hosts`: per host, the last seq shipped (the cursor) and the epoch of the shipper
///   that holds it (a shipper started later takes a new epoch and fences the older one).
/// - `ingestd_records`: every journal record of every host, at its fleet position, as jsonb,
///   with its fleet verdict: `article` for the first shipped record of a content id, else
///   `duplicate` pointing at that one (`original_host`, `original_seq`).
/// - `ingestd_originals`: the fleet's first record of each content id.
///
/// Version 2 adds near-duplicates across the fleet:
/// - `ingestd_records.sketch`: an original article's MinHash sketch (128 bytes), and
///   `ingestd_records.near_duplicates`: the earlier articles of the fleet it is similar to, as
///   `[{"host", "seq", "similarity"}]`.
/// - `ingestd_bands`: each original's 16 band keys (band number << 32 | four bins), the index
///   that finds the candidates without comparing every sketch.
public enum FleetSchema {
    /// The version this ingestd writes and reads.
    public static var version: Int { migrations.count }

    /// The statements that bring the tables from version N to N + 1, at index N.
    static let migrations: [[PostgresQuery]] = [createVersion1, upgradeToVersion2]

    static let createVersion1: [PostgresQuery] = [
        """
        CREATE TABLE ingestd_fleet (
            id int PRIMARY KEY CHECK (id = 1),
            schema_version int NOT NULL,
            last_position bigint NOT NULL)
        """,
        "INSERT INTO ingestd_fleet VALUES (1, 1, 0)",
        """
        CREATE TABLE ingestd_hosts (
            host text PRIMARY KEY,
            shipped_seq bigint NOT NULL DEFAULT 0,
            epoch bigint NOT NULL DEFAULT 0,
            claimed_at timestamptz,
            shipped_at timestamptz)
        """,
        """
        CREATE TABLE ingestd_records (
            position bigint PRIMARY KEY,
            host text NOT NULL,
            seq bigint NOT NULL,
            event text NOT NULL,
            content_id text,
            record jsonb NOT NULL,
            fleet_event text,
            original_host text,
            original_seq bigint,
            shipped_at timestamptz NOT NULL DEFAULT now(),
            UNIQUE (host, seq))
        """,
        "CREATE INDEX ingestd_records_content_id ON ingestd_records (content_id)",
        """
        CREATE TABLE ingestd_originals (
            content_id text PRIMARY KEY,
            host text NOT NULL,
            seq bigint NOT NULL,
            position bigint NOT NULL)
        """,
    ]

    static let upgradeToVersion2: [PostgresQuery] = [
        "ALTER TABLE ingestd_records ADD COLUMN sketch bytea, ADD COLUMN near_duplicates jsonb",
        // Records are kilobytes of article text, compressed when stored: lz4 inserts them in
        // two thirds of the time pglz takes (measured here). Servers without lz4 keep pglz.
        """
        DO $$ BEGIN ALTER TABLE ingestd_records ALTER COLUMN record SET COMPRESSION lz4;
        EXCEPTION WHEN OTHERS THEN NULL; END $$
        """,
        """
        CREATE TABLE ingestd_bands (
            band_key bigint NOT NULL,
            position bigint NOT NULL,
            PRIMARY KEY (band_key, position))
        """,
    ]

    /// Creates the tables if they are not there and upgrades them if they are older; fails if
    /// they are of a version this ingestd does not know.
    static func prepare(_ connection: PostgresConnection, logger: Logger) async throws {
        try await prepare(connection, upTo: version, logger: logger)
    }

    /// The same, stopping at version `target` (tests upgrade from an older version).
    static func prepare(_ connection: PostgresConnection, upTo target: Int, logger: Logger) async throws {
        try await connection.withTransaction(logger: logger) { connection in
            try await connection.query("SELECT pg_advisory_xact_lock(hashtext('ingestd schema'))", logger: logger)
            var exists = false
            for try await (name) in try await connection.query("SELECT to_regclass('ingestd_fleet')::text", logger: logger)
                .decode(String?.self) { exists = name != nil }
            var found = 0
            if exists {
                for try await (stored) in try await connection.query("SELECT schema_version FROM ingestd_fleet", logger: logger)
                    .decode(Int.self) { found = stored }
            }
            guard found <= version else {
                throw FleetError("The fleet's tables are of schema version \(found), newer than this ingestd knows (\(version)); upgrade ingestd on this host.")
            }
            guard found < target else { return }
            for step in found..<target {
                for statement in migrations[step] { try await connection.query(statement, logger: logger) }
            }
            try await connection.query("UPDATE ingestd_fleet SET schema_version = \(target)", logger: logger)
            logger.notice(found == 0 ? "Created the fleet's tables." : "Upgraded the fleet's tables.",
                          metadata: ["schema_version": "\(target)", "from_version": "\(found)"])
        }
    }
}

/// What went wrong with the fleet's database, as a sentence for a person.
public struct FleetError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
