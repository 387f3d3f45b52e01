import Foundation

/// Where the fleet's PostgreSQL is: `postgres://USER@HOST[:PORT]/DATABASE[?sslmode=MODE]`, or a
/// Unix socket directory as `postgres://USER@/DATABASE?host=/run/postgresql`. With
/// `sslmode=require`, `sslrootcert=/path/ca.pem` names the certificate authority the server's
/// certificate is checked against instead of the system's (a private or a cloud provider's CA).
///
/// The password is never part of it: a command line is visible to every user of the host (ps,
/// /proc), so it comes from a file, the environment or a systemd credential (see
/// ``password(file:environment:)``).
public struct DatabaseURL: Sendable, Equatable {
    public enum TLSMode: String, Sendable {
        /// No TLS (loopback, a Unix socket).
        case disable
        /// TLS, the server's certificate checked against the system's trusted roots.
        case require
    }

    public var user: String
    /// A host name or address; nil with `socketDirectory`.
    public var host: String?
    public var port: Int
    public var database: String
    /// The directory of the server's Unix socket (`.s.PGSQL.PORT` in it).
    public var socketDirectory: String?
    public var tls: TLSMode
    /// A PEM file of the certificate authorities to trust instead of the system's (`sslrootcert`).
    public var tlsRootCertificates: String?

    /// The reasons a URL is refused, as sentences for the person who gave it.
    public struct Problem: Error, Equatable, CustomStringConvertible {
        public let description: String
    }

    public init(_ text: String) throws(Problem) {
        guard let components = URLComponents(string: text), ["postgres", "postgresql"].contains(components.scheme ?? "") else {
            throw Problem(description: "\(text) is not a PostgreSQL URL; give it as postgres://USER@HOST:PORT/DATABASE.")
        }
        guard components.password == nil else {
            throw Problem(description: "The URL holds a password, which every user of this host could read on the command line; put it in a file (--password-file), $PGPASSWORD or a systemd credential (LoadCredential=db-password:FILE) instead.")
        }
        guard let user = components.user, !user.isEmpty else {
            throw Problem(description: "\(text) names no user; give it as postgres://USER@HOST:PORT/DATABASE.")
        }
        let database = String(components.path.drop { $0 == "/" })
        guard !database.isEmpty else { throw Problem(description: "\(text) names no database; give it as postgres://USER@HOST:PORT/DATABASE.") }
        let query = Dictionary((components.queryItems ?? []).map { ($0.name, $0.value ?? "") }) { _, last in last }
        let mode = query["sslmode"] ?? "disable"
        guard let tls = TLSMode(rawValue: mode == "verify-full" ? "require" : mode) else {
            throw Problem(description: "sslmode=\(mode) is not supported; use sslmode=require (TLS, the certificate checked) or sslmode=disable.")
        }
        let rootCertificates = query["sslrootcert"]
        if let rootCertificates {
            guard tls == .require else {
                throw Problem(description: "sslrootcert is for TLS; give it with sslmode=require.")
            }
            guard rootCertificates.hasPrefix("/") else {
                throw Problem(description: "sslrootcert=\(rootCertificates) is not an absolute path; give the CA's PEM file as /path/to/ca.pem.")
            }
        }
        let host = components.host.flatMap { $0.isEmpty ? nil : $0 }
        let socketDirectory = query["host"].flatMap { $0.hasPrefix("/") ? $0 : nil }
        guard host != nil || socketDirectory != nil else {
            throw Problem(description: "\(text) names no host; give postgres://USER@HOST/DATABASE, or postgres://USER@/DATABASE?host=/run/postgresql for a Unix socket.")
        }
        self.user = user
        self.host = host
        self.port = components.port ?? 5432
        self.database = database
        self.socketDirectory = socketDirectory
        self.tls = tls
        self.tlsRootCertificates = rootCertificates
    }

    /// The path of the server's Unix socket, when the URL names a socket directory.
    public var socketPath: String? {
        socketDirectory.map { "\($0)/.s.PGSQL.\(port)" }
    }

    /// The password, from the first of: `file`; `PGPASSWORD`; the systemd credential
    /// `db-password` (`$CREDENTIALS_DIRECTORY/db-password`). A file's last newline is not part of
    /// it. Nil when none is given (the server may not ask for one: peer or trust authentication).
    public static func password(file: String?, environment: [String: String]) throws(Problem) -> String? {
        func read(_ path: String) throws(Problem) -> String {
            guard let data = FileManager.default.contents(atPath: path) else {
                throw Problem(description: "Cannot read the password file \(path); check that it exists and that this user may read it.")
            }
            var text = String(decoding: data, as: UTF8.self)
            if text.hasSuffix("\n") { text.removeLast() }
            return text
        }
        if let file { return try read(file) }
        if let password = environment["PGPASSWORD"] { return password }
        if let credentials = environment["CREDENTIALS_DIRECTORY"], FileManager.default.fileExists(atPath: credentials + "/db-password") {
            return try read(credentials + "/db-password")
        }
        return nil
    }
}
