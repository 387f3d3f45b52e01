import Foundation
import Glibc
import IngestCore
import IngestTestSupport
import Testing

extension EndToEnd {
    /// Whether the tests that need root may run: as root, when `make test-root` asks for them.
    enum RootTestGate {
        static let enabled = ProcessInfo.processInfo.environment["INGESTD_ROOT_TESTS"] == "1" && geteuid() == 0
        static let skipMessage: Comment = "needs root and INGESTD_ROOT_TESTS=1: run `make test-root`"
    }

    /// Tests that need root: mounts and system-wide limits, one at a time since they change the
    /// machine. `make test-root` runs them.
    @Suite(.serialized, .enabled(if: RootTestGate.enabled, RootTestGate.skipMessage))
    struct RootTests {
        /// ENOSPC on the journal: the daemon keeps running, leaves the files in the inbox, says so,
        /// retries, and resumes by itself when space returns. The journal never holds a partial line.
        @Test func fullDiskKeepsFilesWaitingAndResumesWhenSpaceReturns() async throws {
            let root = TemporaryDirectory("ingestd-root")
            let mountPoint = root.file("fs")
            try FileManager.default.createDirectory(atPath: mountPoint, withIntermediateDirectories: true)
            try runCommand("/bin/mount", ["-t", "tmpfs", "-o", "size=2m", "tmpfs", mountPoint])
            defer { try? runCommand("/bin/umount", ["-l", mountPoint]) }

            let harness = try DaemonHarness(base: mountPoint)
            try FileManager.default.createDirectory(atPath: harness.staging, withIntermediateDirectories: true)
            try await harness.start()
            try harness.dropByRename(Seeds.bytes(0), as: "before.txt")
            _ = try await harness.records(atLeast: 1)

            harness.daemon?.signal(SIGSTOP)
            for index in 0..<20 {
                try Data((Seeds.text(index % 5) + "\nfull disk \(index)").utf8).write(to: URL(fileURLWithPath: harness.staging + "/d\(index).txt"))
            }
            let filler = mountPoint + "/filler"
            try fill(filler)
            for index in 0..<20 {
                #expect(rename(harness.staging + "/d\(index).txt", harness.inbox + "/d\(index).txt") == 0)
            }
            harness.daemon?.signal(SIGCONT)

            _ = try await harness.notify.waitFor("STATUS reporting the failing journal (ENOSPC)") {
                $0.contains("journal write failed") && $0.contains("ENOSPC")
            }
            try await Task.sleep(for: .seconds(1))
            #expect(harness.daemon?.process.isRunning == true)
            #expect(try JournalLines.read(harness.journal).count == 1, "nothing but whole lines in the journal")
            #expect(try FileManager.default.contentsOfDirectory(atPath: harness.inbox).count == 20)
            #expect(harness.daemon?.log.contains("Cannot write the journal") == true)

            try FileManager.default.removeItem(atPath: filler)
            let records = try await harness.records(atLeast: 21)
            #expect(records.count == 21)
            #expect(harness.journalProblem() == nil)
            #expect(harness.daemon?.log.contains("writable again") == true)
            _ = try await harness.notify.waitFor("STATUS with nothing waiting and nothing failing", within: .seconds(5)) {
                $0.contains("STATUS=21 articles") || $0.contains("STATUS=") && $0.contains(", 0 waiting") && !$0.contains("failed")
            }
            #expect(await harness.stop() == 0)
        }

        /// Writes until the file system is full.
        private func fill(_ path: String) throws {
            let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
            guard fd >= 0 else { throw HarnessError("open \(path): errno \(errno)") }
            defer { close(fd) }
            let chunk = [UInt8](repeating: 0x61, count: 4096)
            while chunk.withUnsafeBytes({ write(fd, $0.baseAddress, $0.count) }) > 0 {}
        }

        /// ENOSPC from inotify_add_watch (fs.inotify.max_user_watches) is a clear error in the log,
        /// never a silent miss: the files already in such a directory are still ingested.
        @Test func watchLimitIsReportedAndListedFilesAreStillIngested() async throws {
            let sysctl = "/proc/sys/fs/inotify/max_user_watches"
            let original = try String(contentsOfFile: sysctl, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
            let harness = try DaemonHarness()
            try await harness.start()
            let limit = Self.watchesInUse() + 2
            try String(limit).write(toFile: sysctl, atomically: false, encoding: .utf8)
            defer { try? original.write(toFile: sysctl, atomically: false, encoding: .utf8) }

            for directory in 0..<6 {
                try harness.root.write("staging/dir\(directory)/a.txt", Array("عنوان \(directory)\nنص \(directory)".utf8))
                #expect(rename(harness.staging + "/dir\(directory)", harness.inbox + "/dir\(directory)") == 0)
            }
            let records = try await harness.records(atLeast: 6)
            #expect(Set(records.compactMap { $0.string("file") }) == Set((0..<6).map { "dir\($0)/a.txt" }))
            #expect(harness.daemon?.log.contains("The inotify watch limit is reached") == true)
            #expect(await harness.stop() == 0)
        }

        /// inotify watches held by root's processes now ("inotify wd:" lines in /proc/*/fdinfo).
        static func watchesInUse() -> Int {
            var count = 0
            for pid in (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? [] where Int(pid) != nil {
                for fd in (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fdinfo")) ?? [] {
                    guard let info = try? String(contentsOfFile: "/proc/\(pid)/fdinfo/\(fd)", encoding: .utf8) else { continue }
                    count += info.components(separatedBy: "inotify wd:").count - 1
                }
            }
            return count
        }
    }
}
