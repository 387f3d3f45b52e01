import Foundation
import Glibc

/// The release binary started as a separate process, with a notify socket to see READY=1.
final class BenchDaemon: @unchecked Sendable {
    let process = Process()
    private let socket: Int32
    let stateDir: String
    private let lock = NSLock()
    private var messages: [String] = []
    private var stopped = false

    /// Starts `binary run --state-dir stateDir` and returns once READY=1 arrived, with the time it took.
    static func start(binary: String, stateDir: String, socketPath: String, arguments: [String] = []) throws -> (BenchDaemon, Duration) {
        let daemon = try BenchDaemon(binary: binary, stateDir: stateDir, socketPath: socketPath)
        daemon.process.arguments! += arguments
        // Like systemd, read the socket all the time: a full datagram queue would block the daemon.
        Thread { daemon.receive() }.start()
        let started = ContinuousClock.now
        try daemon.process.run()
        guard daemon.waitFor("READY=1", timeout: 600) else { throw BenchError("no READY=1 from \(binary)") }
        return (daemon, ContinuousClock.now - started)
    }

    private init(binary: String, stateDir: String, socketPath: String) throws {
        self.stateDir = stateDir
        unlink(socketPath)
        socket = Glibc.socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (index, byte) in socketPath.utf8.enumerated() { raw[index] = byte }
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socket, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard bound == 0 else { throw BenchError("bind \(socketPath): errno \(errno)") }
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = ["run", "--state-dir", stateDir, "--log-level", "warning"]
        var environment = ProcessInfo.processInfo.environment
        environment["NOTIFY_SOCKET"] = socketPath
        process.environment = environment
    }

    /// Waits until a notification contains `line`; false after `timeout` seconds.
    func waitFor(_ line: String, timeout: Double) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if lock.withLock({ messages.contains { $0.split(separator: "\n").contains(Substring(line)) } }) { return true }
            usleep(1_000)
        }
        return false
    }

    private func receive() {
        var buffer = [UInt8](repeating: 0, count: 4096)
        var descriptor = pollfd(fd: socket, events: Int16(POLLIN), revents: 0)
        while !lock.withLock({ stopped }) {
            guard poll(&descriptor, 1, 50) > 0 else { continue }
            let count = buffer.withUnsafeMutableBytes { recv(socket, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT)) }
            if count > 0 {
                let message = String(decoding: buffer[..<count], as: UTF8.self)
                lock.withLock { messages.append(message) }
            }
        }
        close(socket)
    }

    /// A field of /proc/<pid>/status in kB, e.g. VmRSS or VmHWM.
    func memoryKB(_ field: String) -> Int {
        let status = (try? String(contentsOfFile: "/proc/\(process.processIdentifier)/status", encoding: .utf8)) ?? ""
        let line = status.split(separator: "\n").first { $0.hasPrefix(field + ":") } ?? ""
        return Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0
    }

    /// CPU seconds (user and system) so far of each thread, by the thread's name; threads of the
    /// same name add up.
    func threadCPUSeconds() -> [String: Double] {
        let tasks = "/proc/\(process.processIdentifier)/task"
        let ticks = Double(sysconf(Int32(_SC_CLK_TCK)))
        var seconds: [String: Double] = [:]
        for task in (try? FileManager.default.contentsOfDirectory(atPath: tasks)) ?? [] {
            guard let stat = try? String(contentsOfFile: "\(tasks)/\(task)/stat", encoding: .utf8),
                  let open = stat.firstIndex(of: "("), let close = stat.lastIndex(of: ")") else { continue }
            let name = String(stat[stat.index(after: open)..<close])
            // After the name: state is field 3; utime and stime are fields 14 and 15.
            let fields = stat[stat.index(close, offsetBy: 2)...].split(separator: " ")
            guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { continue }
            seconds[name, default: 0] += (user + system) / ticks
        }
        return seconds
    }

    func stop() {
        kill(process.processIdentifier, SIGTERM)
        process.waitUntilExit()
        lock.withLock { stopped = true }
    }
}

struct BenchError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
