import Glibc
import IngestIO
import InMemoryLogging
import Logging
import Testing

@testable import IngestDaemon

@Suite struct RetryStateTests {
    @Test func backsOffFromATenthOfASecondDoublingToThirtySecondsAndLogsOnce() {
        let logs = InMemoryLogHandler()
        let logger = Logger(label: "test", factory: { _ in logs })
        var retry = RetryState()
        let start = ContinuousClock.now
        #expect(retry.isDue(now: start) && retry.failure == nil)
        let full = SystemError("write", path: "journal.jsonl", errno: ENOSPC)
        var delays: [Duration] = []
        for _ in 0..<12 {
            retry.failed(full, logger: logger, waiting: 3, now: start)
            delays.append(retry.delay)
        }
        #expect(delays.prefix(4) == [.milliseconds(100), .milliseconds(200), .milliseconds(400), .milliseconds(800)])
        #expect(delays.last == .seconds(30))
        #expect(!retry.isDue(now: start + .seconds(29)))
        #expect(retry.isDue(now: start + .seconds(30)))
        #expect(retry.failure?.name == "ENOSPC")
        #expect(logs.entries.map(\.level) == [.error], "one error for the whole failure")

        retry.succeeded(logger: logger)
        #expect(retry.failure == nil)
        #expect(logs.entries.map(\.message.description).last == "The journal is writable again; resuming.")
        // A new failure starts again from a tenth of a second, and is logged again.
        retry.failed(full, logger: logger, waiting: 0, now: start)
        #expect(retry.delay == .milliseconds(100))
        #expect(logs.entries.map(\.level) == [.error, .notice, .error])
        // The control: success without a failure logs nothing.
        retry.succeeded(logger: logger)
        retry.succeeded(logger: logger)
        #expect(logs.entries.count == 4)
    }
}
