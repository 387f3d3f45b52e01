import Foundation
import Glibc
import IngestCore
import IngestIO
import IngestTestSupport
import Testing

@Suite struct FileMoverTests {
    let root = TemporaryDirectory()

    private func mover() throws -> FileMover {
        for name in ["inbox", "processed", "rejected"] {
            try FileManager.default.createDirectory(atPath: root.file(name), withIntermediateDirectories: true)
        }
        func open(_ name: String) throws -> FileDescriptor {
            try FileDescriptor.currentDirectory.open(root.file(name), flags: O_RDONLY | O_DIRECTORY)
        }
        return FileMover(inbox: try open("inbox"), processed: try open("processed"), rejected: try open("rejected"))
    }

    private func contents(_ name: String) -> String? {
        FileManager.default.contents(atPath: root.file(name)).map { String(decoding: $0, as: UTF8.self) }
    }

    @Test func movesKeepingNamesWithSuffixesOnCollision() throws {
        let mover = try mover()
        for round in 1...3 {
            try root.write("inbox/report.txt", Array("round \(round)".utf8))
            try mover.move(RelativePath("report.txt"), to: .processed)
        }
        try mover.syncDirectories()
        #expect(contents("processed/report.txt") == "round 1")
        #expect(contents("processed/report.1.txt") == "round 2")
        #expect(contents("processed/report.2.txt") == "round 3")
        #expect(contents("inbox/report.txt") == nil)
    }

    @Test func keepsSubdirectories() throws {
        let mover = try mover()
        try root.write("inbox/batch/a/b.json", Array("{}".utf8))
        let target = try mover.move(RelativePath("batch/a/b.json"), to: .rejected)
        #expect(target == .moved(RelativePath("batch/a/b.json")))
        #expect(contents("rejected/batch/a/b.json") == "{}")
        try mover.syncDirectories()
    }

    @Test func vanishedFileIsNotAnError() throws {
        #expect(try mover().move(RelativePath("nothing.txt"), to: .processed) == .vanished)
        #expect(try mover().move(RelativePath("nothing.txt"), to: .processed, expected: FileIdentity(device: 1, inode: 2)) == .vanished)
    }

    /// The identity and the content of `inbox/name`, taken as the daemon's reader takes them: from
    /// the opened file. nil when nothing is there.
    private func read(_ name: String) throws -> (identity: FileIdentity, content: [UInt8])? {
        let inbox = try FileDescriptor.currentDirectory.open(root.file("inbox"), flags: O_RDONLY | O_DIRECTORY)
        defer { inbox.close() }
        let file: FileDescriptor
        do {
            file = try inbox.open(Array(name.utf8), flags: O_RDONLY | O_NOFOLLOW)
        } catch where error.errno == ENOENT {
            return nil
        }
        defer { file.close() }
        let identity = FileIdentity(try file.status(), generation: try file.handleDigest())
        return (identity, try file.readAll(limit: 1 << 20))
    }

    /// A file renamed over the one that was read is not moved in its place.
    @Test func putsBackAFileRenamedOverTheOneRead() throws {
        let mover = try mover()
        try root.write("inbox/a.txt", Array("first".utf8))
        let first = try #require(try read("a.txt")).identity
        try root.write("inbox/new.txt", Array("second".utf8))
        #expect(rename(root.file("inbox/new.txt"), root.file("inbox/a.txt")) == 0)
        #expect(try mover.move(RelativePath("a.txt"), to: .processed, expected: first) == .replaced(RelativePath("a.txt")))
        #expect(contents("inbox/a.txt") == "second")
        #expect(contents("processed/a.txt") == nil)
        let second = try #require(try read("a.txt")).identity
        #expect(try mover.move(RelativePath("a.txt"), to: .processed, expected: second) == .moved(RelativePath("a.txt")))
        #expect(contents("processed/a.txt") == "second")
    }

    /// ext4 gives a freed inode number to the next file created: a file that replaced the one read
    /// after it was deleted can have its device and inode numbers, but not its generation.
    @Test(.enabled(if: TemporaryDirectory.fileSystemHasHandles, "the file system under /tmp has no file handles"))
    func aFileWithTheInodeNumberOfTheOneReadIsNotTakenForIt() throws {
        let mover = try mover()
        var reused = 0
        for round in 0..<20 {
            try root.write("inbox/a.txt", Array("first \(round)".utf8))
            let first = try #require(try read("a.txt")).identity
            #expect(unlink(root.file("inbox/a.txt")) == 0)
            try root.write("inbox/a.txt", Array("second \(round)".utf8))
            let second = try #require(try read("a.txt")).identity
            if second.inode == first.inode { reused += 1 }
            #expect(try mover.move(RelativePath("a.txt"), to: .processed, expected: first) == .replaced(RelativePath("a.txt")))
            #expect(try mover.move(RelativePath("a.txt"), to: .processed, expected: second) != .replaced(RelativePath("a.txt")))
        }
        print("inode numbers reused in \(reused) of 20 rounds")
    }

    /// A producer renames new files over one name while it is read and moved out, again and
    /// again: every file that reaches processed/ is one that was read.
    @Test(.enabled(if: TemporaryDirectory.fileSystemHasHandles, "the file system under /tmp has no file handles"))
    func aFileRenamedOverTheNameAsItIsMovedIsNeverMovedInstead() throws {
        let mover = try mover()
        let producer = Producer(inbox: root.file("inbox"), files: 1_000)
        var read = Set<[UInt8]>()
        while !producer.isDone {
            guard let (identity, content) = try self.read("a.txt") else { continue }
            if case .moved = try mover.move(RelativePath("a.txt"), to: .processed, expected: identity) {
                read.insert(content)
            }
        }
        let moved = try FileManager.default.contentsOfDirectory(atPath: root.file("processed")).map { name in
            Array(try #require(FileManager.default.contents(atPath: root.file("processed/" + name))))
        }
        #expect(moved.count > 10)
        let wrong = moved.filter { !read.contains($0) }.count
        #expect(wrong == 0, "\(wrong) of \(moved.count) files moved out in place of the file that was read")
    }

    /// Renames `files` new files, one after another, over `a.txt` in `inbox`, on a thread of its own.
    private final class Producer: @unchecked Sendable {
        private let done = DispatchSemaphore(value: 0)

        init(inbox: String, files: Int) {
            Thread.detachNewThread { [done] in
                for number in 0..<files {
                    let temporary = inbox + "/.new-\(number)"
                    _ = FileManager.default.createFile(atPath: temporary, contents: Data("\(number)".utf8))
                    rename(temporary, inbox + "/a.txt")
                }
                done.signal()
            }
        }

        var isDone: Bool { done.wait(timeout: .now()) == .success }
    }

    @Test func movesSymbolicLinksThemselves() throws {
        let mover = try mover()
        #expect(symlink("/etc/passwd", root.file("inbox/link")) == 0)
        try mover.move(RelativePath("link"), to: .rejected)
        #expect((try? FileManager.default.destinationOfSymbolicLink(atPath: root.file("rejected/link"))) == "/etc/passwd")
    }
}
