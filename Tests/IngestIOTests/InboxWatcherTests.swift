import Foundation
import Glibc
import IngestCore
import IngestIO
import IngestTestSupport
import Logging
import Synchronization
import Testing

@Suite struct InboxWatcherTests {
    let directory = TemporaryDirectory()

    private func watcher() throws -> InboxWatcher {
        let inbox = try FileDescriptor.currentDirectory.open(directory.path, flags: O_RDONLY | O_DIRECTORY)
        return try InboxWatcher(inboxPath: directory.path, inbox: inbox, logger: Logger(label: "test"))
    }

    /// The changes reported once `count` have come (at most ten seconds), and a second more.
    private func changes(_ watcher: InboxWatcher, count: Int, after drop: () throws -> Void) async throws -> [InboxChange] {
        let collected = Collected()
        let reader = try watcher.startReading(isBusy: { false }, deliver: collected.add)
        defer { reader.stop() }
        try drop()
        try await eventually("\(count) events") { collected.count >= count }
        try await Task.sleep(for: .seconds(1))
        reader.stop()
        return watcher.interpret(collected.events)
    }

    final class Collected: Sendable {
        private let all = Mutex<[InotifyEvent]>([])
        func add(_ events: [InotifyEvent]) { all.withLock { $0 += events } }
        var events: [InotifyEvent] { all.withLock { $0 } }
        var count: Int { all.withLock { $0.count } }
    }

    @Test func listsExistingFilesInNameOrderSkippingPartials() throws {
        try directory.write("b.txt", [1])
        try directory.write("a.txt", [1])
        try directory.write(".hidden", [1])
        try directory.write("c.part", [1])
        try directory.write("sub/d.json", [1])
        try directory.write(".tmpdir/e.txt", [1])
        let watcher = try watcher()
        defer { watcher.close() }
        #expect(watcher.watchTree(RelativePath(bytes: [])) == ["a.txt", "b.txt", "sub/d.json"].map(RelativePath.init))
        #expect(watcher.watchedDirectories == 2)
    }

    @Test func reportsCompletedFilesNewDirectoriesAndCreatedEntries() async throws {
        let watcher = try watcher()
        defer { watcher.close() }
        let seen = try await changes(watcher, count: 7) {
            try directory.write("written.txt", Array("x".utf8))
            try directory.write(".rsync-temp", Array("x".utf8))
            try FileManager.default.moveItem(atPath: directory.file(".rsync-temp"), toPath: directory.file("moved.txt"))
            try FileManager.default.createDirectory(atPath: directory.file("newdir"), withIntermediateDirectories: false)
            #expect(symlink("/etc/passwd", directory.file("link")) == 0)
        }
        #expect(seen.contains(.completed(RelativePath("written.txt"))))
        #expect(seen.contains(.completed(RelativePath("moved.txt"))))
        #expect(seen.contains(.directory(RelativePath("newdir"))))
        #expect(seen.contains(.created(RelativePath("link"))))
        #expect(!seen.contains { if case .completed(let path) = $0 { return path.description.hasPrefix(".") } else { return false } })
    }

    @Test func watchesSubdirectoriesOnceListed() async throws {
        let watcher = try watcher()
        defer { watcher.close() }
        try FileManager.default.createDirectory(atPath: directory.file("sub"), withIntermediateDirectories: false)
        #expect(watcher.watchTree(RelativePath("sub")).isEmpty)
        let seen = try await changes(watcher, count: 2) { try directory.write("sub/inner.txt", [1]) }
        #expect(seen.contains(.completed(RelativePath("sub/inner.txt"))))
    }

    @Test func overflowAndRemovalAreReported() async throws {
        let watcher = try watcher()
        defer { watcher.close() }
        let overflow = InotifyEvent(watch: -1, mask: UInt32(IN_Q_OVERFLOW), name: [])
        #expect(watcher.interpret([overflow]) == [.overflow])
        // Moved away (a deletion sends nothing while the daemon holds the directory open; the
        // loop checks for that on its ticks).
        let seen = try await changes(watcher, count: 1) {
            try FileManager.default.moveItem(atPath: directory.path, toPath: directory.path + ".moved")
        }
        defer { try? FileManager.default.moveItem(atPath: directory.path + ".moved", toPath: directory.path) }
        #expect(seen.contains(.inboxRemoved))
    }

    @Test func parsesKernelEventRecords() {
        // wd=3, mask=IN_CLOSE_WRITE, cookie=0, len=8, name "ab.txt" NUL-padded to 8.
        var bytes: [UInt8] = [3, 0, 0, 0, 8, 0, 0, 0, 0, 0, 0, 0, 8, 0, 0, 0]
        bytes += Array("ab.txt".utf8) + [0, 0]
        bytes += [1, 0, 0, 0, 0, 0x40, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]  // IN_Q_OVERFLOW, no name
        #expect(Inotify.parse(bytes[...]) == [
            InotifyEvent(watch: 3, mask: UInt32(IN_CLOSE_WRITE), name: Array("ab.txt".utf8)),
            InotifyEvent(watch: 1, mask: UInt32(IN_Q_OVERFLOW), name: []),
        ])
    }
}
