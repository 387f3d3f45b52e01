import IngestIO
import Logging
import ServiceLifecycle
import UnixSignals

/// The ingestd daemon as a service: watches the inbox, journals every file, moves it out.
///
/// The work runs on the loop's own thread (see ``IngestLoop``); this service only starts it,
/// forwards SIGHUP and the start of a graceful shutdown to it as messages, and waits for it to
/// end, so nothing here blocks a thread of Swift's cooperative pool.
///
/// Startup: create the directories, load the journal (repairing a torn end) to rebuild the dedup
/// index, add the inotify watch, list what is already in the inbox, then report READY=1.
/// Graceful shutdown (SIGTERM, SIGINT) reports STOPPING=1, finishes the batch in flight and
/// returns; files still waiting stay in the inbox for the next start; cancelling the task does the
/// same without STOPPING=1. SIGHUP reopens the journal.
public struct InboxService: Service {
    public let configuration: DaemonConfiguration
    public let notifier: any LifecycleNotifier
    public let logger: Logger
    public let metrics: any IngestMetrics
    private let reloads: AsyncStream<Void>?

    /// - Parameter reloads: each element reopens the journal; nil: SIGHUP does.
    public init(configuration: DaemonConfiguration, notifier: any LifecycleNotifier, logger: Logger,
                metrics: any IngestMetrics = NoMetrics(), reloads: AsyncStream<Void>? = nil) {
        self.configuration = configuration
        self.notifier = notifier
        self.logger = logger
        self.metrics = metrics
        self.reloads = reloads
    }

    public func run() async throws {
        let mailbox = Mailbox<LoopMessage>()
        try await withThrowingDiscardingTaskGroup { group in
            group.addTask { [reloads] in
                if let reloads {
                    for await _ in reloads { mailbox.post(.reload) }
                } else {
                    for await _ in await UnixSignalsSequence(trapping: .sighup) { mailbox.post(.reload) }
                }
            }
            // Cancellation (a service group ending on another service's failure) stops the loop
            // as a graceful shutdown does: after the batch in flight.
            try await withTaskCancellationHandler {
                try await withGracefulShutdownHandler {
                    try await runLoop(mailbox)
                } onGracefulShutdown: { [notifier] in
                    notifier.stopping()
                    mailbox.post(.shutdown)
                }
            } onCancel: {
                mailbox.post(.shutdown)
            }
            group.cancelAll()
        }
    }

    /// Starts the loop on its thread and waits, without blocking, until it returns or fails.
    private func runLoop(_ mailbox: Mailbox<LoopMessage>) async throws {
        let (configuration, notifier, logger, metrics) = (configuration, notifier, logger, metrics)
        try await withCheckedThrowingContinuation { (finished: CheckedContinuation<Void, any Error>) in
            do {
                try DedicatedThread.detached(name: "ingestd.loop") {
                    do {
                        let loop = try IngestLoop.start(configuration: configuration, notifier: notifier,
                                                        logger: logger, metrics: metrics, mailbox: mailbox)
                        defer { loop.close() }
                        try loop.run()
                    } catch {
                        finished.resume(throwing: error)
                        return
                    }
                    finished.resume()
                }
            } catch {
                finished.resume(throwing: DaemonError("Cannot start the loop's thread: \(error)."))
            }
        }
    }
}
