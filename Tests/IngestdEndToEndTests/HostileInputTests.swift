import Foundation
import Glibc
import IngestCore
import IngestTestSupport
import Testing

extension EndToEnd {
    /// Everything on the list gets one record (rejected with a reason, or ingested when it is a real
    /// article), and none of it stalls or kills the daemon.
    @Suite(.serialized) struct HostileInputTests {
        @Test func hostileInputIsHandledAndNothingStalls() async throws {
            let harness = try DaemonHarness()
            try await harness.start()
            let inbox = harness.inbox
            var random = SeededGenerator(seed: 7)

            try harness.dropByRename((0..<4096).map { _ in UInt8.random(in: 0...255, using: &random) }, as: "random.bin")
            let utf16 = "Breaking: ceasefire talks in Aleppo resume today".utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }
            try harness.dropByRename(utf16, as: "utf16-no-bom.txt")
            try harness.dropByRename(Array(("[" as String).utf8) + Array(repeating: UInt8(ascii: "["), count: 100_000), as: "nested.json")
            try harness.dropByRename(Array(#"{"headline": 1, "items": [1, 2]}"#.utf8), as: "not-article.json")

            // 40 MiB, over the default --max-bytes of 16 MiB; sparse, so it costs no disk.
            let huge = harness.staging + "/huge.txt"
            #expect(FileManager.default.createFile(atPath: huge, contents: nil))
            #expect(truncate(huge, 40 * 1024 * 1024) == 0)
            #expect(rename(huge, inbox + "/huge.txt") == 0)

            let socket = try NotifySocket(path: inbox + "/socket")
            _ = socket
            try harness.root.write("outside.txt", Array(Seeds.text(3).utf8))
            #expect(link(harness.root.file("outside.txt"), inbox + "/hardlink.txt") == 0)

            for index in 0..<3 { try harness.root.write("staging/batch/\(index).txt", Array("عنوان \(index)\nنص \(index)".utf8)) }
            #expect(rename(harness.staging + "/batch", inbox + "/batch") == 0)

            let oddName: [UInt8] = Array("line\nbreak \"quoted\" back\\slash ".utf8) + [0xFF, 0xFE] + Array(".txt".utf8)
            let oddPath = Array(inbox.utf8) + [UInt8(ascii: "/")] + oddName + [0]
            let fd = oddPath.withUnsafeBufferPointer { buffer in
                buffer.baseAddress!.withMemoryRebound(to: CChar.self, capacity: buffer.count) { open($0, O_WRONLY | O_CREAT, 0o644) }
            }
            #expect(fd >= 0)
            _ = Array("عنوان غريب\nنص باسم غريب".utf8).withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            close(fd)

            for index in 0..<100 {
                let path = inbox + "/gone-\(index).txt"
                #expect(FileManager.default.createFile(atPath: path, contents: Data("زائل".utf8)))
                unlink(path)
            }

            try harness.dropByRename(Array(String(repeating: "كلمة ", count: 240_000).utf8), as: "one-line.txt")

            // A writer that keeps the file open and writes slowly: one record, after the close.
            let slow = open(inbox + "/slow.txt", O_WRONLY | O_CREAT | O_EXCL, 0o644)
            #expect(slow >= 0)
            for part in ["عنوان بطيء\n", "الجزء الأول من النص. ", "والجزء الثاني."] {
                _ = Array(part.utf8).withUnsafeBytes { write(slow, $0.baseAddress, $0.count) }
                try await Task.sleep(for: .milliseconds(300))
            }
            close(slow)

            try harness.dropByRename(Seeds.bytes(4), as: "after-all-that.txt")
            _ = try await harness.records(through: "after-all-that.txt")
            try await Task.sleep(for: .milliseconds(300))
            let records = try JournalLines.read(harness.journal)
            var byFile: [String: [JournalLines.Record]] = [:]
            for record in records { byFile[record.string("file") ?? "?", default: []].append(record) }
            func only(_ file: String) -> JournalLines.Record? {
                #expect(byFile[file]?.count == 1, "\(file) should have exactly one record")
                return byFile[file]?.first
            }
            #expect(only("random.bin")?.string("event") == "rejected")
            #expect(only("utf16-no-bom.txt")?.string("reason") == Rejection.utf16WithoutBOM.reason)
            #expect(only("nested.json")?.string("reason")?.contains("not valid JSON") == true)
            #expect(only("not-article.json")?.string("reason") == Rejection.jsonWithoutText.reason)
            #expect(only("huge.txt")?.string("reason") == Rejection.tooLarge(bytes: 40 * 1024 * 1024, limit: 16 * 1024 * 1024).reason)
            #expect(only("socket")?.string("reason") == Rejection.notRegularFile(kind: "socket").reason)
            #expect(only("hardlink.txt")?.string("event") == "article")
            #expect(FileManager.default.fileExists(atPath: harness.root.file("outside.txt")))
            for index in 0..<3 { #expect(only("batch/\(index).txt")?.string("event") == "article") }
            #expect(only("one-line.txt")?.int("words") == 240_000)
            #expect(only("slow.txt")?.string("body") == "الجزء الأول من النص. والجزء الثاني.")
            #expect(only("after-all-that.txt")?.string("event") == "article")

            let odd = try #require(records.first { $0.string("file_bytes") != nil })
            #expect(Data(base64Encoded: odd.string("file_bytes") ?? "").map(Array.init) == oddName)
            #expect(odd.string("event") == "article")

            #expect((0..<100).allSatisfy { (byFile["gone-\($0).txt"]?.count ?? 0) <= 1 })
            #expect(harness.journalProblem() == nil)
            #expect(harness.daemon?.process.isRunning == true)
            #expect(await harness.stop() == 0)
        }
    }
}
