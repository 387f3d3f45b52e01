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
        #expect(target == RelativePath("batch/a/b.json"))
        #expect(contents("rejected/batch/a/b.json") == "{}")
        try mover.syncDirectories()
    }

    @Test func vanishedFileIsNotAnError() throws {
        #expect(try mover().move(RelativePath("nothing.txt"), to: .processed) == nil)
    }

    @Test func movesSymbolicLinksThemselves() throws {
        let mover = try mover()
        #expect(symlink("/etc/passwd", root.file("inbox/link")) == 0)
        try mover.move(RelativePath("link"), to: .rejected)
        #expect((try? FileManager.default.destinationOfSymbolicLink(atPath: root.file("rejected/link"))) == "/etc/passwd")
    }
}
