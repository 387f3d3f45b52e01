import Foundation
import Glibc
import IngestCore
import IngestTestSupport
import Testing

extension EndToEnd {
    /// Every file dropped into the inbox ends up with exactly one journal record, however often the
    /// daemon is killed.
    @Suite(.serialized) struct CrashSafetyTests {
        static let rounds = 15
        static let filesPerRound = 200

        @Test func killNineDuringBurstsLosesAndDoublesNothing() async throws {
            let harness = try DaemonHarness()
            var random = SeededGenerator(seed: 20_261_121)
            var dropped: [String] = []
            try await harness.start()
            for round in 0..<Self.rounds {
                let killAt = Int.random(in: 0..<Self.filesPerRound, using: &random)
                for index in 0..<Self.filesPerRound {
                    let name = "r\(round)-\(index).txt"
                    // One file in four repeats a seed exactly, so duplicates are decided across crashes too.
                    let suffix = index % 4 == 0 ? "" : "\nround \(round) file \(index)"
                    try harness.dropByRename(Array((Seeds.text(index % 5) + suffix).utf8), as: name)
                    dropped.append(name)
                    if index % 25 == 0 { try await Task.sleep(for: .microseconds(Int.random(in: 0...3000, using: &random))) }
                    if index == killAt {
                        try await Task.sleep(for: .microseconds(Int.random(in: 0...20_000, using: &random)))
                        await harness.kill9()
                    }
                }
                try await harness.start()
            }

            let records = try await harness.records(atLeast: dropped.count)
            try await waitUntilEmpty(harness.inbox)
            var recordsPerFile: [String: Int] = [:]
            for record in records { recordsPerFile[record.string("file") ?? "?", default: 0] += 1 }
            let lost = dropped.filter { recordsPerFile[$0] == nil }
            let doubled = recordsPerFile.filter { $0.value > 1 }.map(\.key)
            #expect(lost.count == 0, "first lost: \(lost.prefix(5)); daemon log:\n\(harness.daemon?.log.suffix(3000) ?? "")")
            #expect(doubled.count == 0, "first doubled: \(doubled.prefix(5))")
            #expect(records.count == dropped.count)
            let seqs = records.compactMap { $0.int("seq") }
            #expect(zip(seqs, seqs.dropFirst()).allSatisfy { $0 < $1 }, "seqs must strictly increase")
            #expect(records.allSatisfy { $0.string("event") != "rejected" })
            #expect(harness.journalProblem() == nil)
            let processed = try await harness.names(in: "processed") { $0.count == dropped.count }
            #expect(processed.count == dropped.count)
            #expect(await harness.stop() == 0)
            let recovered = (harness.daemon?.log.components(separatedBy: "without a second record").count ?? 1) - 1
            print("crash safety: \(Self.rounds) rounds, \(dropped.count) files, \(lost.count) lost, \(doubled.count) doubled, "
                + "\(recovered) found in the inbox already journaled and moved without a second record")
        }

        private func waitUntilEmpty(_ directory: String) async throws {
            for _ in 0..<2400 {
                if try FileManager.default.contentsOfDirectory(atPath: directory).isEmpty { return }
                try await Task.sleep(for: .milliseconds(25))
            }
        }
    }

    @Suite struct InterruptedMoveTests {
        /// The state a crash leaves between a record's fdatasync and its file's move: the record is in
        /// the journal, the file still in the inbox, the move marker behind, no checkpoint after it.
        @Test func fileJournaledButNotMovedGetsNoSecondRecord() async throws {
            let harness = try DaemonHarness()
            try await harness.start()
            try harness.dropByRename(Seeds.bytes(0), as: "a.txt")
            _ = try await harness.records(atLeast: 1)
            try harness.dropByRename(Seeds.bytes(1), as: "b.txt")
            _ = try await harness.records(atLeast: 2)
            #expect(await harness.stop() == 0)

            let state = harness.stateDir
            try FileManager.default.moveItem(atPath: state + "/processed/b.txt", toPath: harness.inbox + "/b.txt")
            try Data("1\n".utf8).write(to: URL(fileURLWithPath: state + "/journal.jsonl.moved"))
            try FileManager.default.removeItem(atPath: state + "/journal.jsonl.index")
            // A new drop of a.txt with the same content: its earlier record's file was moved, so it is new.
            try harness.dropByRename(Seeds.bytes(0), as: "a.txt")

            try await harness.start()
            let records = try await harness.records(atLeast: 3)
            try await Task.sleep(for: .milliseconds(300))
            let final = try JournalLines.read(harness.journal)
            #expect(final.count == 3)
            #expect(records.last?.string("file") == "a.txt")
            #expect(records.last?.int("duplicate_of") == 1)
            #expect(try FileManager.default.contentsOfDirectory(atPath: harness.inbox).isEmpty)
            #expect(FileManager.default.fileExists(atPath: state + "/processed/b.txt"))
            #expect(harness.daemon?.log.contains("without a second record") == true)
            #expect(await harness.stop() == 0)
            let marker = try String(contentsOfFile: state + "/journal.jsonl.moved", encoding: .utf8)
            #expect(UInt64(marker.trimmingCharacters(in: .whitespacesAndNewlines)) == 3)
        }
    
        /// A power loss can leave the last line half written: it is cut at start, kept aside, logged,
        /// and its seq is not reused.
        @Test func tornLastLineIsCutAndSavedAside() async throws {
            let harness = try DaemonHarness()
            try await harness.start()
            try harness.dropByRename(Seeds.bytes(0), as: "a.txt")
            _ = try await harness.records(atLeast: 1)
            #expect(await harness.stop() == 0)
            let torn = Array(#"{"seq":2,"time":"2026-11-21T15:00:00.000Z","event":"arti"#.utf8)
            let handle = try #require(FileHandle(forWritingAtPath: harness.journal))
            handle.seekToEndOfFile()
            handle.write(Data(torn))
            try handle.close()

            try await harness.start()
            try harness.dropByRename(Seeds.bytes(1), as: "b.txt")
            let records = try await harness.records(atLeast: 2)
            #expect(records.map { $0.int("seq") } == [1, 3])
            let saved = try FileManager.default.contentsOfDirectory(atPath: harness.stateDir).filter { $0.hasPrefix("journal.jsonl.torn-") }
            #expect(saved.count == 1)
            #expect(saved.first.flatMap { FileManager.default.contents(atPath: harness.stateDir + "/" + $0) } == Data(torn))
            #expect(harness.daemon?.log.contains("Cut a torn line") == true)
            #expect(await harness.stop() == 0)
        }
    }
}
