import IngestCore
import IngestIO
import Logging

/// The one loop that does the work, on a thread of its own: it owns all mutable state (the
/// ingestor, the files in flight, the journal) and takes what other threads have to say from its
/// mailbox, so none of it is shared.
///
/// The watchdog is pinged from here, between batches, so a stuck loop stops the pings.
final class IngestLoop {
    let configuration: DaemonConfiguration
    let notifier: any LifecycleNotifier
    let logger: Logger
    let metrics: any IngestMetrics
    let journal: JournalFile
    let watcher: InboxWatcher
    let mailbox: Mailbox<LoopMessage>
    let journaling: JournalingFlag
    let reader: InboxFileReader
    /// Reads and parses the next waiting files on other threads while the loop journals.
    let reads: ReadAhead<RelativePath, InboxEntry>
    let mover: BackgroundMover
    let moveMarker: MoveMarker
    var events: InotifyReader?
    var ingestor: Ingestor
    var files = FilesInFlight()
    var durability: Durability
    /// Records from before the last stop whose files may still be in the inbox.
    var unmoved: UnmovedRecords
    var retry = RetryState()
    var statusSent = (text: "", throttle: Throttle(every: .milliseconds(250)))
    var watchdog: Throttle?
    var clock = RecordClock()
    /// The lines buffer of the batch before, emptied: a batch's lines go into memory already
    /// touched, where a fresh megabyte would be faulted in page by page and copied as it grows.
    var spareLines: [UInt8] = []
    var stopping = false
    let tickInterval: Duration

    init(_ parts: Parts) {
        (configuration, notifier, logger, journal, watcher, mailbox) =
            (parts.configuration, parts.notifier, parts.logger, parts.journal, parts.watcher, parts.mailbox)
        (reader, reads, mover, moveMarker, ingestor, unmoved) =
            (parts.reader, parts.reads, parts.mover, parts.moveMarker, parts.ingestor, parts.unmoved)
        journaling = parts.journaling
        metrics = parts.metrics
        durability = Durability(checkpointedSeq: parts.ingestor.nextSeq, checkpointInterval: parts.configuration.checkpointInterval)
        watchdog = notifier.watchdogInterval.map { Throttle(every: $0 / 4) }
        tickInterval = notifier.watchdogInterval.map { min($0 / 2, .seconds(1)) } ?? .seconds(1)
    }

    /// Handles messages and ticks until shutdown, then makes the moves durable and checkpoints.
    func run() throws {
        var nextTick = ContinuousClock.now + tickInterval
        try processPending()
        while !stopping {
            try handle(mailbox.receive(until: nextTick))
            if ContinuousClock.now >= nextTick {
                try tick()
                nextTick = .now + tickInterval
            }
            if !stopping { try processPending() }
        }
        // Files read ahead but not journaled stay in the inbox for the next start.
        _ = reads.cancel()
        syncMoves(waiting: true)
        saveCheckpoint(waiting: true)
        logger.info("ingestd stopped", metadata: ["status": "\(statusLine)"])
    }

    /// Stops the other threads and closes the files; after ``run()``, or instead of it.
    func close() {
        _ = reads.cancel()
        events?.stop()
        mover.stop()
        journal.close()
        moveMarker.close()
        watcher.close()
    }

    private func handle(_ messages: [LoopMessage]) throws {
        for message in messages {
            switch message {
            case .events(let events): try handle(events)
            case .reload: reload()
            case .shutdown: stopping = true
            }
        }
    }

    private func handle(_ events: [InotifyEvent]) throws {
        for change in watcher.interpret(events) {
            switch change {
            case .completed(let path): files.add([path])
            case .created(let path): if !reader.awaitsClose(path) { files.add([path]) }
            case .directory(let path): files.add(watcher.watchTree(path))
            case .overflow:
                logger.warning("The inotify event queue overflowed; rescanning the whole inbox.")
                files.add(watcher.watchTree(RelativePath(bytes: [])))
            case .inboxRemoved:
                throw DaemonError.inboxRemoved(configuration.inbox)
            }
        }
    }

    private func tick() throws {
        guard watcher.inboxIsIntact else { throw DaemonError.inboxRemoved(configuration.inbox) }
        syncMoves(waiting: false)
        if durability.isCheckpointDue(nextSeq: ingestor.nextSeq) { saveCheckpoint(waiting: false) }
        pingWatchdog(force: true)
        reportStatus(force: true)
    }

    var waitingCount: Int { files.waitingCount + reads.count }

    /// Ingests waiting files batch by batch, until none wait, the journal fails, or shutdown
    /// starts; between batches it takes in what arrived meanwhile.
    private func processPending() throws {
        if waitingCount > 0 && retry.isDue() {
            setJournaling(true)
            defer { setJournaling(false) }
            while waitingCount > 0 && !stopping {
                if files.isQueueEmpty && reads.count == 0 {
                    // Only paths whose earlier file is still being moved are left.
                    mover.waitUntilIdle()
                    collectMoveReports()
                    continue
                }
                guard ingestBatch() else { break }
                pingWatchdog(force: false)
                reportStatus(force: false)
                try handle(mailbox.takeAll())
                // Before leaving the burst, take the events the reader lets gather meanwhile.
                if waitingCount == 0 { events?.flush(); try handle(mailbox.takeAll()) }
            }
            reportStatus(force: false)
        }
        // Only files that were already in the inbox at start can be left over from before it.
        if waitingCount == 0 && !unmoved.isEmpty { unmoved.removeAll() }
    }

    private func setJournaling(_ journaling: Bool) {
        self.journaling.set(journaling)
        mover.setJournaling(journaling)
    }

    /// Journals one batch: up to `batchSize` files, or what was read in 100 ms, so that one batch
    /// never holds records back long, whatever the files cost to parse. Returns false when the
    /// journal write failed; the files then stay in the inbox and wait for the retry.
    private func ingestBatch() -> Bool {
        collectMoveReports()
        // Beyond the moves held back, the mover falls behind only when renames are slower than
        // parsing; then wait for it rather than let the jobs pile up.
        if files.movingCount >= mover.policy.limit + 4 * configuration.batchSize {
            mover.waitUntilIdle()
            collectMoveReports()
        }
        var batch = Batch()
        swap(&batch.lines, &spareLines)
        defer { keepLinesBuffer(&batch.lines) }
        let deadline = ContinuousClock.now + .milliseconds(100)
        while batch.taken.count < configuration.batchSize, ContinuousClock.now < deadline {
            readAhead()
            guard let (path, entry) = reads.next() else { break }
            batch.taken.append(path)
            journalOrMove(path, entry, into: &batch)
        }
        guard !batch.records.isEmpty else { return true }
        do {
            try journal.append(batch.lines)
        } catch {
            metrics.journalFailed()
            ingestor.undo(batch.records)
            // The files read ahead are read again after the retry, in their order.
            files.journalFailed(taken: batch.taken, unread: reads.cancel())
            retry.failed(error, logger: logger, waiting: waitingCount)
            return false
        }
        retry.succeeded(logger: logger)
        metrics.journaled(batch.records, sync: journal.lastSyncDuration)
        moveOut(batch.moves)
        warnOfRejects(batch.records)
        return true
    }

    /// Keeps a batch's lines buffer for the next batch, unless files far larger than articles
    /// made it large.
    private func keepLinesBuffer(_ lines: inout [UInt8]) {
        guard lines.capacity <= 4 << 20 else { return }
        lines.removeAll(keepingCapacity: true)
        swap(&lines, &spareLines)
    }

    /// A rejected file needs its producer's attention, unlike an article: one warning each, with
    /// the file and seq as fields (journalctl INGESTD_FILE=… under systemd).
    private func warnOfRejects(_ records: [JournalRecord]) {
        for record in records where record.event == .rejected {
            logger.warning("A file was rejected; it goes to rejected/.",
                           metadata: ["file": "\(record.file)", "seq": "\(record.seq)", "reason": "\(record.reason ?? "")"])
        }
    }

    /// Seqs, dedup and journal order are decided here, in arrival order, one file at a time.
    private func journalOrMove(_ path: RelativePath, _ entry: InboxEntry, into batch: inout Batch) {
        switch entry {
        case .vanished:
            files.finishedReading(path, willMove: false)
        case .directory:
            files.finishedReading(path, willMove: false)
            files.add(watcher.watchTree(path))
        case .file(let analysis):
            files.finishedReading(path, willMove: true)
            if let earlier = unmoved.claim(analysis) {
                mover.enqueue([.init(seq: earlier.seq, file: analysis.file,
                                     destination: earlier.event == .rejected ? .rejected : .processed,
                                     identity: analysis.identity, leftOver: true)])
                return
            }
            let record = ingestor.record(for: analysis, time: clock.now())
            var lines: [UInt8] = []
            swap(&lines, &batch.lines)  // unique, so appending does not copy the batch's lines
            batch.lines = record.appendingJSONLine(to: consume lines)
            batch.records.append(record)
            batch.moves.append(.init(seq: record.seq, file: record.file,
                                     destination: record.event == .rejected ? .rejected : .processed,
                                     identity: analysis.identity))
        }
    }

    private struct Batch {
        var records: [JournalRecord] = []
        var moves: [BackgroundMover.Job] = []
        var lines: [UInt8] = []
        var taken: [RelativePath] = []
    }

    /// Keeps up to half a batch of waiting files submitted to the readers, topping up in steps of
    /// a sixteenth so that the submissions stay few.
    private func readAhead() {
        let limit = max(1, configuration.batchSize / 2)
        let room = limit - reads.count
        guard room >= max(1, limit / 16) else { return }
        let (paths, waitsForMove) = files.takeForReading(room)
        if waitsForMove { mover.expedite() }
        reads.submit(paths)
    }

    /// Learns which moves are done: their paths may be read again, and failures hold the move
    /// marker back.
    func collectMoveReports() {
        let reports = mover.takeReports()
        for report in reports { if let seq = report.failedSeq { durability.moveFailed(seq) } }
        files.finishedMoving(reports.map(\.file))
    }


}
