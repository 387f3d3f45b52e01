import Dispatch
import IngestCore
import IngestIO
import Logging
import Synchronization

/// Moves journaled files out of the inbox on a thread of its own, in the order they were handed
/// over. A rename costs about as much as reading and hashing a small file, so during a burst the
/// moves of one batch overlap with reading and parsing the next instead of leaving a core idle.
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

    // Touched only on `queue`, which runs one block at a time: that is what makes this Sendable.
    private let mover: FileMover
    private let queue = DispatchQueue(label: "ingestd.mover")
    private let reports = Mutex<[Report]>([])
    private let logger: Logger

    init(_ mover: FileMover, logger: Logger) {
        self.mover = mover
        self.logger = logger
    }

    func enqueue(_ jobs: [Job]) {
        guard !jobs.isEmpty else { return }
        queue.async {
            let done = jobs.map(self.perform)
            self.reports.withLock { $0 += done }
        }
    }

    /// Returns when every move enqueued so far is done.
    func waitUntilIdle() {
        queue.sync {}
    }

    /// What became of the moves finished since the last call.
    func takeReports() -> [Report] {
        reports.withLock { reports in
            defer { reports = [] }
            return reports
        }
    }

    /// Waits for the moves enqueued so far, then fsyncs the directories they touched.
    func syncDirectories() throws(SystemError) {
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
            case .replaced:
                logger.notice("A journaled file was replaced in the inbox before it was moved out; the new file is journaled on its own.",
                              metadata: ["file": "\(job.file)", "seq": "\(job.seq)"])
            }
            return Report(file: job.file)
        } catch {
            logger.error("A journaled file could not be moved out of the inbox; it is moved at the next start.",
                         metadata: ["file": "\(job.file)", "seq": "\(job.seq)", "error": "\(error)"])
            return Report(file: job.file, failedSeq: job.seq)
        }
    }
}
