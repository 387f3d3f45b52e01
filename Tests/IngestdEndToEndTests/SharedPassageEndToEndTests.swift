import Foundation
import IngestCore
import IngestTestSupport
import Testing

extension EndToEnd {
    @Suite struct SharedPassageEndToEndTests {
        /// The canonical words of a seed's title and body, which `at` and `from` count.
        private func words(_ seed: Int) throws -> [Substring] {
            guard case .success(let article) = ArticleParser.parse(Seeds.bytes(seed), fileName: Seeds.names[seed]) else {
                throw CancellationError()
            }
            return CanonicalText.canonicalize(article.title + " " + article.body).split(separator: " ")
        }

        private func range(_ passage: [String: Any], _ key: String) throws -> Range<Int> {
            let bounds = try #require(passage[key] as? [Int])
            return bounds[0]..<bounds[1]
        }

        @Test func theSeedPairsShareTheirWirePassagesAcrossARestart() async throws {
            let harness = try DaemonHarness(arguments: ["--reuse"])
            try await harness.start()
            try harness.dropByMove(Seeds.bytes(0), as: "000.txt")
            try harness.dropByMove(Seeds.bytes(2), as: "002.txt")
            let first = try await harness.records(atLeast: 2)
            #expect(first.map { $0["reused_words"] as? Int } == [0, 0])
            #expect(await harness.stop() == 0)

            // The index comes back from the checkpoint written at stop.
            try await harness.start()
            try harness.dropByMove(Seeds.bytes(1), as: "001.txt")
            try harness.dropByMove(Seeds.bytes(3), as: "003.txt")
            let records = try await harness.records(atLeast: 4)
            #expect(await harness.stop() == 0)

            let corridor = try #require((records[2]["reuse"] as? [[String: Any]])?.first)
            #expect(corridor["seq"] as? Int == 1)
            let (at, from) = (try range(corridor, "at"), try range(corridor, "from"))
            #expect(corridor["words"] as? Int == at.count && at.count >= 31)
            let (seed1, seed0) = (try words(1), try words(0))
            #expect(seed1[at].first == seed0[from].first && seed1[at].last == seed0[from].last)
            #expect(seed1[at].joined(separator: " ").contains("فتح ممر لخروج المقاتلين"))

            let pressConference = try #require(records[3]["reuse"] as? [[String: Any]])
            #expect(pressConference.count == 1)
            let passage = try #require(pressConference.first)
            #expect(passage["seq"] as? Int == 2)
            let (seed3, seed2) = (try words(3), try words(2))
            let here = seed3[try range(passage, "at")], there = seed2[try range(passage, "from")]
            #expect(here.count >= 22 && there.count >= 22)
            #expect(here.contains("تشاووش") && there.contains("جاووش"))
            #expect(records[3]["reused_words"] as? Int == here.count)
        }

        /// `similar` prints the passages a file shares, with their words here and there: from the
        /// checkpoint of a daemon that runs with `--reuse`, and from the journal read again when
        /// the daemon runs without it.
        @Test(arguments: [["--reuse"], []])
        func similarPrintsTheSharedPassagesWithTheirWords(daemonArguments: [String]) async throws {
            let harness = try DaemonHarness(arguments: daemonArguments)
            try await harness.start()
            try harness.dropByMove(Seeds.bytes(0), as: "000.txt")
            try harness.dropByMove(Seeds.bytes(2), as: "002.txt")
            _ = try await harness.records(atLeast: 2)
            #expect(await harness.stop() == 0)

            let query = harness.root.file("003.txt")
            try Data(Seeds.bytes(3)).write(to: URL(fileURLWithPath: query))
            let (status, output) = try runIngestd(["similar", "--journal", harness.journal, query])
            #expect(status == 0)
            let lines = output.split(separator: "\n").map(String.init)
            let header = try #require(lines.firstIndex { $0.hasPrefix("shared passages (") })
            #expect(lines[header + 1].contains(" words  2  002.txt  at "))
            #expect(lines[header + 2].hasPrefix("  here:  ") && lines[header + 2].contains("تشاووش"))
            #expect(lines[header + 3].hasPrefix("  there: ") && lines[header + 3].contains("جاووش"))

            let (_, without) = try runIngestd(["similar", "--no-passages", "--journal", harness.journal, query])
            #expect(!without.contains("shared passages"))
        }

        @Test func optionsAreHonouredAndCheckedAndTheFeatureSwitchesOff() async throws {
            let strict = try DaemonHarness(arguments: ["--reuse", "--reuse-min-words", "40"])
            try await strict.start()
            try strict.dropByMove(Seeds.bytes(0), as: "000.txt")
            _ = try await strict.records(atLeast: 1)
            try strict.dropByMove(Seeds.bytes(1), as: "001.txt")
            #expect((try await strict.records(atLeast: 2).last?["reuse"] as? [Any])?.isEmpty == true, "31 words < 40")
            #expect(await strict.stop() == 0)

            let off = try DaemonHarness(arguments: ["--reuse", "--no-reuse"])
            try await off.start()
            try off.dropByMove(Seeds.bytes(0), as: "000.txt")
            let record = try #require(try await off.records(atLeast: 1).first)
            #expect(record["reuse"] == nil && record["reused_words"] == nil)
            #expect(record["near_duplicates"] != nil, "positive control: the record has its other fields")
            #expect(await off.stop() == 0)

            let (status, output) = try runIngestd(["run", "--reuse-min-words", "5"])
            #expect(status != 0 && output.contains("--reuse-min-words must be at least 8"))
        }
    }
}
