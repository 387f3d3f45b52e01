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
        private let batchSizes = Mutex<[Int]>([])
        func add(_ events: [InotifyEvent]) {
            names.withLock { $0 += events.map { String(decoding: $0.name, as: UTF8.self) } }
            batchSizes.withLock { $0.append(events.count) }
        }
        var all: [String] { names.withLock { $0 } }
        var batches: Int { batchSizes.withLock { $0.count } }
    }

    private func touch(_ name: String) throws {
        try directory.write(name, [])
    }

    @Test func theReaderDeliversEventsInOrderUntilStopped() async throws {
        let inotify = try Inotify()
        defer { inotify.close() }
        _ = try inotify.addWatch(Array(directory.path.utf8), mask: UInt32(IN_CREATE))
        let delivered = Delivered()
        let reader = try InotifyReader(inotify, isBusy: { false }, deliver: delivered.add)

        for name in ["first", "second", "third"] { try touch(name) }
        try await eventually("three events") { delivered.all == ["first", "second", "third"] }

        reader.stop()
        try touch("after-stop")
        // The control: the same kind of event is in the kernel's queue, only no one reads it.
        var polled = pollfd(fd: inotify.descriptor.rawValue, events: Int16(POLLIN), revents: 0)
        #expect(poll(&polled, 1, 1000) == 1, "the event was queued")
        #expect(!delivered.all.contains("after-stop"))
    }

    /// While its consumer is busy, the reader lets events gather: many files, few deliveries.
    @Test func eventsGatherWhileTheConsumerIsBusy() async throws {
        let inotify = try Inotify()
        defer { inotify.close() }
        _ = try inotify.addWatch(Array(directory.path.utf8), mask: UInt32(IN_CREATE))
        let busy = Atomic<Bool>(true)
        let delivered = Delivered()
        let reader = try InotifyReader(inotify, isBusy: { busy.load(ordering: .relaxed) }, deliver: delivered.add)
        defer { reader.stop() }
        for index in 0..<2_000 { try touch("f\(index)") }
        try await eventually("2,000 events") { delivered.all.count == 2_000 }
        #expect(delivered.all == (0..<2_000).map { "f\($0)" })
        #expect(delivered.batches < 1_000, "\(delivered.batches) deliveries for 2,000 events")
    }

    /// A flush delivers what the kernel holds at once, gathering or not, and returns after.
    @Test func aFlushDeliversTheQueuedEventsBeforeItReturns() throws {
        let inotify = try Inotify()
        defer { inotify.close() }
        _ = try inotify.addWatch(Array(directory.path.utf8), mask: UInt32(IN_CREATE))
        let delivered = Delivered()
        let reader = try InotifyReader(inotify, isBusy: { true }, deliver: delivered.add)
        reader.flush()  // nothing queued: it returns all the same
        for round in 0..<50 {
            try touch("r\(round)")
            reader.flush()
            #expect(delivered.all.last == "r\(round)", "round \(round): \(delivered.all.suffix(2))")
        }
        reader.stop()
        reader.flush()  // after stop: returns at once
        #expect(delivered.all == (0..<50).map { "r\($0)" })
    }
}
