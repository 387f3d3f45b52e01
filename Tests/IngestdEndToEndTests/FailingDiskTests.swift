import Foundation
import Glibc
import IngestTestSupport
import Testing

extension EndToEnd {
    @Suite struct FailingDiskTests {
        /// fdatasync of the journal fails with EIO (strace injects the faults): the daemon keeps
        /// running, keeps the files in the inbox, says so, and resumes by itself. strace counts
        /// calls per thread, and the loop may run on any thread of the pool, so the first two calls
        /// of every thread fail: the first journal write fails for certain, and later ones succeed.
        @Test func ioErrorsOnTheJournalAreRetriedAndNothingIsLostOrTorn() async throws {
            let harness = try DaemonHarness(launcher: [
                "/usr/bin/strace", "-f", "-o", "/dev/null", "-e", "trace=fdatasync",
                "-e", "inject=fdatasync:error=EIO:when=1..2",
            ])
            try await harness.start()
            for index in 0..<5 { try harness.dropByRename(Array((Seeds.text(1) + " \(index)").utf8), as: "b\(index).txt") }
            _ = try await harness.notify.waitFor("STATUS reporting the failing journal (EIO)") {
                $0.contains("journal write failed") && $0.contains("EIO")
            }

            // Lines of a write whose fdatasync then fails are in the file until the daemon cuts them
            // off again, so records seen before the recovery is logged may still vanish: the
            // recovery is logged just after the append that succeeded.
            try await eventually("the recovery in the log") { harness.daemon?.log.contains("writable again") == true }
            let records = try await harness.records(atLeast: 5)
            #expect(records.count == 5)
            #expect(records.map { $0.int("seq") } == Array(1...5))
            #expect(Set(records.compactMap { $0.string("file") }) == Set((0..<5).map { "b\($0).txt" }))
            #expect(harness.journalProblem() == nil)
            #expect(harness.daemon?.log.contains("Cannot write the journal") == true)
            #expect(await harness.stop() == 0)
        }
    }
}
