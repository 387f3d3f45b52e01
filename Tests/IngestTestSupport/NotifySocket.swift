import Foundation
import Glibc
import Synchronization

/// A datagram socket standing in for systemd's notification socket: point NOTIFY_SOCKET at
/// ``path`` and read what the daemon sends.
public final class NotifySocket: Sendable {
    public let path: String
    private let receiver: Receiver

    public init(path: String) throws {
        self.path = path
        let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        precondition(bytes.count < MemoryLayout.size(ofValue: address.sun_path), "socket path too long: \(path)")
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (index, byte) in bytes.enumerated() { raw[index] = byte }
        }
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard result == 0 else {
            close(fd)
            throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)
        }
        receiver = Receiver(fd: fd)
        // Like systemd, drain the socket all the time: a full datagram queue would block the sender.
        let receiver = self.receiver
        Thread { receiver.receiveUntilStopped() }.start()
    }

    deinit { receiver.stop() }

    /// Every message received so far, oldest first.
    public var messages: [String] { receiver.messages }

    /// Waits until some message satisfies `predicate` and returns it; throws ``TimedOut``, with
    /// `what` and the last messages, when none does within `timeout`.
    public func waitFor(_ what: String, within timeout: Duration = .seconds(10), _ predicate: (String) -> Bool) async throws -> String {
        try await eventually("\(what) (last notifications: \(messages.suffix(3)))", within: timeout) {
            messages.first(where: predicate)
        }
    }

    /// Waits until a message with the assignment `line` (e.g. "READY=1") arrives after the first
    /// `count` messages; throws ``TimedOut`` when none does within `timeout`.
    public func waitForLine(_ line: String, after count: Int = 0, within timeout: Duration = .seconds(10)) async throws {
        try await eventually("\(line) after notification \(count)", within: timeout) {
            messages.dropFirst(count).contains(where: { $0.split(separator: "\n").contains(Substring(line)) })
        }
    }

    /// Owns the socket; its thread receives until stopped, then closes it.
    private final class Receiver: Sendable {
        private let fd: Int32
        private let received = Mutex<[String]>([])
        private let stopped = Atomic<Bool>(false)

        init(fd: Int32) { self.fd = fd }

        var messages: [String] { received.withLock { $0 } }

        func stop() { stopped.store(true, ordering: .relaxed) }

        func receiveUntilStopped() {
            var buffer = [UInt8](repeating: 0, count: 4096)
            var descriptor = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            while !stopped.load(ordering: .relaxed) {
                guard poll(&descriptor, 1, 50) > 0 else { continue }
                let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT)) }
                guard count > 0 else { continue }
                let message = String(decoding: buffer[..<count], as: UTF8.self)
                received.withLock { $0.append(message) }
            }
            close(fd)
        }
    }
}
