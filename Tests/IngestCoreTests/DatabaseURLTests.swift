import Foundation
import IngestCore
import IngestTestSupport
import Testing

@Suite struct DatabaseURLTests {
    @Test func hostPortDatabaseAndTLS() throws {
        let url = try DatabaseURL("postgres://ingestd@db.example.net:6432/news?sslmode=require")
        #expect(url.user == "ingestd" && url.host == "db.example.net" && url.port == 6432 && url.database == "news")
        #expect(url.tls == .require && url.socketPath == nil && url.tlsRootCertificates == nil)
        let privateCA = try DatabaseURL("postgres://ingestd@db.example.net/news?sslmode=require&sslrootcert=/etc/ingestd/ca.pem")
        #expect(privateCA.tlsRootCertificates == "/etc/ingestd/ca.pem")
        let plain = try DatabaseURL("postgresql://reader@127.0.0.1/fleet")
        #expect(plain.port == 5432 && plain.tls == .disable)
    }

    @Test func aUnixSocketDirectory() throws {
        let url = try DatabaseURL("postgres://ingestd@/news?host=/run/postgresql")
        #expect(url.host == nil && url.socketPath == "/run/postgresql/.s.PGSQL.5432")
    }

    @Test(arguments: [
        ("postgres://ingestd:secret@db/news", "holds a password"),
        ("mysql://ingestd@db/news", "is not a PostgreSQL URL"),
        ("postgres://db/news", "names no user"),
        ("postgres://ingestd@db", "names no database"),
        ("postgres://ingestd@db/news?sslmode=prefer", "sslmode=prefer is not supported"),
        ("postgres://ingestd@/news", "names no host"),
        ("postgres://ingestd@db/news?sslrootcert=/etc/ca.pem", "give it with sslmode=require"),
        ("postgres://ingestd@db/news?sslmode=require&sslrootcert=ca.pem", "not an absolute path"),
    ])
    func refused(text: String, problem: String) {
        #expect { try DatabaseURL(text) } throws: { "\($0)".contains(problem) }
    }

    @Test func thePasswordComesFromAFileTheEnvironmentOrACredential() throws {
        let root = TemporaryDirectory("ingestd-password")
        try root.write("file", Array("from file\n".utf8))
        try root.write("credentials/db-password", Array("from credential".utf8))
        let credentials = ["CREDENTIALS_DIRECTORY": root.file("credentials")]
        #expect(try DatabaseURL.password(file: root.file("file"), environment: ["PGPASSWORD": "env"]) == "from file")
        #expect(try DatabaseURL.password(file: nil, environment: credentials.merging(["PGPASSWORD": "env"]) { $1 }) == "env")
        #expect(try DatabaseURL.password(file: nil, environment: credentials) == "from credential")
        #expect(try DatabaseURL.password(file: nil, environment: [:]) == nil)
        #expect { try DatabaseURL.password(file: root.file("missing"), environment: [:]) } throws: { "\($0)".contains("Cannot read the password file") }
    }
}
