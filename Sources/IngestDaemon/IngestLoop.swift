import Dispatch
import Glibc
import IngestCore
import IngestIO
import Logging

/// The one loop that does the work: it owns all mutable state (the ingestor, the waiting files,
/// the journal) and handles one input at a time, so none of it is shared between threads.
///
/// The watchdog is pinged from here, between batches, so a stuck loop stops the pings.
final class IngestLoop {
    enum Input: Sendable {
        /// Inotify events wait in the backlog.
        case eventsArrived
        case tick
        case reload
        case shutdown
    }

    private let configuration: DaemonConfiguration
    private let notifier: any LifecycleNotifier
    private let logger: Logger
    private let journal: JournalFile
    private let watcher: InboxWatcher
    private let reader: InboxFileReader
    /// Reads and parses the next waiting files on other threads while the loop journals.
    private let reads: ReadAhead<RelativePath, InboxEntry>
    /// Paths submitted to `reads` and not taken back yet.
    private var readingAhead = Set<RelativePath>()
    private let mover: BackgroundMover
    private let backlog = EventBacklog()
    private var ingestor: Ingestor
    private var pending = PendingFiles()
    /// Files journaled (or about to be, in the batch being built) and not moved yet: not read
    /// again until they are (a rescan lists them, or a new file took the name).
    private var movesInFlight = Set<RelativePath>()
    /// Paths taken from `pending` while a move of the same path was in flight.
    private var deferred: [RelativePath] = []
    private var lastPing = ContinuousClock.now
    private var lastStatus = (text: "", at: ContinuousClock.now)
    private var retry = RetryState()
    private var checkpointedSeq: UInt64
    private let moveMarker: MoveMarker
    /// Records from before the last stop whose files may still be in the inbox.
    private var unmoved: UnmovedRecords
    /// The first seq whose file could not be moved; the marker never passes it.
    private var firstFailedMove: UInt64?
    /// The last seq whose file was moved since the directories were last synced.
    private var unsyncedMovesThrough: UInt64?
    private var movesSyncedAt = ContinuousClock.now
    private var lastTime = (millisecond: Int64(-1), text: "")
    /// The inotify delivery, paused while the loop works through waiting files.
    private var delivery: EventSubscription?

    let tickInterval: Duration

    private init(
        configuration: DaemonConfiguration, notifier: any LifecycleNotifier, logger: Logger,
        journal: JournalFile, watcher: InboxWatcher, directories: StateDirectories, ingestor: Ingestor,
        moveMarker: MoveMarker, unmoved: UnmovedRecords
    ) {
        self.moveMarker = moveMarker
        self.unmoved = unmoved
        self.configuration = configuration
        self.notifier = notifier
        self.logger = logger
        self.journal = journal
        self.watcher = watcher
        self.ingestor = ingestor
        checkpointedSeq = ingestor.nextSeq
        let reader = InboxFileReader(inbox: directories.inbox, maxBytes: configuration.maxBytes,
                                     sketched: configuration.nearThreshold != nil)
        self.reader = reader
        // The loop reads too whenever it would otherwise wait: one thread per core in all.
        reads = ReadAhead(label: "ingestd.reader", workers: Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))) - 1) {
            reader.read($0)
        }
        mover = BackgroundMover(
            FileMover(inbox: directories.inbox, processed: directories.processed, rejected: directories.rejected),
            logger: logger)
        tickInterval = notifier.watchdogInterval.map { min($0 / 2, .seconds(1)) } ?? .seconds(1)
    }

    /// Prepares everything; the watch is in place and the journal open when this returns, and
    /// READY=1 has been sent.
    static func start(configuration: DaemonConfiguration, notifier: any LifecycleNotifier, logger: Logger) throws -> IngestLoop {
        let started = ContinuousClock.now
        ProcessMemory.mapLargeAllocationsSeparately()
        let directories = try StateDirectories.prepare(configuration)
        var (ingestor, resume) = loadCheckpoint(configuration, logger: logger)
        let moveMarker: MoveMarker
        do {
            moveMarker = try MoveMarker(path: configuration.moveMarker)
        } catch {
            throw DaemonError.cannotPrepare("open", configuration.moveMarker, error)
        }
        let movedThrough = moveMarker.read()
        var unmoved = UnmovedRecords()
        let journal: JournalFile
        let report: JournalFile.LoadReport
        do {
            (journal, report) = try JournalFile.load(path: configuration.journal, resume: resume, logger: logger) {
                ingestor.replay($0)
                unmoved.add($0, movedThrough: movedThrough)
            }
        } catch {
            throw DaemonError.cannotPrepare("open the journal", configuration.journal, error)
        }
        if let cutSeq = report.highestCutSeq { ingestor.reserveSeqs(through: cutSeq) }
        let watcher: InboxWatcher
        do {
            watcher = try InboxWatcher(inboxPath: configuration.inbox, inbox: directories.inbox, logger: logger)
        } catch {
            throw DaemonError("Cannot watch the inbox \(configuration.inbox): \(error). "
                + (error.errno == ENOSPC || error.errno == EMFILE
                    ? "The inotify limits are reached; raise fs.inotify.max_user_watches and fs.inotify.max_user_instances (sysctl)."
                    : "Check that it is a directory ingestd may read."))
        }
        let loop = IngestLoop(configuration: configuration, notifier: notifier, logger: logger, journal: journal,
                              watcher: watcher, directories: directories, ingestor: ingestor,
                              moveMarker: moveMarker, unmoved: unmoved)
        loop.pending.add(watcher.watchTree(RelativePath(bytes: [])))
        if UInt64(report.records) >= configuration.checkpointInterval { loop.saveCheckpoint(waiting: true) }
        // Loading the checkpoint and replaying the journal freed large buffers; hand that memory
        // back to the system instead of keeping it for the life of the daemon.
        ProcessMemory.returnFreedMemory()
        notifier.ready(status: loop.statusLine)
        logger.info("ingestd started", metadata: [
            "inbox": "\(configuration.inbox)", "journal": "\(configuration.journal)",
            "replayed": "\(report.records)", "resumed_at": "\(report.resumedAt)", "waiting": "\(loop.pending.count)",
            "startup": "\(ContinuousClock.now - started)",
        ])
        return loop
    }

    /// The state saved at the last checkpoint, and where in which journal file it ends; a fresh
    /// state when there is none (the whole journal is then replayed).
    private static func loadCheckpoint(
        _ configuration: DaemonConfiguration, logger: Logger
    ) -> (Ingestor, JournalFile.ResumePoint?) {
        switch CheckpointFile.read(configuration.checkpoint) {
        case .missing:
            return (Ingestor(nearThreshold: configuration.nearThreshold), nil)
        case .damaged:
            logger.warning(
                "The index checkpoint is damaged; rebuilding the index from the journal. Articles and seqs from journals rotated away are not in it.",
                metadata: ["checkpoint": "\(configuration.checkpoint)"])
            return (Ingestor(nearThreshold: configuration.nearThreshold), nil)
        case .valid(let checkpoint):
            let identity = FileIdentity(device: checkpoint.journalDevice, inode: checkpoint.journalInode)
            return (Ingestor(checkpoint: checkpoint, nearThreshold: configuration.nearThreshold),
                    .init(identity: identity, offset: Int(checkpoint.journalOffset)))
        }
    }

    /// Saves the index with the journal position it covers. A failure costs only restart time:
    /// the journal remains the record. Not while a journaled file may still be in the inbox (left
    /// over from before the last stop, or a move that failed): the next start must replay its
    /// record to recognise that file. Unless `waiting`, not while moves are held back either: the
    /// checkpoint is taken once they are done.
    private func saveCheckpoint(waiting: Bool) {
        // Records before the checkpoint are not replayed, so their files must be out of the
        // inbox for good: the moves are made durable first.
        guard unmoved.isEmpty, firstFailedMove == nil, syncMoves(waiting: waiting) else { return }
        let checkpoint = ingestor.checkpoint(
            journalDevice: journal.identity.device, journalInode: journal.identity.inode,
            journalOffset: UInt64(journal.length))
        do {
            try CheckpointFile.write(checkpoint, to: configuration.checkpoint)
            checkpointedSeq = ingestor.nextSeq
        } catch {
            logger.warning("Could not save the index checkpoint; the next start replays more of the journal.",
                           metadata: ["checkpoint": "\(configuration.checkpoint)", "error": "\(error)"])
        }
    }

    /// Handles inputs until shutdown.
    func run(_ inputs: AsyncStream<Input>, stopping: ShutdownFlag) async throws {
        try processPending(stopping: stopping)
        for await input in inputs {
            switch input {
            case .eventsArrived: try handleArrivedEvents()
            case .tick:
                guard watcher.inboxIsIntact else { throw DaemonError.inboxRemoved(configuration.inbox) }
                syncMoves(waiting: false)
                if checkpointIsDue { saveCheckpoint(waiting: false) }
                pingWatchdogIfDue(force: true)
                reportStatus(force: true)
            case .reload: reload()
            case .shutdown: break
            }
            if stopping.isSet { break }
            try processPending(stopping: stopping)
            if stopping.isSet { break }
        }
        // Files read ahead but not journaled stay in the inbox for the next start.
        _ = reads.cancel()
        syncMoves(waiting: true)
        saveCheckpoint(waiting: true)
        logger.info("ingestd stopped", metadata: ["status": "\(statusLine)"])
    }

    /// Collects inotify events as soon as they are read and calls `wake` when the loop should
    /// come for them (an `.eventsArrived` input).
    func deliverEvents(wake: @escaping @Sendable () -> Void) -> EventSubscription {
        let backlog = self.backlog
        let subscription = watcher.deliverEvents { events in
            if backlog.append(events) { wake() }
        }
        delivery = subscription
        return subscription
    }

    func close() {
        _ = reads.cancel()
        journal.close()
        moveMarker.close()
        watcher.close()
    }

    private var statusLine: String {
        let line = ingestor.tally.status(waiting: waitingCount)
        guard let failure = retry.failure else { return line }
        return "\(line); journal write failed (\(failure.message), \(failure.name)), retrying"
    }

    private var waitingCount: Int { pending.count + deferred.count + reads.count }

    /// Whether files wait: in the queue, read ahead, or behind a move of the same path.
    private var filesWait: Bool { waitingCount > 0 }

    /// Handles the events in the backlog and, while the delivery is paused, those still in the
    /// kernel's queue: read here, on the loop's own thread, so that a burst does not cost two
    /// thread wake-ups for every few events.
    private func handleArrivedEvents(readingQueue: Bool = false) throws {
        let events = backlog.takeAll() + (readingQueue ? watcher.readEvents() : [])
        if !events.isEmpty { try handle(events) }
    }

    private func handle(_ events: [InotifyEvent]) throws {
        for change in watcher.interpret(events) {
            switch change {
            case .completed(let path): pending.add([path])
            case .created(let path): if !reader.awaitsClose(path) { pending.add([path]) }
            case .directory(let path): pending.add(watcher.watchTree(path))
            case .overflow:
                logger.warning("The inotify event queue overflowed; rescanning the whole inbox.")
                pending.add(watcher.watchTree(RelativePath(bytes: [])))
            case .inboxRemoved:
                throw DaemonError.inboxRemoved(configuration.inbox)
            }
        }
    }

    /// Ingests waiting files batch by batch, until none wait, the journal fails, or shutdown starts.
    private func processPending(stopping: ShutdownFlag) throws {
        if filesWait && retry.isDue {
            delivery?.pause()
            mover.setJournaling(true)
            defer {
                mover.setJournaling(false)
                delivery?.resume()
            }
            while filesWait && !stopping.isSet {
                if pending.isEmpty && reads.count == 0 {
                    // Only paths whose earlier file is still being moved are left.
                    mover.waitUntilIdle()
                    collectMoveReports()
                    continue
                }
                guard ingestBatch() else { break }
                pingWatchdogIfDue(force: false)
                // Files that arrived during the batch join the next one.
                try handleArrivedEvents(readingQueue: true)
            }
            reportStatus(force: false)
        }
        // Only files that were already in the inbox at start can be left over from before it.
        if !filesWait && !unmoved.isEmpty { unmoved.removeAll() }
    }

    /// Takes up to `limit` waiting paths, setting aside those whose earlier file is still being
    /// read or moved; a held move that a new file waits for goes ahead now.
    private func takePending(_ limit: Int) -> [RelativePath] {
        while !pending.isEmpty {
            let taken = pending.take(limit)
            if movesInFlight.isEmpty && readingAhead.isEmpty { return taken }
            var free: [RelativePath] = []
            var waitsForMove = false
            for path in taken {
                if movesInFlight.contains(path) {
                    waitsForMove = true
                    deferred.append(path)
                } else if readingAhead.contains(path) {
                    deferred.append(path)
                } else {
                    free.append(path)
                }
            }
            if waitsForMove { mover.expedite() }
            if !free.isEmpty { return free }
        }
        return []
    }

    /// Whether an earlier file at `path` is still being read or moved: a new file there waits.
    private func isBusy(_ path: RelativePath) -> Bool {
        movesInFlight.contains(path) || readingAhead.contains(path)
    }

    /// Keeps up to `readAheadLimit` waiting files submitted to the readers, topping up in steps
    /// of a sixteenth so that the submissions stay few.
    private func readAhead() {
        let room = readAheadLimit - reads.count
        guard room >= max(1, readAheadLimit / 16) else { return }
        let paths = takePending(room)
        readingAhead.formUnion(paths)
        reads.submit(paths)
    }

    private var readAheadLimit: Int { max(1, configuration.batchSize / 2) }

    /// Learns which moves are done: their paths may be read again, and failures hold the move
    /// marker back.
    private func collectMoveReports() {
        for report in mover.takeReports() {
            movesInFlight.remove(report.file)
            if let seq = report.failedSeq { firstFailedMove = min(firstFailedMove ?? seq, seq) }
        }
        guard !deferred.isEmpty else { return }
        var ready: [RelativePath] = [], stillBusy: [RelativePath] = []
        for path in deferred {
            if isBusy(path) { stillBusy.append(path) } else { ready.append(path) }
        }
        deferred = stillBusy
        pending.putBack(ready)
    }

    /// Sends STATUS= when it changed, at most every 250 ms so that a burst does not flood the
    /// service manager; the next tick sends what was held back.
    private func reportStatus(force: Bool) {
        let text = statusLine, now = ContinuousClock.now
        guard text != lastStatus.text, force || now - lastStatus.at >= .milliseconds(250) else { return }
        notifier.status(text)
        lastStatus = (text, now)
    }

    /// Journals and moves one batch: up to `batchSize` files, or what was read in 100 ms, so that
    /// one batch never holds records back long, whatever the files cost to parse. Returns false
    /// when the journal write failed; the files then stay in the inbox and wait for the retry.
    private func ingestBatch() -> Bool {
        collectMoveReports()
        // Beyond the moves held back, the mover falls behind only when renames are slower than
        // parsing; then wait for it rather than let the jobs pile up.
        if movesInFlight.count >= mover.policy.limit + 4 * configuration.batchSize {
            mover.waitUntilIdle()
            collectMoveReports()
        }
        var records: [JournalRecord] = []
        var moves: [BackgroundMover.Job] = []
        var lines: [UInt8] = []
        var taken: [RelativePath] = []
        let deadline = ContinuousClock.now + .milliseconds(100)
        while taken.count < configuration.batchSize, ContinuousClock.now < deadline {
            readAhead()
            guard let (path, entry) = reads.next() else { break }
            readingAhead.remove(path)
            taken.append(path)
            // Seqs, dedup and journal order are decided here, in arrival order, one file at a time.
            switch entry {
            case .vanished: continue
            case .directory: pending.add(watcher.watchTree(path))
            case .file(let analysis):
                if let earlier = unmoved.claim(analysis) {
                    moveLeftOver(analysis, earlier)
                    continue
                }
                let record = ingestor.record(for: analysis, time: now())
                lines = record.appendingJSONLine(to: consume lines)
                records.append(record)
                movesInFlight.insert(path)
                moves.append(.init(seq: record.seq, file: record.file,
                                   destination: record.event == .rejected ? .rejected : .processed,
                                   identity: analysis.identity))
            }
        }
        guard !records.isEmpty else { return true }
        do {
            try journal.append(lines)
        } catch {
            ingestor.undo(records)
            movesInFlight.subtract(moves.map(\.file))
            // The files read ahead are read again after the retry, in their order.
            let unread = reads.cancel()
            readingAhead.removeAll()
            pending.putBack(taken + unread)
            retry.failed(error, logger: logger, waiting: pending.count)
            return false
        }
        retry.succeeded(logger: logger)
        moveOut(moves)
        return true
    }

    private var checkpointIsDue: Bool { ingestor.nextSeq - checkpointedSeq >= configuration.checkpointInterval }

    /// Hands a batch's moves over. When every earlier move is done, a due checkpoint is taken, or
    /// else the moves are made durable at most once a second; either waits for this batch's
    /// moves alone. While earlier moves are held back, both wait until the mover has caught up.
    private func moveOut(_ moves: [BackgroundMover.Job]) {
        let earlierMovesDone = mover.isIdle
        mover.enqueue(moves)
        unsyncedMovesThrough = moves.last?.seq ?? unsyncedMovesThrough
        guard earlierMovesDone else { return }
        if checkpointIsDue {
            saveCheckpoint(waiting: true)
        } else if ContinuousClock.now - movesSyncedAt >= .seconds(1) {
            syncMoves(waiting: true)
        }
    }

    /// Makes the moves since the last call durable (one fsync per directory touched), then
    /// advances the move marker over them. Done at most once a second during a burst, on ticks
    /// and at stop, rather than per batch: until then a power loss can only bring files back into
    /// the inbox whose records are past the marker, and those are recognised at the next start.
    /// Unless `waiting`, nothing is done while moves are held back or under way (false).
    @discardableResult
    private func syncMoves(waiting: Bool) -> Bool {
        guard waiting || mover.isIdle else { return false }
        movesSyncedAt = ContinuousClock.now
        mover.waitUntilIdle()
        collectMoveReports()
        do {
            try mover.syncDirectories()
            if let last = unsyncedMovesThrough { try moveMarker.write(min(last, movedThroughLimit)) }
            unsyncedMovesThrough = nil
            return true
        } catch {
            logger.error("Could not make the moves out of the inbox durable.", metadata: ["error": "\(error)"])
            return false
        }
    }

    /// The marker may not pass a record whose file is not known to be out of the inbox.
    private var movedThroughLimit: UInt64 {
        [firstFailedMove, unmoved.lowestSeq].compactMap { $0.map { $0 - 1 } }.min() ?? .max
    }

    /// A file journaled before the last stop but not moved then: move it now, without a second record.
    private func moveLeftOver(_ analysis: FileAnalysis, _ earlier: UnmovedRecords.Match) {
        movesInFlight.insert(analysis.file)
        mover.enqueue([.init(seq: earlier.seq, file: analysis.file,
                             destination: earlier.event == .rejected ? .rejected : .processed,
                             identity: analysis.identity, leftOver: true)])
    }

    private func reload() {
        notifier.reloading()
        do {
            try journal.reopen()
            saveCheckpoint(waiting: true)
            logger.info("Reopened the journal.", metadata: ["journal": "\(configuration.journal)"])
        } catch {
            logger.error("Could not reopen the journal; still writing to the old one.",
                         metadata: ["journal": "\(configuration.journal)", "error": "\(error)"])
        }
        notifier.ready(status: statusLine)
    }

    private func pingWatchdogIfDue(force: Bool) {
        guard let interval = notifier.watchdogInterval else { return }
        let now = ContinuousClock.now
        if force || now - lastPing >= interval / 4 {
            notifier.watchdog()
            lastPing = now
        }
    }

    /// The record time, formatted once per millisecond: a burst journals many files in each.
    private func now() -> String {
        var time = timespec()
        clock_gettime(CLOCK_REALTIME, &time)
        let millisecond = Int64(time.tv_sec) * 1000 + Int64(time.tv_nsec) / 1_000_000
        if millisecond != lastTime.millisecond {
            lastTime = (millisecond, JournalTime.rfc3339(seconds: Int64(time.tv_sec), nanoseconds: Int64(time.tv_nsec)))
        }
        return lastTime.text
    }
}
