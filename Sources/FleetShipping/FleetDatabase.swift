import IngestCore
import Logging
import NIOSSL
import PostgresNIO

/// One connection to the fleet's PostgreSQL, opened from a ``DatabaseURL`` and a password.
public struct FleetDatabase: Sendable {
    public let url: DatabaseURL
    let password: String?

    public init(url: DatabaseURL, password: String?) {
        self.url = url
        self.password = password
    }

    /// Opens a connection; with `sslmode=require`, over TLS with the server's certificate
    /// checked against the system's trusted roots, or those of `sslrootcert`.
    ///
    /// - Parameters:
    ///   - name: the connection's `application_name`, as `pg_stat_activity` shows it.
    ///   - silentClientLimit: the server ends the session when this client leaves a transaction
    ///     waiting this long (`idle_in_transaction_session_timeout`) or its answers go
    ///     unacknowledged this long (`tcp_user_timeout`). A shipper cut off by a network
    ///     partition in the middle of a transaction holds the fleet's position counter, and
    ///     every other host's shipper waits for it until the server lets go.
    func connect(logger: Logger, name: String = "ingestd", silentClientLimit: Duration? = nil) async throws -> PostgresConnection {
        var configuration: PostgresConnection.Configuration
        if let socket = url.socketPath {
            configuration = .init(unixSocketPath: socket, username: url.user, password: password, database: url.database)
        } else {
            var tlsConfiguration = TLSConfiguration.makeClientConfiguration()
            if let roots = url.tlsRootCertificates { tlsConfiguration.trustRoots = .file(roots) }
            let tls: PostgresConnection.Configuration.TLS = url.tls == .require
                ? .require(try NIOSSLContext(configuration: tlsConfiguration)) : .disable
            configuration = .init(host: url.host ?? "localhost", port: url.port, username: url.user, password: password,
                                  database: url.database, tls: tls)
        }
        configuration.options.connectTimeout = .seconds(10)
        configuration.options.additionalStartupParameters = [("application_name", name)]
        if let silentClientLimit {
            let milliseconds = String(silentClientLimit.components.seconds * 1000 + silentClientLimit.components.attoseconds / 1_000_000_000_000_000)
            configuration.options.additionalStartupParameters += [
                ("idle_in_transaction_session_timeout", milliseconds), ("tcp_user_timeout", milliseconds),
            ]
        }
        return try await PostgresConnection.connect(configuration: configuration, id: 1, logger: logger)
    }

    /// Where it is, for messages: `user@host:port/database`.
    public var description: String {
        "\(url.user)@\(url.socketPath ?? "\(url.host ?? ""):\(url.port)")/\(url.database)"
    }
}
