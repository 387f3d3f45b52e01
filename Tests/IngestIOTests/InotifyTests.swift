import Foundation
import Glibc
import IngestIO
import IngestTestSupport
import Synchronization
import Testing

@Suite struct InotifyTests {
    let directory = TemporaryDirectory()

    final class Delivered: Sendable {
        private let names = Mutex<[String]>([])
        func add(_ events: [InotifyEvent]) { names.withLock { $0 += events.map { String(decoding: $0.name, as: UTF8.self) } } }
        var all: [String] { names.withLock { $0 } }
    }

    private func touch(_ name: String) throws {
        try directory.write(name, [])
    }

    @Test func aPausedDeliveryLeavesTheEventsToTheOwnerAndAResumedOneDeliversAgain() async throws {
        let inotify = try Inotify()
        defer { inotify.close() }
        _ = try inotify.addWatch(Array(directory.path.utf8), mask: UInt32(IN_CREATE))
        let delivered = Delivered()
        let subscription = inotify.deliverEvents { delivered.add($0) }

        try touch("first")
        #expect(try await eventually { delivered.all == ["first"] })

        subscription.pause()
        try touch("while-paused")
        try await Task.sleep(for: .milliseconds(100))
        #expect(delivered.all == ["first"], "delivered while paused")
        #expect(inotify.readEvents().map { String(decoding: $0.name, as: UTF8.self) } == ["while-paused"])

        try touch("queued-before-resume")
        subscription.resume()
        #expect(try await eventually { delivered.all == ["first", "queued-before-resume"] })
        try touch("after-resume")
        #expect(try await eventually { delivered.all.last == "after-resume" })

        subscription.cancel()
        try touch("after-cancel")
        subscription.resume()  // no effect once cancelled
        try await Task.sleep(for: .milliseconds(100))
        #expect(!delivered.all.contains("after-cancel"))
    }
}
