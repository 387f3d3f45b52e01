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
    /// checked against the system's trusted roots.
    func connect(logger: Logger) async throws -> PostgresConnection {
        var configuration: PostgresConnection.Configuration
        if let socket = url.socketPath {
            configuration = .init(unixSocketPath: socket, username: url.user, password: password, database: url.database)
        } else {
            let tls: PostgresConnection.Configuration.TLS = url.tls == .require
                ? .require(try NIOSSLContext(configuration: .makeClientConfiguration())) : .disable
            configuration = .init(host: url.host ?? "localhost", port: url.port, username: url.user, password: password,
                                  database: url.database, tls: tls)
        }
        configuration.options.connectTimeout = .seconds(10)
        return try await PostgresConnection.connect(configuration: configuration, id: 1, logger: logger)
    }

    /// Where it is, for messages: `user@host:port/database`.
    public var description: String {
        "\(url.user)@\(url.socketPath ?? "\(url.host ?? ""):\(url.port)")/\(url.database)"
    }
}
