import Glibc
import Synchronization

/// One raw inotify event.
public struct InotifyEvent: Sendable, Equatable {
    public var watch: Int32
    public var mask: UInt32
    public var name: [UInt8]

    public init(watch: Int32, mask: UInt32, name: [UInt8]) {
        self.watch = watch
        self.mask = mask
        self.name = name
    }

    public func has(_ flag: Int32) -> Bool { mask & UInt32(bitPattern: flag) != 0 }
}

/// An inotify instance. Its events are read by one ``InotifyReader``, on a thread of its own.
public final class Inotify: Sendable {
    public let descriptor: FileDescriptor

    public init() throws(SystemError) {
        let fd = try retryingInterrupts("inotify_init1") { inotify_init1(Int32(IN_NONBLOCK | IN_CLOEXEC)) }
        descriptor = FileDescriptor(rawValue: fd)
    }

    /// inotify_add_watch(2). ENOSPC here means the per-user watch limit is reached.
    public func addWatch(_ path: [UInt8], mask: UInt32) throws(SystemError) -> Int32 {
        try retryingInterrupts("inotify_add_watch", path: String(decoding: path, as: UTF8.self)) {
            path.withCString { inotify_add_watch(descriptor.rawValue, $0, mask) }
        }
    }

    /// Closes the descriptor; its reader must have stopped.
    public func close() {
        descriptor.close()
    }

    /// Reads until the descriptor would block.
    static func readAvailable(_ fd: Int32) -> [InotifyEvent] {
        var events: [InotifyEvent] = []
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if count > 0 {
                events += parse(buffer[..<count])
                continue
            }
            if count < 0 && errno == EINTR { continue }
            return events
        }
    }

    /// Decodes `struct inotify_event` records: wd, mask, cookie, len, then a NUL-padded name.
    public static func parse(_ bytes: ArraySlice<UInt8>) -> [InotifyEvent] {
        var events: [InotifyEvent] = []
        var offset = bytes.startIndex
        let header = 16
        while offset + header <= bytes.endIndex {
            let watch = Int32(bitPattern: word(bytes, offset))
            let mask = word(bytes, offset + 4)
            let length = Int(word(bytes, offset + 12))
            let nameBytes = bytes[(offset + header)..<min(offset + header + length, bytes.endIndex)]
            events.append(InotifyEvent(watch: watch, mask: mask, name: Array(nameBytes.prefix { $0 != 0 })))
            offset += header + length
        }
        return events
    }

    private static func word(_ bytes: ArraySlice<UInt8>, _ offset: Int) -> UInt32 {
        UInt32(bytes[offset]) | UInt32(bytes[offset + 1]) << 8 | UInt32(bytes[offset + 2]) << 16 | UInt32(bytes[offset + 3]) << 24
    }
}

/// The one reader of an inotify descriptor: a thread of its own that waits for events (poll(2)
/// on the descriptor and on a control pipe) and hands each batch, in the kernel's order, to
/// `deliver`.
///
/// While `isBusy` says the events' consumer is busy (journaling a burst), the reader lets events
/// gather for ``gatheringTime`` before it reads them: the consumer takes them only between batches,
/// and reading each event as it comes cost a thread wake-up per file. When the consumer runs out
/// of work, ``flush()`` has the reader deliver what the kernel holds at once, so that the consumer
/// does not take a pause in a burst for its end.
public final class InotifyReader: Sendable {
    private let thread: DedicatedThread
    private let control: (reader: FileDescriptor, writer: FileDescriptor)
    private let flushes: PendingFlushes

    /// How long events gather while the consumer is busy.
    public static let gatheringTime: Duration = .milliseconds(2)

    private static let stopCommand = UInt8(ascii: "s"), flushCommand = UInt8(ascii: "f")

    /// Flushes asked for and not answered yet.
    private final class PendingFlushes: Sendable {
        let replies = Mutex<[Reply<Void>]>([])

        func answerAll() {
            for reply in replies.withLock({ replies in defer { replies = [] }; return replies }) { reply.send(()) }
        }
    }

    public init(
        _ inotify: Inotify, isBusy: @escaping @Sendable () -> Bool, deliver: @escaping @Sendable ([InotifyEvent]) -> Void
    ) throws(SystemError) {
        var ends: [Int32] = [0, 0]
        _ = try retryingInterrupts("pipe") { pipe(&ends) }
        for end in ends { _ = fcntl(end, F_SETFD, FD_CLOEXEC) }
        let control = (reader: FileDescriptor(rawValue: ends[0]), writer: FileDescriptor(rawValue: ends[1]))
        let flushes = PendingFlushes()
        self.control = control
        self.flushes = flushes
        let descriptor = inotify.descriptor
        do {
            thread = try DedicatedThread(name: "ingestd.inotify") {
                var reading = ReadingThread(descriptor: descriptor, control: control.reader, flushes: flushes,
                                            isBusy: isBusy, deliver: deliver)
                reading.run()
            }
        } catch {
            control.reader.close()
            control.writer.close()
            throw error
        }
    }

    /// Returns once the events the kernel held when it was called have been delivered.
    public func flush() {
        let reply = Reply<Void>()
        flushes.replies.withLock { $0.append(reply) }
        guard (try? control.writer.writeAll([Self.flushCommand])) != nil else { return }
        reply.wait()
    }

    /// Stops the reader and waits for it: no event is delivered after this returns.
    public func stop() {
        _ = try? control.writer.writeAll([Self.stopCommand])
        thread.join()
        control.reader.close()
        control.writer.close()
        flushes.answerAll()
    }

    /// The reader's thread.
    private struct ReadingThread {
        let descriptor: FileDescriptor
        let control: FileDescriptor
        let flushes: PendingFlushes
        let isBusy: @Sendable () -> Bool
        let deliver: @Sendable ([InotifyEvent]) -> Void

        mutating func run() {
            while true {
                let ready = wait(for: [descriptor, control], timeout: -1)
                if ready.contains(control) {
                    guard handleCommands() else { return }
                } else if ready.contains(descriptor) {
                    // Let events gather while the consumer is busy, unless a command comes.
                    if isBusy(), wait(for: [control], timeout: InotifyReader.gatheringTime).contains(control) {
                        guard handleCommands() else { return }
                        continue
                    }
                    readAndDeliver()
                } else if ready.isEmpty {
                    return  // the descriptor is gone (POLLERR, POLLHUP, POLLNVAL) or poll failed
                }
            }
        }

        /// False when told to stop; a flush delivers what the kernel holds, then answers.
        private func handleCommands() -> Bool {
            var command: UInt8 = 0
            guard (try? retryingInterrupts("read", { Glibc.read(control.rawValue, &command, 1) })) == 1 else { return false }
            if command == InotifyReader.stopCommand { return false }
            readAndDeliver()
            flushes.answerAll()
            return true
        }

        private func readAndDeliver() {
            let events = Inotify.readAvailable(descriptor.rawValue)
            if !events.isEmpty { deliver(events) }
        }

        /// The descriptors ready to read within `timeout` milliseconds (-1: no limit); an empty
        /// list on a timeout, and also when a descriptor failed.
        private func wait(for descriptors: [FileDescriptor], timeout: Duration) -> [FileDescriptor] {
            let milliseconds = Int32(timeout.components.seconds * 1000 + timeout.components.attoseconds / 1_000_000_000_000_000)
            return wait(for: descriptors, timeout: milliseconds)
        }

        private func wait(for descriptors: [FileDescriptor], timeout milliseconds: Int32) -> [FileDescriptor] {
            var polled = descriptors.map { pollfd(fd: $0.rawValue, events: Int16(POLLIN), revents: 0) }
            guard (try? retryingInterrupts("poll", { poll(&polled, nfds_t(polled.count), milliseconds) })) != nil,
                  !polled.contains(where: { $0.revents & Int16(POLLERR | POLLHUP | POLLNVAL) != 0 }) else { return [] }
            return zip(descriptors, polled).filter { $0.1.revents & Int16(POLLIN) != 0 }.map(\.0)
        }
    }
}
