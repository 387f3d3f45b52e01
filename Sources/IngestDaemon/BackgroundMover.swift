import DequeModule
import IngestCore
import IngestIO
import Logging
import Synchronization

/// Moves journaled files out of the inbox on a thread of its own, the only one that renames, in
/// the order they were handed over, once the daemon is no longer busy journaling.
///
/// Moves wait while files are being journaled (see ``HoldPolicy``). A rename between two
/// directories takes a lock of the whole file system, and the renames that bring files into the
/// inbox wait for it: during a burst, moving each file as soon as it is journaled made every
/// arriving rename take more than twice as long, and left fewer cycles for parsing. Held back until
/// the burst is journaled, the same moves cost less and the records come out sooner.
///
/// Everything reaches the mover's thread as a message in its mailbox; the loop learns what
/// happened through ``takeReports()``, and waits with ``waitUntilIdle()`` before it makes moves
/// durable or needs a file's move to be finished.
final class BackgroundMover: Sendable {
    struct Job: Sendable {
        var seq: UInt64
        var file: RelativePath
        var destination: FileMover.Destination
        /// The file that was read; a file renamed over it since is not moved.
        var identity: FileIdentity?
        /// Journaled before the last stop; moved now without a second record.
        var leftOver = false
    }

    struct Report: Sendable {
        var file: RelativePath
        /// The seq of a file that could not be moved.
        var failedSeq: UInt64?
    }

    /// When held moves go ahead: once the loop has had nothing to journal for `quiet`, once the
    /// oldest has waited `longest`, or while more than `limit` wait (which bounds the memory
    /// they take).
    struct HoldPolicy: Sendable {
        var quiet: Duration = .milliseconds(10)
        var longest: Duration = .seconds(2)
        var limit = 32_768

        /// Moves as soon as they are handed over.
        static let none = HoldPolicy(quiet: .zero, longest: .zero, limit: 0)

        /// When moves handed over at `handedOver` may go ahead, the loop having had nothing to
        /// journal since `idleSince` (nil while it journals), with `queued` moves waiting in all.
        func release(
            handedOver: ContinuousClock.Instant, idleSince: ContinuousClock.Instant?, queued: Int
        ) -> ContinuousClock.Instant {
            if queued > limit { return handedOver }
            guard let idleSince else { return handedOver + longest }
            return min(idleSince + quiet, handedOver + longest)
        }
    }

    fileprivate enum Message: Sendable {
        case move([Job], handedOver: ContinuousClock.Instant)
        case journaling(Bool, at: ContinuousClock.Instant)
        /// Every move queued now goes ahead, until none is left.
        case expedite
        /// Answered once every move before it is done.
        case barrier(Reply<Void>)
        case syncDirectories(Reply<Result<Void, SystemError>>)
        case stop
    }

    private let mailbox: Mailbox<Message>
    private let shared: Shared
    private let thread: DedicatedThread
    let policy: HoldPolicy

    /// What the mover's thread and the loop both read: kept under locks and atomics.
    fileprivate final class Shared: Sendable {
        let unfinished = Atomic<Int>(0)
        let reports = Mutex<[Report]>([])
    }

    init(inbox: FileDescriptor, processed: FileDescriptor, rejected: FileDescriptor,
         policy: HoldPolicy = HoldPolicy(), logger: Logger) throws(SystemError) {
        let mailbox = Mailbox<Message>(), shared = Shared()
        self.mailbox = mailbox
        self.shared = shared
        self.policy = policy
        thread = try DedicatedThread(name: "ingestd.mover") {
            var worker = MoverThread(mover: FileMover(inbox: inbox, processed: processed, rejected: rejected),
                                     mailbox: mailbox, shared: shared, policy: policy, logger: logger)
            worker.run()
        }
    }

    /// Whether the loop is journaling (files wait for it): held moves wait until it has been idle
    /// for the quiet period. Its waits for fdatasync count as journaling, however long they take.
    func setJournaling(_ journaling: Bool) {
        mailbox.post(.journaling(journaling, at: .now))
    }

    /// Whether no move is waiting or under way.
    var isIdle: Bool { shared.unfinished.load(ordering: .acquiring) == 0 }

    /// Held moves go ahead now, without waiting for them.
    func expedite() {
        mailbox.post(.expedite)
    }

    func enqueue(_ jobs: [Job]) {
        guard !jobs.isEmpty else { return }
        shared.unfinished.add(jobs.count, ordering: .releasing)
        mailbox.post(.move(jobs, handedOver: .now))
    }

    /// Returns when every move enqueued so far is done; held moves go ahead at once.
    func waitUntilIdle() {
        let done = Reply<Void>()
        mailbox.post(.expedite)
        mailbox.post(.barrier(done))
        done.wait()
    }

    /// What became of the moves finished since the last call.
    func takeReports() -> [Report] {
        shared.reports.withLock { reports in
            defer { reports = [] }
            return reports
        }
    }

    /// Waits for the moves enqueued so far (held moves go ahead at once), then fsyncs the
    /// directories they touched.
    func syncDirectories() throws(SystemError) {
        let synced = Reply<Result<Void, SystemError>>()
        mailbox.post(.expedite)
        mailbox.post(.syncDirectories(synced))
        try synced.wait().get()
    }

    /// Finishes the moves handed over (held ones go ahead at once) and ends the thread.
    func stop() {
        mailbox.post(.expedite)
        mailbox.post(.stop)
        thread.join()
    }
}

/// The mover's thread: it alone owns the ``FileMover`` and the queue of what it was asked to do.
private struct MoverThread {
    let mover: FileMover
    let mailbox: Mailbox<BackgroundMover.Message>
    let shared: BackgroundMover.Shared
    let policy: BackgroundMover.HoldPolicy
    let logger: Logger

    /// Moves, barriers and syncs, in the order they came.
    private var queue = Deque<BackgroundMover.Message>()
    /// Moves in `queue`, counted for the hold's limit.
    private var queuedMoves = 0
    /// Since when the loop has had nothing to journal; nil while it journals.
    private var idleSince: ContinuousClock.Instant? = .now
    private var expedited = false

    init(mover: FileMover, mailbox: Mailbox<BackgroundMover.Message>, shared: BackgroundMover.Shared,
         policy: BackgroundMover.HoldPolicy, logger: Logger) {
        self.mover = mover
        self.mailbox = mailbox
        self.shared = shared
        self.policy = policy
        self.logger = logger
    }

    mutating func run() {
        while true {
            absorb(mailbox.takeAll())
            guard let head = queue.first else {
                absorb(mailbox.receive(until: nil))
                continue
            }
            switch head {
            case .move(let jobs, let handedOver):
                if let until = holdUntil(handedOver) {
                    absorb(mailbox.receive(until: until))
                    continue
                }
                queue.removeFirst()
                queuedMoves -= jobs.count
                let done = jobs.map(perform)
                shared.reports.withLock { $0 += done }
                shared.unfinished.subtract(jobs.count, ordering: .releasing)
                if queuedMoves == 0 { expedited = false }
            case .barrier(let reply):
                queue.removeFirst()
                reply.send(())
            case .syncDirectories(let reply):
                queue.removeFirst()
                reply.send(Result { () throws(SystemError) in try mover.syncDirectories() })
            case .stop:
                return
            case .journaling, .expedite:
                queue.removeFirst()
            }
        }
    }

    /// Takes in what the loop sent: requests join the queue, the rest changes the hold.
    private mutating func absorb(_ messages: [BackgroundMover.Message]) {
        for message in messages {
            switch message {
            case .journaling(let journaling, let at):
                idleSince = journaling ? nil : (idleSince ?? at)
            case .expedite:
                expedited = queuedMoves > 0
            case .move(let jobs, _):
                queuedMoves += jobs.count
                queue.append(message)
            case .barrier, .syncDirectories, .stop:
                queue.append(message)
            }
        }
    }

    /// When to look again, or nil when the moves handed over at `handedOver` may go ahead now.
    private mutating func holdUntil(_ handedOver: ContinuousClock.Instant) -> ContinuousClock.Instant? {
        if expedited { return nil }
        let now = ContinuousClock.now
        let release = policy.release(handedOver: handedOver, idleSince: idleSince, queued: queuedMoves)
        if now < release { return release }
        // The oldest move waited long enough: it and all behind it go ahead.
        if now >= handedOver + policy.longest { expedited = true }
        return nil
    }

    private func perform(_ job: BackgroundMover.Job) -> BackgroundMover.Report {
        do {
            switch try mover.move(job.file, to: job.destination, expected: job.identity) {
            case .moved:
                if job.leftOver {
                    logger.notice("Moved a file journaled before the last stop, without a second record.",
                                  metadata: ["file": "\(job.file)", "seq": "\(job.seq)"])
                }
            case .vanished:
                break
            case .replaced(let newFile):
                logger.notice("A journaled file was replaced in the inbox before it was moved out; the new file is journaled on its own.",
                              metadata: ["file": "\(job.file)", "seq": "\(job.seq)", "new file": "\(newFile)"])
            }
            return BackgroundMover.Report(file: job.file)
        } catch {
            logger.error("A journaled file could not be moved out of the inbox; it is moved at the next start.",
                         metadata: ["file": "\(job.file)", "seq": "\(job.seq)"].merging(.describing(error)) { $1 })
            return BackgroundMover.Report(file: job.file, failedSeq: job.seq)
        }
    }
}
