import Dispatch
import IngestCore
import IngestIO
import Logging
import Synchronization

/// Moves journaled files out of the inbox on a thread of its own, in the order they were handed
/// over, once the daemon is no longer busy journaling.
///
/// Moves wait while files are being journaled (see ``HoldPolicy``). A rename between two
/// directories takes a lock of the whole file system, and the renames that bring files into the
/// inbox wait for it: during a burst, moving each file as soon as it is journaled made every
/// arriving rename take more than twice as long, and left fewer cycles for parsing. Held back until
/// the burst is journaled, the same moves cost less and the records come out sooner.
///
/// The loop learns what happened through ``takeReports()``, and waits with ``waitUntilIdle()``
/// before it makes moves durable or needs a file's move to be finished.
final class BackgroundMover: @unchecked Sendable {
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

    private struct HoldState {
        /// Since when the loop has had nothing to journal; nil while it journals.
        var idleSince: ContinuousClock.Instant? = .now
        /// Jobs handed over and not done.
        var queued = 0
        /// Every queued move goes ahead now, until none is left.
        var expedited = false
        /// Whether a held block waits on `wake` (or is about to). Whoever changes what it waits
        /// for wakes it, once: the waker clears the flag, so signals do not pile up in the
        /// semaphore and make later holds spin.
        var sleeping = false

        /// Whether the held block is to be woken; it is, at most once per wait.
        mutating func takeSleeper() -> Bool {
            defer { sleeping = false }
            return sleeping
        }
    }

    // Touched only on `queue`, which runs one block at a time: that is what makes this Sendable.
    private let mover: FileMover
    private let queue = DispatchQueue(label: "ingestd.mover")
    private let reports = Mutex<[Report]>([])
    private let hold = Mutex(HoldState())
    /// Wakes a held block to look again (see ``changeHold(_:)``).
    private let wake = DispatchSemaphore(value: 0)
    let policy: HoldPolicy
    private let logger: Logger

    init(_ mover: FileMover, policy: HoldPolicy = HoldPolicy(), logger: Logger) {
        self.mover = mover
        self.policy = policy
        self.logger = logger
    }

    /// Whether the loop is journaling (files wait for it): held moves wait until it has been idle
    /// for the quiet period. Its waits for fdatasync count as journaling, however long they take.
    func setJournaling(_ journaling: Bool) {
        changeHold { state in
            guard journaling != (state.idleSince == nil) else { return false }
            state.idleSince = journaling ? nil : .now
            return !journaling
        }
    }

    /// Whether no move is waiting or under way.
    var isIdle: Bool { hold.withLock { $0.queued == 0 } }

    /// Held moves go ahead now, without waiting for them.
    func expedite() {
        changeHold { state in
            state.expedited = state.queued > 0
            return true
        }
    }

    func enqueue(_ jobs: [Job]) {
        guard !jobs.isEmpty else { return }
        let handedOver = ContinuousClock.now
        // Past the limit the held moves go ahead: the block waiting for them must look again.
        changeHold { state in
            state.queued += jobs.count
            return state.queued > policy.limit
        }
        queue.async {
            self.waitWhileHeld(since: handedOver)
            let done = jobs.map(self.perform)
            self.reports.withLock { $0 += done }
            self.hold.withLock { state in
                state.queued -= jobs.count
                if state.queued == 0 { state.expedited = false }
            }
        }
    }

    /// Returns when every move enqueued so far is done; held moves go ahead at once.
    func waitUntilIdle() {
        expedite()
        queue.sync {}
    }

    /// Applies `change` to the hold; when it returns true (the held moves may go ahead sooner), a
    /// held block looks again.
    private func changeHold(_ change: (inout HoldState) -> Bool) {
        let wakeHeld = hold.withLock { state in change(&state) && state.takeSleeper() }
        if wakeHeld { wake.signal() }
    }

    /// Blocks the mover's queue until the moves handed over at `handedOver` may go ahead.
    private func waitWhileHeld(since handedOver: ContinuousClock.Instant) {
        while let until = holdUntil(handedOver) {
            _ = wake.wait(timeout: .now() + .nanoseconds(Self.nanoseconds(until - .now)))
        }
    }

    private static func nanoseconds(_ duration: Duration) -> Int {
        let (seconds, attoseconds) = duration.components
        return max(0, Int(seconds) * 1_000_000_000 + Int(attoseconds / 1_000_000_000))
    }

    /// When to look again, or nil when the moves may go ahead now.
    private func holdUntil(_ handedOver: ContinuousClock.Instant) -> ContinuousClock.Instant? {
        hold.withLock { state in
            state.sleeping = false
            if state.expedited { return nil }
            let now = ContinuousClock.now
            let release = policy.release(handedOver: handedOver, idleSince: state.idleSince, queued: state.queued)
            if now < release {
                state.sleeping = true
                return release
            }
            // The oldest move waited long enough: it and all behind it go ahead.
            if now >= handedOver + policy.longest { state.expedited = true }
            return nil
        }
    }

    /// What became of the moves finished since the last call.
    func takeReports() -> [Report] {
        reports.withLock { reports in
            defer { reports = [] }
            return reports
        }
    }

    /// Waits for the moves enqueued so far (held moves go ahead at once), then fsyncs the
    /// directories they touched.
    func syncDirectories() throws(SystemError) {
        expedite()
        let result: Result<Void, SystemError> = queue.sync {
            Result { () throws(SystemError) in try mover.syncDirectories() }
        }
        try result.get()
    }

    private func perform(_ job: Job) -> Report {
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
            return Report(file: job.file)
        } catch {
            logger.error("A journaled file could not be moved out of the inbox; it is moved at the next start.",
                         metadata: ["file": "\(job.file)", "seq": "\(job.seq)", "error": "\(error)"])
            return Report(file: job.file, failedSeq: job.seq)
        }
    }
}
