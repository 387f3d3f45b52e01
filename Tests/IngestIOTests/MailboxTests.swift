import Glibc
import IngestTestSupport
import Synchronization
import Testing

@testable import IngestIO

@Suite struct MailboxTests {
    @Test func receivesWhatWasPostedInOrderAndNothingTwice() {
        let mailbox = Mailbox<Int>()
        mailbox.post(1)
        mailbox.post(2)
        #expect(mailbox.receive(until: nil) == [1, 2])
        #expect(mailbox.takeAll() == [])
        mailbox.post(3)
        #expect(mailbox.takeAll() == [3])
    }

    @Test func returnsEmptyAtTheDeadlineWhenNothingCame() {
        let mailbox = Mailbox<Int>()
        let start = ContinuousClock.now
        #expect(mailbox.receive(until: start + .milliseconds(30)) == [])
        #expect(ContinuousClock.now - start >= .milliseconds(30))
    }

    @Test func wakesTheOwnerWhenAMessageIsPostedFromAnotherThread() throws {
        let mailbox = Mailbox<Int>()
        let poster = try DedicatedThread(name: "test.poster") {
            usleep(20_000)
            mailbox.post(7)
        }
        defer { poster.join() }
        let start = ContinuousClock.now
        #expect(mailbox.receive(until: start + .seconds(10)) == [7])
        #expect(ContinuousClock.now - start < .seconds(10))
    }

    /// Many posters against an owner that waits with short deadlines: every message arrives
    /// once, and a signal that came too late for one wait does not end the next one early.
    @Test func manyPostersAndShortDeadlinesLoseNothing() async throws {
        let mailbox = Mailbox<Int>()
        let posters = try (0..<4).map { poster in
            try DedicatedThread(name: "test.poster\(poster)") {
                for message in 0..<5_000 {
                    mailbox.post(poster * 5_000 + message)
                    if message % 500 == 0 { usleep(100) }
                }
            }
        }
        var received: [Int] = []
        try await eventually("20,000 messages", within: .seconds(30)) {
            received += mailbox.receive(until: .now + .microseconds(50))
            return received.count >= 20_000
        }
        for poster in posters { poster.join() }
        #expect(received.count == 20_000)
        #expect(Set(received).count == 20_000)
        // Each poster's messages stay in its order.
        for poster in 0..<4 {
            let own = received.filter { $0 / 5_000 == poster }
            #expect(own == own.sorted())
        }
        let start = ContinuousClock.now
        #expect(mailbox.receive(until: start + .milliseconds(20)) == [])
        #expect(ContinuousClock.now - start >= .milliseconds(20))
    }

    @Test func aReplyCarriesOneAnswerToTheThreadThatWaits() throws {
        let reply = Reply<String>()
        let answering = try DedicatedThread(name: "test.answer") { reply.send("done") }
        #expect(reply.wait() == "done")
        answering.join()
    }
}
