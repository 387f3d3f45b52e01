import IngestIO
import Logging

/// Back-off after a failed journal write (a full or failing disk): wait 0.1 s, doubling up to 30 s,
/// then try again; the first success ends it.
struct RetryState {
    private(set) var failure: SystemError?
    /// How long the last failure made the next write wait.
    private(set) var delay: Duration = .zero
    private var notBefore = ContinuousClock.now

    func isDue(now: ContinuousClock.Instant = .now) -> Bool { now >= notBefore }

    mutating func failed(_ error: SystemError, logger: Logger, waiting: Int, now: ContinuousClock.Instant = .now) {
        if failure == nil {
            logger.error("Cannot write the journal; files stay in the inbox and writing is retried.",
                         metadata: ["waiting": "\(waiting)"].merging(.describing(error)) { $1 })
        }
        failure = error
        delay = min(max(delay * 2, .milliseconds(100)), .seconds(30))
        notBefore = now + delay
    }

    mutating func succeeded(logger: Logger) {
        guard let failure else { return }
        logger.notice("The journal is writable again; resuming.", metadata: ["after": "\(failure.name)"])
        self.failure = nil
        delay = .zero
    }
}
