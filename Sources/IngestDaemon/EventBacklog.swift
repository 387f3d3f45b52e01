import IngestIO
import Synchronization

/// Inotify events read from the kernel but not yet handled by the loop.
///
/// The reading thread appends; the loop takes everything at once before each batch. During a
/// burst the loop therefore finds every file that arrived while it was busy, and one journal sync
/// covers them all, instead of one sync for each handful of events the kernel happened to return.
final class EventBacklog: Sendable {
    private let events = Mutex<[InotifyEvent]>([])

    /// Adds events in the order they were read; true when the backlog was empty, that is when
    /// the loop has not yet been told that events wait.
    func append(_ new: [InotifyEvent]) -> Bool {
        events.withLock { events in
            let wasEmpty = events.isEmpty
            events += new
            return wasEmpty
        }
    }

    /// Removes and returns all waiting events, oldest first.
    func takeAll() -> [InotifyEvent] {
        events.withLock { events in
            defer { events = [] }
            return events
        }
    }
}
