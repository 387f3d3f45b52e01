import Foundation
import Glibc
import IngestTestSupport
import Testing

extension EndToEnd {
    @Suite(.serialized) struct ShutdownTests {
        /// SIGTERM in the middle of a burst of 20,000 files, with the other core kept busy:
        /// STOPPING=1 at once, exit 0 within a second of the batch in flight, and each file
        /// journaled exactly when it left the inbox (the rest wait there for the next start).
        @Test func sigtermDuringABurstStopsWithinASecond() async throws {
            let count = 20_000
            let harness = try DaemonHarness()
            try await harness.start()
            try harness.writeNumberedArticles(count, into: harness.staging)
            let busy = try BusyCore()
            defer { busy.stop() }
            for index in 0..<count {
                guard rename(harness.staging + "/n\(index).txt", harness.inbox + "/n\(index).txt") == 0 else {
                    throw HarnessError("rename n\(index).txt: errno \(errno)")
                }
            }
            _ = try await harness.records(atLeast: 1_000)

            let before = harness.notify.messages.count
            let signalled = ContinuousClock.now
            harness.daemon?.signal(SIGTERM)
            try await harness.notify.waitForLine("STOPPING=1", after: before, within: .seconds(1))
            let stoppingAfter = ContinuousClock.now - signalled
            let status = await harness.daemon?.waitForExit(timeout: .seconds(10))
            let exitedAfter = ContinuousClock.now - signalled
            #expect(status == 0, "stderr: \(harness.daemon?.log.suffix(2000) ?? "")")
            // A batch is at most 100 ms of reading plus the file being read.
            #expect(exitedAfter < .milliseconds(1_200), "exited \(exitedAfter) after SIGTERM (STOPPING=1 after \(stoppingAfter))")

            let records = try JournalLines.read(harness.journal)
            #expect(records.count < count, "SIGTERM came after the burst")
            let journaled = Set(records.compactMap { $0.string("file") })
            #expect(journaled.count == records.count)
            let processed = Set(try FileManager.default.contentsOfDirectory(atPath: harness.stateDir + "/processed"))
            let waiting = Set(try FileManager.default.contentsOfDirectory(atPath: harness.inbox))
            #expect(processed == journaled)
            #expect(waiting.isDisjoint(with: journaled))
            #expect(waiting.count + journaled.count == count)
            #expect(harness.journalProblem() == nil)
            print("SIGTERM during a burst: STOPPING=1 after \(stoppingAfter), exit after \(exitedAfter), \(records.count) of \(count) journaled")
        }
    }
}

/// A process that keeps one core busy for as long as it runs.
private final class BusyCore {
    private let process = Process()

    init() throws {
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", "while :; do :; done"]
        try process.run()
    }

    /// SIGKILL: a test runner's children may inherit SIGTERM blocked.
    func stop() {
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }
}
