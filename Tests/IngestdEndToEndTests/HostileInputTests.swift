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
            let byFile = RecordsByFile(records)
            let only = byFile.only
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

            #expect((0..<100).allSatisfy { byFile.count("gone-\($0).txt") <= 1 })
            #expect(harness.journalProblem() == nil)
            #expect(harness.daemon?.process.isRunning == true)
            #expect(await harness.stop() == 0)
        }

        /// Web pages that are broken, hostile or not articles: one record each, with a reason
        /// when rejected, and the daemon goes on. --max-bytes is raised so that a 30 MB page is read.
        @Test func hostileWebPagesAreHandledAndNothingStalls() async throws {
            let harness = try DaemonHarness(arguments: ["--max-bytes", String(64 * 1024 * 1024)])
            try await harness.start()
            let paragraphs = Seeds.text(4).split(separator: "\n").filter { $0.count > 80 }.map { "<p>\($0)</p>" }.joined()
            var random = SeededGenerator(seed: 11)

            try harness.dropByRename(Array("<html><body><div><p>\(Seeds.text(4).split(separator: "\n").filter { $0.count > 80 }.joined(separator: "<p>"))<div><span>".utf8), as: "unclosed.html")
            try harness.dropByRename(Array((String(repeating: "<div>", count: 100_000) + paragraphs).utf8), as: "deep.html")
            var entities = #"<!ENTITY lol "lol">"#
            for level in 1...9 { entities += "<!ENTITY lol\(level) \"\(String(repeating: level == 1 ? "&lol;" : "&lol\(level - 1);", count: 10))\">" }
            try harness.dropByRename(Array("<!DOCTYPE html [\(entities)]><html><body><p>&lol9;</p>\(paragraphs)</body></html>".utf8), as: "entity-bomb.html")
            let section = "<div class=\"para\">\(paragraphs)</div>"
            let sections = 30_000_000 / section.utf8.count + 1
            try harness.dropByRename(Array(("<html><body><article>" + String(repeating: section, count: sections) + "</article></body></html>").utf8), as: "large.html")
            try harness.dropByRename([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + (0..<8192).map { _ in UInt8.random(in: 0...255, using: &random) }, as: "photo.html")
            try harness.dropByRename(Array(("<html><body><div " + (0..<100_000).map { "a\($0)=1" }.joined(separator: " ") + ">\(paragraphs)</div></body></html>").utf8), as: "attributes.html")
            try harness.dropByRename(Array(("<html><body>" + String(repeating: "<span>", count: 100_000) + String(repeating: "</x>", count: 100_000) + paragraphs).utf8), as: "end-tags.html")
            try harness.dropByRename(Array(("<!doctype html><html><body><ul>" + (1...40).map { "<li><a href=\"/n/\($0)\">عنوان الخبر رقم \($0) في الصفحة الرئيسية</a></li>" }.joined() + "</ul></body></html>").utf8), as: "home.html")
            try harness.dropByRename(Array("<!doctype html><html><head><script src=\"/app.js\"></script></head><body><div id=\"root\"></div></body></html>".utf8), as: "app")

            try harness.dropByRename(Seeds.bytes(4), as: "after-the-pages.txt")
            _ = try await harness.records(through: "after-the-pages.txt")
            let records = try JournalLines.read(harness.journal)
            let byFile = RecordsByFile(records)
            let only = byFile.only
            #expect(only("unclosed.html")?.string("event") == "article")
            #expect(only("deep.html")?.string("event") == "article")
            #expect(only("entity-bomb.html")?.string("event") == "article")
            #expect((only("entity-bomb.html")?.int("bytes") ?? 0) < 10_000)
            #expect(only("large.html")?.string("event") == "article")
            #expect((only("large.html")?.int("bytes") ?? 0) > 30_000_000)
            #expect(only("photo.html")?.string("reason") == Rejection.binary.reason)
            #expect(only("attributes.html")?.string("reason")?.contains("thousands of attributes") == true)
            #expect(only("end-tags.html")?.string("reason")?.contains("end tags that close nothing") == true)
            #expect(only("home.html")?.string("reason") == Rejection.noArticleInHTML.reason)
            #expect(only("app")?.string("reason") == Rejection.noArticleInHTML.reason)
            #expect(only("after-the-pages.txt")?.string("event") == "article")
            #expect(harness.journalProblem() == nil)
            #expect(harness.daemon?.process.isRunning == true)
            #expect(await harness.stop() == 0)
        }
    }
}

/// A journal's records by file.
private struct RecordsByFile {
    private var byFile: [String: [JournalLines.Record]] = [:]

    init(_ records: [JournalLines.Record]) {
        for record in records { byFile[record.string("file") ?? "?", default: []].append(record) }
    }

    func count(_ file: String) -> Int { byFile[file]?.count ?? 0 }

    /// The record of `file`, which must have exactly one.
    func only(_ file: String) -> JournalLines.Record? {
        #expect(count(file) == 1, "\(file) should have exactly one record")
        return byFile[file]?.first
    }
}
