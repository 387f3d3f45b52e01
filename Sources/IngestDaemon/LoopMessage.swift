import IngestIO
import Synchronization

/// What reaches the loop from other threads, through its mailbox: the inotify reader's events,
/// SIGHUP, and the start of a graceful shutdown. (Ticks are the mailbox's deadline.)
enum LoopMessage: Sendable {
    case events([InotifyEvent])
    case reload
    case shutdown
}

/// Whether the loop is journaling, for the threads that wait for it to be done: the inotify reader
/// lets events gather meanwhile.
final class JournalingFlag: Sendable {
    private let flag = Atomic<Bool>(false)

    func set(_ journaling: Bool) { flag.store(journaling, ordering: .relaxed) }

    var isSet: Bool { flag.load(ordering: .relaxed) }
}
