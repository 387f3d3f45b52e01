import Glibc

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
/// on the descriptor and on a pipe that stops it) and hands each batch, in the kernel's order, to
/// `deliver`.
///
/// While `isBusy` says the events' consumer is busy (journaling a burst), the reader lets events
/// gather for ``gatheringTime`` before it reads them: the consumer takes them only between batches,
/// and reading each event as it comes cost a thread wake-up per file.
public final class InotifyReader: Sendable {
    private let thread: DedicatedThread
    private let stopWriter: FileDescriptor
    private let stopReader: FileDescriptor

    /// How long events gather while the consumer is busy.
    public static let gatheringTime: Duration = .milliseconds(2)

    public init(
        _ inotify: Inotify, isBusy: @escaping @Sendable () -> Bool, deliver: @escaping @Sendable ([InotifyEvent]) -> Void
    ) throws(SystemError) {
        var ends: [Int32] = [0, 0]
        _ = try retryingInterrupts("pipe") { pipe(&ends) }
        for end in ends { _ = fcntl(end, F_SETFD, FD_CLOEXEC) }
        let stopReader = FileDescriptor(rawValue: ends[0]), stopWriter = FileDescriptor(rawValue: ends[1])
        self.stopReader = stopReader
        self.stopWriter = stopWriter
        let descriptor = inotify.descriptor
        do {
            thread = try DedicatedThread(name: "ingestd.inotify") {
                Self.read(descriptor, stoppedBy: stopReader, isBusy: isBusy, deliver: deliver)
            }
        } catch {
            stopReader.close()
            stopWriter.close()
            throw error
        }
    }

    /// Stops the reader and waits for it: no event is delivered after this returns.
    public func stop() {
        _ = try? stopWriter.writeAll([1])
        thread.join()
        stopReader.close()
        stopWriter.close()
    }

    private static func read(
        _ descriptor: FileDescriptor, stoppedBy stop: FileDescriptor,
        isBusy: @Sendable () -> Bool, deliver: @Sendable ([InotifyEvent]) -> Void
    ) {
        var polled = [pollfd(fd: descriptor.rawValue, events: Int16(POLLIN), revents: 0),
                      pollfd(fd: stop.rawValue, events: Int16(POLLIN), revents: 0)]
        while true {
            guard (try? retryingInterrupts("poll", { poll(&polled, 2, -1) })) != nil else { return }
            if polled[1].revents != 0 { return }
            if polled[0].revents & Int16(POLLIN) != 0 {
                if isBusy() { sleep(for: gatheringTime) }
                let events = Inotify.readAvailable(descriptor.rawValue)
                if !events.isEmpty { deliver(events) }
            } else if polled[0].revents != 0 {
                return  // POLLERR, POLLHUP or POLLNVAL: the descriptor is gone
            }
        }
    }

    private static func sleep(for duration: Duration) {
        var request = timespec(tv_sec: Int(duration.components.seconds), tv_nsec: Int(duration.components.attoseconds / 1_000_000_000))
        var remaining = timespec()
        while nanosleep(&request, &remaining) == -1 && errno == EINTR { request = remaining }
    }
}
