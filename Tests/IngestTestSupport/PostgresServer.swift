import Foundation
import Glibc

/// A PostgreSQL server of a test's own: initdb in a temporary directory, started with pg_ctl on a
/// free loopback port, as an unprivileged user (the `postgres` user when the tests run as root),
/// with password authentication; stopped when released. Debian's server (`apt-get install
/// postgresql`, which `make deps` does) must be installed.
public final class PostgresServer: @unchecked Sendable {
    /// The newest installed server's programs, e.g. /usr/lib/postgresql/15/bin.
    public static let binaries: String? = {
        let root = "/usr/lib/postgresql"
        let versions = ((try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []).compactMap(Int.init).sorted()
        return versions.last.map { "\(root)/\($0)/bin" }.flatMap { FileManager.default.isExecutableFile(atPath: $0 + "/initdb") ? $0 : nil }
    }()

    public static var isInstalled: Bool { binaries != nil }

    public let user = "ingestd"
    public let password = "fleet secret ☂"
    public let database = "fleet"
    public let port: Int
    private let directory = TemporaryDirectory("ingestd-postgres")
    private var data: String { directory.file("data") }

    /// `postgres://ingestd@127.0.0.1:PORT/fleet` (the password goes separately).
    public var url: String { url(host: "127.0.0.1") }

    /// The same at another of its addresses.
    public func url(host: String) -> String { "postgres://\(user)@\(host):\(port)/\(database)" }
    /// A file holding the password, for --password-file.
    public var passwordFile: String { directory.file("password") }

    /// Addresses the server listens on besides 127.0.0.1 (e.g. the host's ends of
    /// ``NetworkNamespace``s), with password authentication from 10.213.0.0/16.
    public let otherAddresses: [String]

    /// With TLS: the PEM file of the certificate authority that signed the server's certificate
    /// (for 127.0.0.1), for `sslrootcert`.
    public private(set) var certificateAuthority: String?

    public init(listeningAlsoOn otherAddresses: [String] = [], tls: Bool = false) throws {
        self.otherAddresses = otherAddresses
        guard Self.isInstalled else { throw PostgresServerError("PostgreSQL's server is not installed (apt-get install postgresql).") }
        port = try Self.freePort()
        try Data((password + "\n").utf8).write(to: URL(fileURLWithPath: passwordFile))
        if getuid() == 0 { try Self.run("/bin/chown", ["-R", "postgres:postgres", directory.path]) }
        try runAsServerUser("initdb", ["-D", data, "-U", user, "--auth=scram-sha-256", "--pwfile=\(passwordFile)", "-E", "UTF8",
                                        "--no-sync", "--locale=C"])
        if tls { try makeCertificates() }
        if !otherAddresses.isEmpty {
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: data + "/pg_hba.conf"))
            handle.seekToEndOfFile()
            handle.write(Data("host all all 10.213.0.0/16 scram-sha-256\n".utf8))
            try handle.close()
        }
        try start()
        try runAsServerUser("createdb", ["-h", "127.0.0.1", "-p", "\(port)", "-U", user, database], password: password)
    }

    /// Starts the server and waits until it accepts connections.
    public func start() throws {
        // Not through a pipe: the server would inherit it and hold it open.
        try runAsServerUser("pg_ctl", ["-D", data, "-l", directory.file("server.log"), "-w", "-t", "60", "start", "-o",
                                       "-p \(port) -k \(directory.path) -c listen_addresses=\((["127.0.0.1"] + otherAddresses).joined(separator: ","))"
                                       + (certificateAuthority == nil ? "" : " -c ssl=on -c ssl_cert_file=\(directory.file("server.crt"))"
                                          + " -c ssl_key_file=\(directory.file("server.key"))")],
                             capturing: false)
    }

    /// Stops the server: `immediate` as a crash would (no checkpoint, clients cut off).
    public func stop(immediate: Bool = false) throws {
        try runAsServerUser("pg_ctl", ["-D", data, "-w", "-m", immediate ? "immediate" : "fast", "stop"])
    }

    /// Runs SQL with psql and returns what it prints (unaligned, tuples only).
    public func sql(_ statement: String) throws -> String {
        try runAsServerUser("psql", ["-h", "127.0.0.1", "-p", "\(port)", "-U", user, "-d", database, "-v", "ON_ERROR_STOP=1",
                                     "-At", "-c", statement], password: password)
    }

    deinit {
        try? stop(immediate: true)
    }

    /// A certificate authority of the test's own, and the server's certificate for 127.0.0.1
    /// signed by it.
    private func makeCertificates() throws {
        let openssl = "/usr/bin/openssl"
        let (ca, key) = (directory.file("ca.pem"), directory.file("server.key"))
        try Self.run(openssl, ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", directory.file("ca.key"), "-out", ca,
                               "-days", "2", "-subj", "/CN=ingestd test CA"])
        try Self.run(openssl, ["req", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", directory.file("server.csr"),
                               "-subj", "/CN=127.0.0.1"])
        try Data("subjectAltName=IP:127.0.0.1\n".utf8).write(to: URL(fileURLWithPath: directory.file("server.ext")))
        try Self.run(openssl, ["x509", "-req", "-in", directory.file("server.csr"), "-CA", ca, "-CAkey", directory.file("ca.key"),
                               "-CAcreateserial", "-out", directory.file("server.crt"), "-days", "2", "-extfile", directory.file("server.ext")])
        chmod(key, 0o600)
        if getuid() == 0 { try Self.run("/bin/chown", ["postgres:postgres", key, directory.file("server.crt")]) }
        certificateAuthority = ca
    }

    // MARK: - Processes

    @discardableResult
    private func runAsServerUser(_ program: String, _ arguments: [String], password: String? = nil, capturing: Bool = true) throws -> String {
        let path = Self.binaries! + "/" + program
        var environment = ["PATH": "/usr/bin:/bin", "LC_ALL": "C"]
        if let password { environment["PGPASSWORD"] = password }
        if getuid() == 0 {
            // setpriv execs the program itself (runuser forks it, and its exit was not always seen).
            return try Self.run("/usr/bin/setpriv", ["--reuid=postgres", "--regid=postgres", "--init-groups", path] + arguments,
                                environment: environment, capturing: capturing)
        }
        return try Self.run(path, arguments, environment: environment, capturing: capturing)
    }

    /// Runs a program to its end with posix_spawn and waitpid, its output in a file: Foundation's
    /// Process counts a child as running while any descendant holds a descriptor it made for the
    /// child, which the server that pg_ctl starts does for good.
    @discardableResult
    private static func run(_ executable: String, _ arguments: [String], environment: [String: String]? = nil,
                            capturing: Bool = true) throws -> String {
        let outputPath = "/tmp/ingestd-postgres-output.\(getpid()).\(UInt64.random(in: 0...UInt64.max))"
        defer { unlink(outputPath) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, capturing ? outputPath : "/dev/null", O_WRONLY | O_CREAT | O_TRUNC, 0o666)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = (environment ?? ProcessInfo.processInfo.environment).map { strdup("\($0)=\($1)") } + [nil]
        defer { (argv + envp).forEach { free($0) } }
        var pid = pid_t()
        let spawned = posix_spawn(&pid, executable, &actions, nil, argv, envp)
        guard spawned == 0 else { throw PostgresServerError("cannot start \(executable): errno \(spawned)") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let text = capturing ? ((try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? "") : ""
        let exited = status & 0x7f == 0, code = (status >> 8) & 0xff
        guard exited && code == 0 else {
            throw PostgresServerError("\(executable) \(arguments.joined(separator: " ")) failed (status \(status)):\n\(text)")
        }
        return text
    }

    /// A loopback port no one listens on now.
    private static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard bound else { throw PostgresServerError("cannot find a free port: errno \(errno)") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}

public struct PostgresServerError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
