import Foundation
import Glibc
import IngestTestSupport
import Testing

extension EndToEnd {
    @Suite(.serialized) struct OverflowTests {
        /// More files than the kernel queues events for (fs.inotify.max_queued_events, 16384 by
        /// default) arrive while the daemon is stopped: the queue overflows and a rescan finds them all.
        @Test func twentyThousandFilesWhileStoppedAreAllJournaled() async throws {
            let count = 20_000
            let queueLimit = (try? String(contentsOfFile: "/proc/sys/fs/inotify/max_queued_events", encoding: .utf8))
                .flatMap { Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) } ?? 16_384
            #expect(count > queueLimit, "the test needs more files than the event queue holds")

            let harness = try DaemonHarness()
            try await harness.start()
            harness.daemon?.signal(SIGSTOP)
            try harness.writeNumberedArticles(count, into: harness.inbox)
            harness.daemon?.signal(SIGCONT)

            let records = try await JournalLines.waitFor(count, in: harness.journal, timeout: .seconds(240))
            let files = Set(records.compactMap { $0.string("file") })
            #expect(records.count == count)
            #expect(files.count == count)
            #expect(records.allSatisfy { $0.string("event") == "article" })
            #expect(harness.daemon?.log.contains("overflowed") == true)
            #expect(harness.journalProblem() == nil)
            #expect(await harness.stop() == 0)
        }
    }
}
