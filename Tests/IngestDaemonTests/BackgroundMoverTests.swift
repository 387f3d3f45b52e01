import Foundation
import Glibc
import IngestCore
import IngestIO
import IngestTestSupport
import Logging
import Testing

@testable import IngestDaemon

@Suite struct BackgroundMoverTests {
    let root = TemporaryDirectory()

    /// A hold that cannot run out while a test looks.
    static let forever = Duration.seconds(3600)

    /// A mover on its thread; stopped (its moves finished) when `body` returns.
    private func withMover(_ policy: BackgroundMover.HoldPolicy, _ body: (BackgroundMover) async throws -> Void) async throws {
        for name in ["inbox", "processed", "rejected"] {
            try FileManager.default.createDirectory(atPath: root.file(name), withIntermediateDirectories: true)
        }
        func open(_ name: String) throws -> FileDescriptor {
            try FileDescriptor.currentDirectory.open(root.file(name), flags: O_RDONLY | O_DIRECTORY)
        }
        let mover = try BackgroundMover(inbox: try open("inbox"), processed: try open("processed"),
                                        rejected: try open("rejected"), policy: policy, logger: Logger(label: "test"))
        defer { mover.stop() }
        try await body(mover)
    }

    /// Drops `name` into the inbox and hands its move over.
    private func dropAndEnqueue(_ names: [String], to mover: BackgroundMover) throws {
        for name in names { try root.write("inbox/" + name, Array(name.utf8)) }
        for (seq, name) in names.enumerated() {
            mover.enqueue([.init(seq: UInt64(seq + 1), file: RelativePath(name), destination: .processed)])
        }
    }

    private func isInInbox(_ name: String) -> Bool { FileManager.default.fileExists(atPath: root.file("inbox/" + name)) }

    @Test func theReleaseComesAQuietPeriodAfterTheLoopWentIdleAndNoLaterThanTheLongestHold() {
        let policy = BackgroundMover.HoldPolicy(quiet: .milliseconds(50), longest: .seconds(2), limit: 10)
        let start = ContinuousClock.now
        func release(handedOver: Duration, idleSince: Duration?, queued: Int = 1) -> Duration {
            policy.release(handedOver: start + handedOver, idleSince: idleSince.map { start + $0 }, queued: queued) - start
        }
        #expect(release(handedOver: .zero, idleSince: .zero) == .milliseconds(50))
        #expect(release(handedOver: .zero, idleSince: .milliseconds(900)) == .milliseconds(950))
        // While the loop journals (a slow fdatasync included), until the longest hold...
        #expect(release(handedOver: .milliseconds(100), idleSince: nil) == .milliseconds(2100))
        // ...which also caps the quiet period, counted from the hand-over.
        #expect(release(handedOver: .milliseconds(100), idleSince: .seconds(5)) == .milliseconds(2100))
        // Over the limit, at once.
        #expect(release(handedOver: .milliseconds(100), idleSince: nil, queued: 11) == .milliseconds(100))
        #expect(release(handedOver: .milliseconds(100), idleSince: nil, queued: 10) == .milliseconds(2100))
    }

    @Test func holdsMovesWhileTheLoopJournalsAndMovesOnceItHasBeenIdle() async throws {
        try await withMover(.init(quiet: .milliseconds(50), longest: Self.forever, limit: 100)) { mover in
            mover.setJournaling(true)
            try dropAndEnqueue(["a.txt", "b.txt"], to: mover)
            try await Task.sleep(for: .milliseconds(200))
            #expect(isInInbox("a.txt") && isInInbox("b.txt"), "moved while the loop was journaling")
            #expect(!mover.isIdle)
            // The positive control: the same moves go once the loop is idle.
            mover.setJournaling(false)
            try await eventually("a.txt and b.txt leave the inbox") { !isInInbox("a.txt") && !isInInbox("b.txt") }
            try await eventually("the mover is idle") { mover.isIdle }
            #expect(mover.takeReports().map(\.file) == [RelativePath("a.txt"), RelativePath("b.txt")])
            #expect(FileManager.default.fileExists(atPath: root.file("processed/b.txt")))
        }
    }

    @Test func theOldestMoveWaitsAtMostTheLongestHold() async throws {
        try await withMover(.init(quiet: Self.forever, longest: .milliseconds(100), limit: 100)) { mover in
            mover.setJournaling(true)
            try dropAndEnqueue(["a.txt", "b.txt"], to: mover)
            try await eventually("a.txt and b.txt leave the inbox") { !isInInbox("a.txt") && !isInInbox("b.txt") }
        }
    }

    @Test func movesGoAheadBeyondTheLimit() async throws {
        try await withMover(.init(quiet: Self.forever, longest: Self.forever, limit: 2)) { mover in
            mover.setJournaling(true)
            try dropAndEnqueue(["a.txt"], to: mover)
            try await Task.sleep(for: .milliseconds(100))
            #expect(isInInbox("a.txt"), "moved while within the limit")
            // The mover is waiting on a.txt when the limit is passed, and must look again.
            try dropAndEnqueue(["b.txt", "c.txt"], to: mover)
            // Three held, one over the limit: the oldest goes; the other two are within it and wait.
            try await eventually("a.txt leaves the inbox") { !isInInbox("a.txt") }
            try await Task.sleep(for: .milliseconds(100))
            #expect(isInInbox("b.txt") && isInInbox("c.txt"))
            mover.waitUntilIdle()
            #expect(!isInInbox("b.txt") && !isInInbox("c.txt"), "the control: awaited, they go")
        }
    }

    @Test func expeditedAndAwaitedMovesDoNotWait() async throws {
        try await withMover(.init(quiet: Self.forever, longest: Self.forever, limit: 100)) { mover in
            mover.setJournaling(true)
            try dropAndEnqueue(["a.txt"], to: mover)
            mover.expedite()
            try await eventually("a.txt leaves the inbox") { !isInInbox("a.txt") }

            try dropAndEnqueue(["b.txt", "c.txt"], to: mover)
            mover.waitUntilIdle()
            #expect(!isInInbox("b.txt") && !isInInbox("c.txt"))
            #expect(mover.isIdle)

            try dropAndEnqueue(["d.txt"], to: mover)
            try mover.syncDirectories()
            #expect(!isInInbox("d.txt"))
        }
    }

    @Test func withoutAHoldMovesGoAheadAtOnce() async throws {
        try await withMover(.none) { mover in
            mover.setJournaling(true)
            try dropAndEnqueue(["a.txt"], to: mover)
            try await eventually("a.txt leaves the inbox", within: .seconds(2)) { !isInInbox("a.txt") }
        }
    }

    @Test func stoppingFinishesTheHeldMoves() async throws {
        try await withMover(.init(quiet: Self.forever, longest: Self.forever, limit: 100)) { mover in
            mover.setJournaling(true)
            try dropAndEnqueue(["a.txt"], to: mover)
            mover.stop()
            #expect(!isInInbox("a.txt"))
        }
    }
}
