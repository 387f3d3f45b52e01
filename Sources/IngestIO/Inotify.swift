import Dispatch
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
        EventSubscription(descriptor: descriptor.rawValue, queue: queue, handler: handler)
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
///
/// A paused delivery has no dispatch source at all. A suspended source stays registered with
/// the dispatch manager's epoll, which then wakes for every event that arrives: during a burst,
/// once for nearly every file, each wake-up a context switch and an interrupt to another core.
public final class EventSubscription: Sendable {
    private let descriptor: Int32
    private let queue: DispatchQueue
    private let handler: @Sendable ([InotifyEvent]) -> Void
    /// The source delivering now: nil while paused and once cancelled.
    private let state = Mutex<(source: Source?, cancelled: Bool)>((nil, false))

    init(descriptor: Int32, queue: DispatchQueue, handler: @escaping @Sendable ([InotifyEvent]) -> Void) {
        self.descriptor = descriptor
        self.queue = queue
        self.handler = handler
        resume()
    }

    public func cancel() {
        state.withLock { state in
            state.source?.source.cancel()
            state = (nil, true)
        }
    }

    /// Stops delivering and returns once a delivery in progress has finished; then the caller
    /// may read the descriptor itself. Every pause must be followed by one ``resume()``.
    public func pause() {
        state.withLock { state in
            state.source?.source.cancel()
            state.source = nil
        }
        // A handler already running finishes on the queue; none starts after the cancel.
        queue.sync {}
    }

    public func resume() {
        let (fd, handler) = (descriptor, handler)
        state.withLock { state in
            // Cancelled for good, or delivering already: a second source would split the events.
            guard !state.cancelled, state.source == nil else { return }
            let delivery = DispatchSource.makeReadSource(fileDescriptor: fd, queue: queue)
            delivery.setEventHandler {
                let events = Inotify.readAvailable(fd)
                if !events.isEmpty { handler(events) }
            }
            state.source = Source(source: delivery)
            delivery.resume()
        }
    }

    // Dispatch sources are thread-safe; Dispatch just does not say so to the compiler yet.
    private struct Source: @unchecked Sendable {
        let source: any DispatchSourceRead
    }
}
