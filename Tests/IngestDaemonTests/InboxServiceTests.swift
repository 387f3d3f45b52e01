import Foundation
import IngestCore
import IngestDaemon
import IngestTestSupport
import InMemoryLogging
import Logging
import ServiceLifecycle
import ServiceLifecycleTestKit
import Synchronization
import Testing

/// The service in this process, as swift-service-lifecycle runs it: a burst, a reload and a
/// graceful shutdown, with what it tells the service manager and what it logs.
@Suite struct InboxServiceTests {
    let root = TemporaryDirectory("ingestd-service")

    /// What the service reports, and on which thread.
    final class RecordingNotifier: LifecycleNotifier {
        enum Report: Equatable { case ready, reloading, stopping, status(String) }
        private let state = Mutex<(reports: [Report], threads: Set<String>)>(([], []))

        var watchdogInterval: Duration? { nil }
        func ready(status: String?) { record(.ready) }
        func reloading() { record(.reloading) }
        func stopping() { record(.stopping) }
        func status(_ text: String) { record(.status(text)) }
        func watchdog() {}

        var reports: [Report] { state.withLock { $0.reports } }
        /// The names of the threads that sent a status: the loop's own.
        var statusThreads: Set<String> { state.withLock { $0.threads } }

        private func record(_ report: Report) {
            let thread = (try? String(contentsOfFile: "/proc/thread-self/comm", encoding: .utf8))?
                .trimmingCharacters(in: .newlines) ?? "?"
            state.withLock { state in
                state.reports.append(report)
                if case .status = report { state.threads.insert(thread) }
            }
        }
    }

    // Generous limits: the suite's other tests may hold the cooperative pool's threads a while.
    @Test(.timeLimit(.minutes(3)))
    func aBurstAReloadAndAGracefulShutdown() async throws {
        let configuration = DaemonConfiguration(stateDirectory: root.file("state"), batchSize: 64)
        let notifier = RecordingNotifier()
        let logs = InMemoryLogHandler()
        let (reloads, reload) = AsyncStream<Void>.makeStream()
        let service = InboxService(configuration: configuration, notifier: notifier,
                                   logger: Logger(label: "test", factory: { _ in logs }), reloads: reloads)
        let burst = 2_000
        try await testGracefulShutdown { shutdown in
            try await withThrowingTaskGroup { group in
                group.addTask { try await service.run() }
                try await eventually("READY", within: .seconds(90)) { notifier.reports.contains(.ready) }

                try drop(burst, into: configuration.inbox, prefix: "burst")
                try await eventually("\(burst) records", within: .seconds(90)) {
                    (try JournalLines.read(configuration.journal)).count == burst
                }
                try await eventually("the inbox emptied") { try inboxNames(configuration).isEmpty }
                try await eventually("a status with nothing waiting") {
                    notifier.reports.contains(.status("\(burst) articles, 0 duplicates, 0 rejected, 0 waiting"))
                }

                // logrotate's way: move the journal aside, then reload.
                try FileManager.default.moveItem(atPath: configuration.journal, toPath: configuration.journal + ".1")
                let beforeReload = notifier.reports.count
                reload.yield()
                try await eventually("RELOADING and READY") {
                    notifier.reports.dropFirst(beforeReload).starts(with: [.reloading, .ready])
                }
                try drop(1, into: configuration.inbox, prefix: "after-reload")
                try await eventually("the record in the new journal") {
                    (try? JournalLines.read(configuration.journal))?.count == 1
                }

                shutdown.triggerGracefulShutdown()
                try await group.waitForAll()
            }
        }
        let reports = notifier.reports
        #expect(reports.filter { $0 == .stopping }.count == 1)
        #expect(reports.last(where: { $0 == .ready || $0 == .stopping }) == .stopping)
        #expect(notifier.statusThreads == ["ingestd.loop"])
        #expect(try JournalLines.read(configuration.journal + ".1").map { $0.int("seq") } == (1...burst).map { $0 })
        #expect(try JournalLines.read(configuration.journal).first?.int("seq") == burst + 1)
        let messages = logs.entries.map(\.message.description)
        #expect(messages.first == "ingestd started")
        #expect(messages.contains("Reopened the journal."))
        #expect(messages.last == "ingestd stopped")
        #expect(!logs.entries.contains { $0.level >= .warning }, "\(logs.entries.filter { $0.level >= .warning })")
    }

    /// Cancelling the service's task (as a service group does when another service fails) stops
    /// the loop too, and the service returns.
    @Test(.timeLimit(.minutes(3)))
    func cancellationStopsTheService() async throws {
        let configuration = DaemonConfiguration(stateDirectory: root.file("state"))
        let notifier = RecordingNotifier()
        let logs = InMemoryLogHandler()
        let (reloads, _) = AsyncStream<Void>.makeStream()
        let service = InboxService(configuration: configuration, notifier: notifier,
                                   logger: Logger(label: "test", factory: { _ in logs }), reloads: reloads)
        let running = Task { try await service.run() }
        try await eventually("READY", within: .seconds(90)) { notifier.reports.contains(.ready) }
        try drop(1, into: configuration.inbox, prefix: "before-cancel")
        try await eventually("the record", within: .seconds(90)) { (try? JournalLines.read(configuration.journal))?.count == 1 }
        running.cancel()
        try await running.value
        #expect(logs.entries.last?.message.description == "ingestd stopped")
        #expect(!notifier.reports.contains(.stopping))
    }

    /// Writes distinct articles beside the inbox and renames them in, as a crawler would.
    private func drop(_ count: Int, into inbox: String, prefix: String) throws {
        let staging = root.file("staging")
        try FileManager.default.createDirectory(atPath: staging, withIntermediateDirectories: true)
        for index in 0..<count {
            let name = "\(prefix)-\(index).txt"
            try Data((Seeds.text(index % 5) + "\n\(prefix) \(index)").utf8).write(to: URL(fileURLWithPath: staging + "/" + name))
            try FileManager.default.moveItem(atPath: staging + "/" + name, toPath: inbox + "/" + name)
        }
    }

    private func inboxNames(_ configuration: DaemonConfiguration) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: configuration.inbox)
    }
}
