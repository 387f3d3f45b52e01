import Foundation
import Glibc
import IngestCore
import IngestTestSupport
import Testing

extension EndToEnd {
    /// The built `ingestd` binary, run as a child process under a stand-in for systemd.
    @Suite(.serialized) struct DaemonEndToEndTests {
        @Test func seedsVariantsRestartAndIndexSurvival() async throws {
            let harness = try DaemonHarness()
            try await harness.start()

            // The five seeds, by cp, mv and rsync: five articles.
            let seeds = Seeds.names.map { Seeds.directory + "/" + $0 }
            try harness.dropByCopy(seeds[0], as: Seeds.names[0])
            try harness.dropByCopy(seeds[1], as: Seeds.names[1])
            try harness.dropByMove(Seeds.bytes(2), as: Seeds.names[2])
            try harness.dropByMove(Seeds.bytes(3), as: Seeds.names[3])
            try harness.dropByRsync(seeds[4], as: Seeds.names[4])
            let first = try await harness.records(atLeast: 5)
            #expect(first.count == 5)
            #expect(first.allSatisfy { $0.string("event") == "article" })
            #expect(first.compactMap { $0.int("seq") } == [1, 2, 3, 4, 5])
            let seqOfSeed = Dictionary(uniqueKeysWithValues: first.map { ($0.string("file")!, $0.int("seq")!) })
            #expect(Set(seqOfSeed.keys) == Set(Seeds.names))

            // Every spelling and encoding variant of every seed is a duplicate of that seed's article;
            // a changed number or word is a new article.
            var expectedDuplicateOf: [String: Int] = [:]
            var expectedArticles: Set<String> = []
            for (index, name) in Seeds.names.enumerated() {
                for variant in SeedVariant.all {
                    let file = "variant-\(index)-\(variant.name).txt"
                    try harness.dropByMove(variant.make(Seeds.text(index)), as: file)
                    expectedDuplicateOf[file] = seqOfSeed[name]
                }
                for variant in SeedVariant.changedStories {
                    let file = "changed-\(index)-\(variant.name).txt"
                    try harness.dropByMove(variant.make(Seeds.text(index)), as: file)
                    expectedArticles.insert(file)
                }
            }
            let total = 5 + expectedDuplicateOf.count + expectedArticles.count
            let all = try await harness.records(atLeast: total)
            #expect(all.count == total)
            for record in all.dropFirst(5) {
                let file = try #require(record.string("file"))
                if let original = expectedDuplicateOf[file] {
                    #expect(record.string("event") == "duplicate", "\(file)")
                    #expect(record.int("duplicate_of") == original, "\(file)")
                } else {
                    #expect(expectedArticles.contains(file), "\(file)")
                    #expect(record.string("event") == "article", "\(file)")
                }
            }
            #expect(all.compactMap { $0.int("seq") } == Array(1...total))

            // systemd saw the counts, watchdog pings, and a clean stop.
            let articles = 5 + expectedArticles.count
            let status = "STATUS=\(articles) articles, \(expectedDuplicateOf.count) duplicates, 0 rejected, 0 waiting"
            _ = try await harness.notify.waitFor("STATUS with \(status)") { $0.contains(status) }
            try await harness.notify.waitForLine("WATCHDOG=1")
            let beforeStop = harness.notify.messages.count
            #expect(await harness.stop() == 0)
            try await harness.notify.waitForLine("STOPPING=1", after: beforeStop, within: .seconds(1))
            #expect(try FileManager.default.contentsOfDirectory(atPath: harness.inbox).isEmpty)
            #expect(try FileManager.default.contentsOfDirectory(atPath: harness.stateDir + "/processed").count == total)

            // Files dropped while it is down are ingested at start, against the index it had.
            try runCommand("/bin/cp", [seeds[0], harness.inbox + "/again.txt"])
            try harness.root.write("state/inbox/batch/new.txt", SeedVariant.changedStories[0].make(Seeds.text(3) + " ٢٠١٦"))
            try harness.root.write("state/inbox/batch/copy-of-4.txt", Seeds.bytes(4))
            try await harness.start()
            let afterRestart = try await harness.records(atLeast: total + 3)
            let restarted = Dictionary(uniqueKeysWithValues: afterRestart.dropFirst(total).map { ($0.string("file")!, $0) })
            #expect(restarted["again.txt"]?.int("duplicate_of") == seqOfSeed[Seeds.names[0]])
            #expect(restarted["batch/copy-of-4.txt"]?.int("duplicate_of") == seqOfSeed[Seeds.names[4]])
            #expect(restarted["batch/new.txt"]?.string("event") == "article")
            #expect(afterRestart.compactMap { $0.int("seq") } == Array(1...(total + 3)))
            #expect(harness.journalProblem() == nil)
            #expect(await harness.stop() == 0)

            // `ingestd verify` agrees, and names the line of a tampered record.
            let sound = try runIngestd(["verify", "--journal", harness.journal])
            #expect(sound.status == 0)
            #expect(sound.output.contains("\(total + 3) records"))
            let text = try String(contentsOfFile: harness.journal, encoding: .utf8)
            let tampered = harness.root.file("tampered.jsonl")
            try text.replacingOccurrences(of: "\"seq\":3,", with: "\"seq\":1,").write(toFile: tampered, atomically: true, encoding: .utf8)
            let broken = try runIngestd(["verify", "--journal", tampered])
            #expect(broken.status == 1)
            #expect(broken.output.contains("line 3: seq 1 does not follow 2"))
        }

        @Test func badInputIsRejectedAndNothingStalls() async throws {
            let harness = try DaemonHarness(arguments: ["--max-bytes", "65536"])
            try await harness.start()
            let inbox = harness.inbox
            try harness.dropByMove([], as: "empty.txt")
            try harness.dropByMove(Array(" \n\t \r\n".utf8), as: "blank.txt")
            try harness.dropByMove([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0x0D, 0x49, 0x48], as: "image.png")
            try harness.dropByMove(Array(repeating: UInt8(ascii: "a"), count: 100_000), as: "huge.txt")
            try harness.dropByMove(Array("[1, 2, 3]".utf8), as: "list.json")
            #expect(mkfifo(inbox + "/pipe", 0o644) == 0)
            #expect(symlink("/etc/passwd", inbox + "/passwd-link") == 0)
            let oddName = inbox + "/odd-\u{FFFD}-\"quoted\"\\name.txt"
            try Data("عنوان\nنص غريب الاسم".utf8).write(to: URL(fileURLWithPath: oddName))
            try harness.dropByMove(Array(#"{"title":"عنوان","content":"نص الخبر","source":"spa","url":"http://example.org/1"}"#.utf8),
                                   as: "story.json")
            try harness.dropByMove(Seeds.bytes(0), as: "after-all-that.txt")

            let records = try await harness.records(atLeast: 10)
            let byFile = Dictionary(uniqueKeysWithValues: records.map { ($0.string("file")!, $0) })
            func reason(_ file: String) -> String? { byFile[file]?.string("reason") }
            #expect(reason("empty.txt") == "The file is empty.")
            #expect(reason("blank.txt") == "The file contains only white space.")
            #expect(reason("image.png")?.contains("binary") == true)
            #expect(reason("huge.txt")?.contains("over the limit of 65536 bytes") == true)
            #expect(byFile["huge.txt"]?.int("bytes") == 100_000)
            #expect(reason("list.json")?.contains("one article object") == true)
            #expect(reason("pipe")?.contains("FIFO") == true)
            #expect(reason("passwd-link")?.contains("symbolic link") == true)
            #expect(byFile["odd-\u{FFFD}-\"quoted\"\\name.txt"]?.string("event") == "article")
            #expect(byFile["story.json"]?.string("source") == "spa")
            #expect(byFile["story.json"]?.string("url") == "http://example.org/1")
            #expect(byFile["after-all-that.txt"]?.string("event") == "article")
            let journalText = try String(contentsOfFile: harness.journal, encoding: .utf8)
            #expect(!journalText.contains("root:x:0:0"))
            let expectedRejected: Set = ["empty.txt", "blank.txt", "image.png", "huge.txt", "list.json", "pipe", "passwd-link"]
            let rejected = try await harness.names(in: "rejected") { Set($0) == expectedRejected }
            #expect(Set(rejected) == expectedRejected)
            #expect(try FileManager.default.destinationOfSymbolicLink(atPath: harness.stateDir + "/rejected/passwd-link") == "/etc/passwd")
            #expect(await harness.stop() == 0)
        }

        @Test func sighupReopensTheJournalAndRestartsRememberRotatedRecords() async throws {
            let harness = try DaemonHarness()
            try await harness.start()
            try harness.dropByMove(Seeds.bytes(1), as: "one.txt")
            _ = try await harness.records(atLeast: 1)
            try FileManager.default.moveItem(atPath: harness.journal, toPath: harness.journal + ".1")
            let before = harness.notify.messages.count
            harness.daemon?.signal(SIGHUP)
            try await harness.notify.waitForLine("RELOADING=1", after: before)
            try await harness.notify.waitForLine("READY=1", after: before)
            try harness.dropByMove(Seeds.bytes(1), as: "two.txt")
            let fresh = try await harness.records(atLeast: 1)
            #expect(fresh.count == 1)
            #expect(fresh.first?.int("seq") == 2)
            #expect(fresh.first?.int("duplicate_of") == 1)
            #expect(await harness.stop() == 0)

            // After a restart the rotated-away records still count: no seq reused, dedup intact.
            try harness.dropByMove(Seeds.bytes(1), as: "three.txt")
            try await harness.start()
            let afterRestart = try await harness.records(atLeast: 2)
            #expect(afterRestart.last?.int("seq") == 3)
            #expect(afterRestart.last?.int("duplicate_of") == 1)
            #expect(await harness.stop() == 0)
        }

        /// Deleting the inbox gives no inotify event while the daemon holds it open; the daemon
        /// notices within a tick and stops with an error, so that systemd restarts it.
        @Test func deletedInboxStopsTheDaemonWithAnError() async throws {
            let harness = try DaemonHarness()
            try await harness.start()
            try FileManager.default.removeItem(atPath: harness.inbox)
            let status = await harness.daemon?.waitForExit(timeout: .seconds(10))
            #expect(status == 1)
            #expect(harness.daemon?.log.contains("was deleted or moved away") == true)
        }

        /// An inbox reached through a symbolic link is watched like any other, and not taken for
        /// a deleted one.
        @Test func inboxBehindASymbolicLinkWorks() async throws {
            let root = TemporaryDirectory("ingestd-e2e")
            try FileManager.default.createDirectory(atPath: root.file("real-inbox"), withIntermediateDirectories: true)
            #expect(symlink(root.file("real-inbox"), root.file("inbox-link")) == 0)
            let daemon = try DaemonProcess(arguments: ["run", "--state-dir", root.file("state"), "--inbox", root.file("inbox-link")],
                                           environment: [:], stderrPath: root.file("stderr.log"))
            try await eventually("the journal") { FileManager.default.fileExists(atPath: root.file("state/journal.jsonl")) }
            try await Task.sleep(for: .milliseconds(1500))  // past the first tick's check
            try root.write("real-inbox/a.txt", Seeds.bytes(4))
            #expect(try await JournalLines.waitFor(1, in: root.file("state/journal.jsonl")).first?.string("event") == "article")
            #expect(daemon.process.isRunning)
            daemon.signal(SIGTERM)
            #expect(await daemon.waitForExit() == 0)
        }

        @Test func withoutNotifySocketItRunsSilently() async throws {
            let root = TemporaryDirectory("ingestd-e2e")
            let daemon = try DaemonProcess(arguments: ["--state-dir", root.file("state")], environment: [:],
                                           stderrPath: root.file("stderr.log"))
            let journal = root.file("state/journal.jsonl")
            try await eventually("the inbox") { FileManager.default.fileExists(atPath: root.file("state/inbox")) }
            try await Task.sleep(for: .milliseconds(100))
            try root.write("state/inbox/a.txt", Seeds.bytes(2))
            #expect(try await JournalLines.waitFor(1, in: journal).first?.string("title") == "مؤشرات على فشل اجتماع أنقرة بين الروس وفصائل حلب")
            daemon.signal(SIGINT)
            #expect(await daemon.waitForExit() == 0)
            #expect(daemon.log.contains("ingestd started"))
        }
    }
}
