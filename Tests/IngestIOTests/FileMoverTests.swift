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

    /// A file renamed over the one that was read is not moved in its place.
    @Test func leavesAReplacedFileAlone() throws {
        let mover = try mover()
        try root.write("inbox/a.txt", Array("first".utf8))
        var info = stat()
        #expect(lstat(root.file("inbox/a.txt"), &info) == 0)
        let first = FileIdentity(info)
        try root.write("inbox/new.txt", Array("second".utf8))
        #expect(rename(root.file("inbox/new.txt"), root.file("inbox/a.txt")) == 0)
        #expect(try mover.move(RelativePath("a.txt"), to: .processed, expected: first) == .replaced(RelativePath("a.txt")))
        #expect(contents("inbox/a.txt") == "second")
        #expect(contents("processed/a.txt") == nil)
        #expect(lstat(root.file("inbox/a.txt"), &info) == 0)
        #expect(try mover.move(RelativePath("a.txt"), to: .processed, expected: FileIdentity(info)) == .moved(RelativePath("a.txt")))
        #expect(contents("processed/a.txt") == "second")
    }

    /// A producer renames new files over one name while it is being moved out: a file renamed
    /// over it between the identity check and the rename must not take the read file's place.
    @Test func aFileRenamedOverTheNameAsItIsMovedIsNeverMovedInstead() throws {
        let mover = try mover()
        let producer = Producer(inbox: root.file("inbox"), files: 1_000)
        var expected = Set<FileIdentity>()
        while !producer.isDone {
            var info = stat()
            guard lstat(root.file("inbox/a.txt"), &info) == 0 else { continue }
            let identity = FileIdentity(info)
            if case .moved = try mover.move(RelativePath("a.txt"), to: .processed, expected: identity) {
                expected.insert(identity)
            }
        }
        let moved = try FileManager.default.contentsOfDirectory(atPath: root.file("processed")).map { name in
            var info = stat()
            #expect(lstat(root.file("processed/" + name), &info) == 0)
            return FileIdentity(info)
        }
        #expect(!moved.isEmpty)
        let wrong = moved.filter { !expected.contains($0) }.count
        #expect(wrong == 0, "\(wrong) of \(moved.count) files moved out in place of the file that was read")
    }

    /// Renames `files` new files, one after another, over `a.txt` in `inbox`, on a thread of its own.
    private final class Producer: @unchecked Sendable {
        private let done = DispatchSemaphore(value: 0)

        init(inbox: String, files: Int) {
            Thread.detachNewThread { [done] in
                for number in 0..<files {
                    let temporary = inbox + "/.new-\(number)"
                    close(creat(temporary, 0o644))
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
