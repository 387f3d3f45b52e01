@testable import FleetShipping
import Foundation
import IngestCore
import IngestTestSupport
import Logging
import Testing

/// `sslmode=require` against a PostgreSQL with TLS on, its certificate signed by a certificate
/// authority of the test's own.
@Suite(.enabled(if: PostgresServer.isInstalled && FileManager.default.isExecutableFile(atPath: "/usr/bin/openssl"),
                "PostgreSQL's server or openssl is not installed"))
struct FleetTLSTests {
    let server: PostgresServer
    let logger = Logger(label: "test")

    init() throws {
        server = try PostgresServer(tls: true)
    }

    private func database(_ query: String) throws -> FleetDatabase {
        FleetDatabase(url: try DatabaseURL(server.url + query), password: server.password)
    }

    @Test func theConnectionIsEncryptedAndTheCertificateChecked() async throws {
        let ca = try #require(server.certificateAuthority)
        let connection = try await database("?sslmode=require&sslrootcert=\(ca)").connect(logger: logger)
        var encrypted: [Bool] = []
        for try await (ssl) in try await connection.query("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()", logger: logger)
            .decode(Bool.self) { encrypted.append(ssl) }
        #expect(encrypted == [true])
        try await connection.close()
        // The system's roots do not know the test's authority: the certificate is refused.
        await #expect { try await database("?sslmode=require").connect(logger: logger).close() } throws: {
            String(reflecting: $0).contains("CERTIFICATE_VERIFY_FAILED")
        }
    }

    @Test func recordsAreShippedOverTLS() async throws {
        let root = TemporaryDirectory("ingestd-fleet-tls")
        var ingestor = Ingestor()
        let lines = (0..<3).flatMap { index in
            ingestor.record(for: FileAnalysis(file: RelativePath("s\(index).txt"), content: Seeds.bytes(index)),
                            time: "2026-11-27T00:00:00.000Z").jsonLine()
        }
        try Data(lines).write(to: URL(fileURLWithPath: root.file("journal.jsonl")))
        let ca = try #require(server.certificateAuthority)
        try await FleetShipper(database: try database("?sslmode=require&sslrootcert=\(ca)"), host: "tls", journal: root.file("journal.jsonl"),
                               logger: logger).run(once: true)
        #expect(try server.sql("SELECT count(*) FROM ingestd_records WHERE host = 'tls'") == "3\n")
    }
}
