import Dispatch
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

/// An inotify instance. Events are read on a dispatch queue when the descriptor becomes readable
/// (never by a task blocked in read) and delivered as an AsyncStream.
public final class Inotify: Sendable {
    public let descriptor: FileDescriptor
    private let queue = DispatchQueue(label: "ingestd.inotify")

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

    /// Calls `handler` on the inotify queue with each batch of events, in the order the kernel
    /// queued them, until the returned subscription is cancelled.
    public func deliverEvents(to handler: @escaping @Sendable ([InotifyEvent]) -> Void) -> EventSubscription {
        let source = DispatchSource.makeReadSource(fileDescriptor: descriptor.rawValue, queue: queue)
        let fd = descriptor.rawValue
        source.setEventHandler {
            let events = Self.readAvailable(fd)
            if !events.isEmpty { handler(events) }
        }
        source.resume()
        return EventSubscription(source: source, queue: queue)
    }

    /// Reads the events queued in the kernel now, without waiting. Only while the delivery is
    /// paused (``EventSubscription/pause()``), or two readers would split the events between them.
    public func readEvents() -> [InotifyEvent] {
        Self.readAvailable(descriptor.rawValue)
    }

    /// The same batches as an AsyncStream; it ends when the stream is dropped.
    public func events() -> AsyncStream<[InotifyEvent]> {
        let (stream, continuation) = AsyncStream.makeStream(of: [InotifyEvent].self)
        let subscription = deliverEvents { continuation.yield($0) }
        continuation.onTermination = { _ in subscription.cancel() }
        return stream
    }

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

/// Stops a delivery of inotify events when cancelled; pauses it while its owner reads the
/// events itself.
public final class EventSubscription: Sendable {
    // Dispatch sources are thread-safe; Dispatch just does not say so to the compiler yet.
    nonisolated(unsafe) private let source: any DispatchSourceRead
    private let queue: DispatchQueue

    init(source: any DispatchSourceRead, queue: DispatchQueue) {
        self.source = source
        self.queue = queue
    }

    public func cancel() { source.cancel() }

    /// Stops delivering and returns once a delivery in progress has finished; then the caller
    /// may read the descriptor itself. Every pause must be followed by one ``resume()``.
    public func pause() {
        source.suspend()
        queue.sync {}
    }

    public func resume() { source.resume() }
}
