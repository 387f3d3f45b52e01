import Glibc
import IngestCore
import IngestIO
import Logging

extension IngestLoop {
    /// What the loop is made of, put together by ``start(configuration:notifier:logger:metrics:mailbox:)``.
    struct Parts {
        var configuration: DaemonConfiguration
        var notifier: any LifecycleNotifier
        var logger: Logger
        var metrics: any IngestMetrics
        var journal: JournalFile
        var watcher: InboxWatcher
        var mailbox: Mailbox<LoopMessage>
        var journaling: JournalingFlag
        var reader: InboxFileReader
        var reads: ReadAhead<RelativePath, InboxEntry>
        var mover: BackgroundMover
        var moveMarker: MoveMarker
        var ingestor: Ingestor
        var unmoved: UnmovedRecords
    }

    /// Prepares everything on the calling thread (the loop's): the journal is open and replayed,
    /// the watch is in place and the inbox listed, the mover's and the inotify reader's threads
    /// run, and READY=1 has been sent when this returns.
    static func start(
        configuration: DaemonConfiguration, notifier: any LifecycleNotifier, logger: Logger, metrics: any IngestMetrics,
        mailbox: Mailbox<LoopMessage>
    ) throws -> IngestLoop {
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
        let watcher = try watchInbox(configuration, directories, logger: logger)
        let reader = InboxFileReader(inbox: directories.inbox, maxBytes: configuration.maxBytes,
                                     sketched: configuration.nearThreshold != nil,
                                     passageWords: configuration.passages?.minimumWords)
        let mover: BackgroundMover
        do {
            mover = try BackgroundMover(inbox: directories.inbox, processed: directories.processed,
                                        rejected: directories.rejected, logger: logger)
        } catch {
            throw DaemonError("Cannot start the thread that moves files out of the inbox: \(error).")
        }
        let loop = IngestLoop(Parts(
            configuration: configuration, notifier: notifier, logger: logger, metrics: metrics, journal: journal, watcher: watcher,
            mailbox: mailbox, journaling: JournalingFlag(), reader: reader,
            // The loop reads too whenever it would otherwise wait: one thread per core in all.
            reads: ReadAhead(label: "ingestd.reader", workers: Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))) - 1) { reader.read($0) },
            mover: mover, moveMarker: moveMarker, ingestor: ingestor, unmoved: unmoved))
        do {
            try loop.startWatching()
        } catch {
            loop.close()
            throw error
        }
        if UInt64(report.records) >= configuration.checkpointInterval { loop.saveCheckpoint(waiting: true) }
        // Loading the checkpoint and replaying the journal freed large buffers; hand that memory
        // back to the system instead of keeping it for the life of the daemon.
        ProcessMemory.returnFreedMemory()
        notifier.ready(status: loop.statusLine)
        logger.info("ingestd started", metadata: [
            "inbox": "\(configuration.inbox)", "journal": "\(configuration.journal)",
            "replayed": "\(report.records)", "resumed_at": "\(report.resumedAt)", "waiting": "\(loop.files.waitingCount)",
            "startup": "\(ContinuousClock.now - started)",
        ])
        return loop
    }

    /// Lists the inbox (the watch was added first, so nothing falls between) and starts the
    /// inotify reader's thread, which posts events to the mailbox.
    private func startWatching() throws {
        files.add(watcher.watchTree(RelativePath(bytes: [])))
        let mailbox = self.mailbox, journaling = self.journaling
        do {
            events = try watcher.startReading(isBusy: { journaling.isSet }, deliver: { mailbox.post(.events($0)) })
        } catch {
            throw DaemonError("Cannot start the thread that reads the inbox's events: \(error).")
        }
    }

    private static func watchInbox(
        _ configuration: DaemonConfiguration, _ directories: StateDirectories, logger: Logger
    ) throws -> InboxWatcher {
        do {
            return try InboxWatcher(inboxPath: configuration.inbox, inbox: directories.inbox, logger: logger)
        } catch {
            throw DaemonError("Cannot watch the inbox \(configuration.inbox): \(error). "
                + (error.errno == ENOSPC || error.errno == EMFILE
                    ? "The inotify limits are reached; raise fs.inotify.max_user_watches and fs.inotify.max_user_instances (sysctl)."
                    : "Check that it is a directory ingestd may read."))
        }
    }

    /// The state saved at the last checkpoint, and where in which journal file it ends; a fresh
    /// state when there is none (the whole journal is then replayed).
    private static func loadCheckpoint(
        _ configuration: DaemonConfiguration, logger: Logger
    ) -> (Ingestor, JournalFile.ResumePoint?) {
        switch CheckpointFile.read(configuration.checkpoint) {
        case .missing:
            return (Ingestor(nearThreshold: configuration.nearThreshold, passages: configuration.passages), nil)
        case .damaged:
            logger.warning(
                "The index checkpoint is damaged; rebuilding the index from the journal. Articles and seqs from journals rotated away are not in it.",
                metadata: ["checkpoint": "\(configuration.checkpoint)"])
            return (Ingestor(nearThreshold: configuration.nearThreshold, passages: configuration.passages), nil)
        case .valid(let checkpoint):
            let identity = FileIdentity(device: checkpoint.journalDevice, inode: checkpoint.journalInode)
            return (Ingestor(checkpoint: checkpoint, nearThreshold: configuration.nearThreshold, passages: configuration.passages),
                    .init(identity: identity, offset: Int(checkpoint.journalOffset)))
        }
    }
}
