import Foundation
import Glibc
import IngestCore
import IngestIO
import IngestTestSupport
import Logging
import Testing

@Suite struct InboxWatcherTests {
    let directory = TemporaryDirectory()

    private func watcher() throws -> InboxWatcher {
        let inbox = try FileDescriptor.currentDirectory.open(directory.path, flags: O_RDONLY | O_DIRECTORY)
        return try InboxWatcher(inboxPath: directory.path, inbox: inbox, logger: Logger(label: "test"))
    }

    /// The changes reported within one second.
    private func changes(_ watcher: InboxWatcher) async -> [InboxChange] {
        let events = watcher.events()
        return await withTaskGroup(of: [[InotifyEvent]]?.self) { group in
            group.addTask {
                var batches: [[InotifyEvent]] = []
                for await batch in events { batches.append(batch) }
                return batches
            }
            group.addTask {
                try? await Task.sleep(for: .seconds(1))
                return nil
            }
            _ = await group.next()
            group.cancelAll()
            var collected: [InboxChange] = []
            while let result = await group.next() {
                for batch in result ?? [] { collected += watcher.interpret(batch) }
            }
            return collected
        }
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
        try directory.write("written.txt", Array("x".utf8))
        try directory.write(".rsync-temp", Array("x".utf8))
        try FileManager.default.moveItem(atPath: directory.file(".rsync-temp"), toPath: directory.file("moved.txt"))
        try FileManager.default.createDirectory(atPath: directory.file("newdir"), withIntermediateDirectories: false)
        #expect(symlink("/etc/passwd", directory.file("link")) == 0)
        let seen = await changes(watcher)
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
        try directory.write("sub/inner.txt", [1])
        let seen = await changes(watcher)
        #expect(seen.contains(.completed(RelativePath("sub/inner.txt"))))
    }

    @Test func overflowAndRemovalAreReported() throws {
        let watcher = try watcher()
        defer { watcher.close() }
        let overflow = InotifyEvent(watch: -1, mask: UInt32(IN_Q_OVERFLOW), name: [])
        #expect(watcher.interpret([overflow]) == [.overflow])
        try FileManager.default.removeItem(atPath: directory.path)
        let removal = InotifyEvent(watch: 1, mask: UInt32(IN_DELETE_SELF), name: [])
        #expect(watcher.interpret([removal]) == [.inboxRemoved])
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
