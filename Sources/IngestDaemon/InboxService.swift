import Glibc
import IngestCore
import IngestIO
import Logging
import ServiceLifecycle
import Synchronization
import UnixSignals

/// The ingestd daemon as a service: watches the inbox, journals every file, moves it out.
///
/// Startup: create the directories, load the journal (repairing a torn end) to rebuild the dedup
/// index, add the inotify watch, list what is already in the inbox, then report READY=1.
/// Graceful shutdown (SIGTERM, SIGINT) reports STOPPING=1, finishes the batch in flight and
/// returns; files still waiting stay in the inbox for the next start. SIGHUP reopens the journal.
public struct InboxService: Service {
    public let configuration: DaemonConfiguration
    public let notifier: any LifecycleNotifier
    public let logger: Logger

    public init(configuration: DaemonConfiguration, notifier: any LifecycleNotifier, logger: Logger) {
        self.configuration = configuration
        self.notifier = notifier
        self.logger = logger
    }

    public func run() async throws {
        let loop = try IngestLoop.start(configuration: configuration, notifier: notifier, logger: logger)
        defer { loop.close() }
        let (inputs, continuation) = AsyncStream.makeStream(of: IngestLoop.Input.self)
        let stopping = ShutdownFlag()
        let tickInterval = loop.tickInterval
        // Events go from the inotify queue straight into the loop's backlog, with no task between;
        // the input only wakes the loop.
        let events = loop.deliverEvents { continuation.yield(.eventsArrived) }
        defer { events.cancel() }
        try await withThrowingDiscardingTaskGroup { group in
            group.addTask { await Self.tick(every: tickInterval, to: continuation) }
            group.addTask { await Self.forwardReloads(to: continuation) }
            try await withGracefulShutdownHandler {
                try await loop.run(inputs, stopping: stopping)
            } onGracefulShutdown: { [notifier] in
                notifier.stopping()
                stopping.set()
                continuation.yield(.shutdown)
            }
            group.cancelAll()
        }
    }

    private static func tick(every interval: Duration, to continuation: AsyncStream<IngestLoop.Input>.Continuation) async {
        while (try? await Task.sleep(for: interval)) != nil { continuation.yield(.tick) }
    }

    private static func forwardReloads(to continuation: AsyncStream<IngestLoop.Input>.Continuation) async {
        for await _ in await UnixSignalsSequence(trapping: .sighup) { continuation.yield(.reload) }
    }
}

/// Set once when graceful shutdown starts; read by the loop between batches.
final class ShutdownFlag: Sendable {
    private let flag = Atomic<Bool>(false)

    func set() { flag.store(true, ordering: .relaxed) }

    var isSet: Bool { flag.load(ordering: .relaxed) }
}
