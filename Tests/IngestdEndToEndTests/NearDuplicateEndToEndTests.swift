import Foundation
import IngestTestSupport
import Testing

extension EndToEnd {
    @Suite struct NearDuplicateEndToEndTests {
        /// Seed 2 with every `step`-th word replaced: the same story, edited by another outlet.
        private func edited(_ step: Int) -> [UInt8] {
            var words = Seeds.text(2).split(separator: " ", omittingEmptySubsequences: false).map(String.init)
            for index in stride(from: step / 2, to: words.count, by: step) { words[index] = "تعديل\(index)" }
            return Array(words.joined(separator: " ").utf8)
        }

        @Test func editedCopiesListTheOriginalAcrossARestartAndSimilarFindsIt() async throws {
            let harness = try DaemonHarness()
            try await harness.start()
            try harness.dropByMove(Seeds.bytes(2), as: "original.txt")
            try harness.dropByMove(Seeds.bytes(3), as: "other.txt")
            let first = try await harness.records(atLeast: 2)
            #expect(first.map { ($0["near_duplicates"] as? [Any])?.count } == [0, 0])
            #expect(await harness.stop() == 0)

            // The index comes back from the checkpoint written at stop.
            try await harness.start()
            try harness.dropByMove(edited(60), as: "edited.txt")
            let records = try await harness.records(atLeast: 3)
            let near = try #require(records.last?["near_duplicates"] as? [[String: Any]])
            #expect(near.count == 1)
            #expect(near.first?["seq"] as? Int == 1)
            let similarity = try #require(near.first?["similarity"] as? Double)
            #expect(similarity >= 0.7 && similarity < 1)
            #expect(await harness.stop() == 0)

            let query = harness.root.file("query.txt")
            try Data(edited(60)).write(to: URL(fileURLWithPath: query))
            let (status, output) = try runIngestd(["similar", "--journal", harness.journal, query])
            #expect(status == 0)
            let lines = output.split(separator: "\n")
            #expect(lines.first?.hasPrefix("1  3  edited.txt") == true, "\(output)")
            #expect(lines.dropFirst().first?.contains("  1  original.txt") == true, "\(output)")
        }

        @Test func thresholdAndSwitchOffAreHonoured() async throws {
            let strict = try DaemonHarness(arguments: ["--near-threshold", "0.99"])
            try await strict.start()
            try strict.dropByMove(Seeds.bytes(2), as: "original.txt")
            _ = try await strict.records(atLeast: 1)
            try strict.dropByMove(edited(60), as: "edited.txt")
            #expect((try await strict.records(atLeast: 2).last?["near_duplicates"] as? [Any])?.isEmpty == true)
            #expect(await strict.stop() == 0)

            let off = try DaemonHarness(arguments: ["--no-near-duplicates"])
            try await off.start()
            try off.dropByMove(Seeds.bytes(2), as: "original.txt")
            #expect(try await off.records(atLeast: 1).first?["near_duplicates"] == nil)
            #expect(await off.stop() == 0)

            let (status, output) = try runIngestd(["run", "--near-threshold", "1.5"])
            #expect(status != 0 && output.contains("--near-threshold must be a similarity between 0 and 1"))
        }
    }
}
