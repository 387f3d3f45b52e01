import Foundation
import Glibc
import IngestCore
import IngestIO
import IngestTestSupport
import Testing

@Suite struct InboxFileReaderTests {
    let directory = TemporaryDirectory()

    private func reader(maxBytes: Int = 1024) throws -> InboxFileReader {
        InboxFileReader(inbox: try FileDescriptor.currentDirectory.open(directory.path, flags: O_RDONLY | O_DIRECTORY),
                        maxBytes: maxBytes)
    }

    private func rejection(_ entry: InboxEntry) -> String? {
        guard case .file(let analysis) = entry, case .rejected(let rejection) = analysis.outcome else { return nil }
        return rejection.reason
    }

    @Test func readsAndAnalysesAnArticle() throws {
        try directory.write("a.txt", Array("عنوان\nنص".utf8))
        guard case .file(let analysis) = try reader().read(RelativePath("a.txt")),
              case .article(let article, _, _, _, _) = analysis.outcome else {
            Issue.record("not read as an article")
            return
        }
        #expect(article.title == "عنوان")
        #expect(analysis.bytes == "عنوان\nنص".utf8.count)
        #expect(analysis.sha256 == FileAnalysis.sha256Hex(Array("عنوان\nنص".utf8)))
    }

    /// Reading a file of its own leaves the access time alone, where a plain read would write it
    /// (relatime updates an access time older than the modification time).
    @Test(.enabled(if: Self.plainReadsUpdateAccessTimes, "the file system under /tmp does not update access times (noatime)"))
    func readingLeavesTheAccessTimeAlone() throws {
        try directory.write("a.txt", Array("عنوان\nنص".utf8))
        try Self.setAccessTimeBeforeModification(directory.file("a.txt"))
        let before = try Self.accessTime(directory.file("a.txt"))
        guard case .file = try reader().read(RelativePath("a.txt")) else {
            Issue.record("not read")
            return
        }
        #expect(try Self.accessTime(directory.file("a.txt")) == before)
    }

    /// The control: a plain read of a file like it updates its access time on this file system.
    static let plainReadsUpdateAccessTimes: Bool = {
        let directory = TemporaryDirectory()
        guard let path = try? directory.write("plain.txt", Array("text".utf8)),
              (try? setAccessTimeBeforeModification(path)) != nil,
              let before = try? accessTime(path) else { return false }
        _ = FileManager.default.contents(atPath: path)
        return (try? accessTime(path)) != before
    }()

    private static func setAccessTimeBeforeModification(_ path: String) throws {
        var times = [timespec(tv_sec: 1_000_000_000, tv_nsec: 0), timespec(tv_sec: time(nil), tv_nsec: 0)]
        guard utimensat(AT_FDCWD, path, &times, 0) == 0 else { throw POSIXError(.init(rawValue: errno)!) }
    }

    private static func accessTime(_ path: String) throws -> Int {
        var info = stat()
        guard lstat(path, &info) == 0 else { throw POSIXError(.init(rawValue: errno)!) }
        return info.st_atim.tv_sec
    }

    @Test func tooLargeIsRejectedWithItsSize() throws {
        try directory.write("big.txt", Array(repeating: UInt8(ascii: "a"), count: 2000))
        let entry = try reader(maxBytes: 1000).read(RelativePath("big.txt"))
        #expect(rejection(entry) == Rejection.tooLarge(bytes: 2000, limit: 1000).reason)
        guard case .file(let analysis) = entry else {
            Issue.record("not a file entry: \(entry)")
            return
        }
        #expect(analysis.bytes == 2000)
        #expect(analysis.sha256 == nil)
    }

    @Test func fifoIsRejectedWithoutBlocking() throws {
        #expect(mkfifo(directory.file("pipe"), 0o644) == 0)
        #expect(rejection(try reader().read(RelativePath("pipe"))) == Rejection.notRegularFile(kind: "FIFO (named pipe)").reason)
    }

    @Test func socketIsRejected() throws {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let path = directory.file("sock")
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (index, byte) in path.utf8.enumerated() { raw[index] = byte }
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        #expect(bound == 0)
        #expect(rejection(try reader().read(RelativePath("sock"))) == Rejection.notRegularFile(kind: "socket").reason)
    }

    @Test func symbolicLinkIsNeverFollowed() throws {
        #expect(symlink("/etc/passwd", directory.file("passwd")) == 0)
        #expect(rejection(try reader().read(RelativePath("passwd"))) == Rejection.symbolicLink.reason)
    }

    @Test func directoriesAndVanishedFiles() throws {
        try FileManager.default.createDirectory(atPath: directory.file("sub"), withIntermediateDirectories: true)
        guard case .directory = try reader().read(RelativePath("sub")) else {
            Issue.record("a directory was not recognised")
            return
        }
        guard case .vanished = try reader().read(RelativePath("gone.txt")) else {
            Issue.record("a missing file was not reported as vanished")
            return
        }
    }

    @Test func hardLinksDoNotWaitForAClose() throws {
        try directory.write("new.txt", Array("x".utf8))
        #expect(try reader().awaitsClose(RelativePath("new.txt")))
        #expect(link(directory.file("new.txt"), directory.file("linked.txt")) == 0)
        #expect(try !reader().awaitsClose(RelativePath("linked.txt")))
        #expect(mkfifo(directory.file("pipe"), 0o644) == 0)
        #expect(try !reader().awaitsClose(RelativePath("pipe")))
    }
}
