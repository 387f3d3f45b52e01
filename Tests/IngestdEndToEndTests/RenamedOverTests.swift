import Foundation
import IngestCore
import IngestTestSupport
import Testing

extension EndToEnd {
    /// A producer that keeps replacing one name (a crawler's `latest.txt`, rsync updating a file):
    /// a version may be replaced before it is read, but every version that leaves the inbox has
    /// exactly one record, and so does the last.
    @Suite(.serialized) struct RenamedOverTests {
        @Test(.enabled(if: TemporaryDirectory.fileSystemHasHandles, "the file system under /tmp has no file handles"))
        func everyVersionThatLeavesTheInboxHasExactlyOneRecord() async throws {
            let harness = try DaemonHarness()
            try await harness.start()
            let versions = (0..<600).map { Array("نسخة \($0)\nالنص رقم \($0) من الخبر نفسه، بعد تحديثه.".utf8) }
            for version in versions { try harness.dropByRename(version, as: "latest.txt") }
            try harness.dropByRename(Seeds.bytes(1), as: "after.txt")
            _ = try await harness.records(through: "after.txt")
            let left = try await harness.names(in: "inbox") { $0.isEmpty }
            #expect(left.isEmpty, "left in the inbox: \(left)")
            // Stop waits for every move: nothing is between processed/ and the inbox any more.
            #expect(await harness.stop() == 0)

            var recorded: [String: Int] = [:]
            for record in try JournalLines.read(harness.journal) where record.string("file") != "after.txt" {
                recorded[record.string("sha256") ?? "?", default: 0] += 1
            }
            #expect(recorded.values.allSatisfy { $0 == 1 }, "a version with more than one record")
            #expect(recorded[FileAnalysis.sha256Hex(versions.last!)] == 1, "the last version has no record")
            let processed = try FileManager.default.contentsOfDirectory(atPath: harness.stateDir + "/processed")
                .filter { $0 != "after.txt" }
            let unrecorded = try processed.filter { name in
                let bytes = try Data(contentsOf: URL(fileURLWithPath: harness.stateDir + "/processed/" + name))
                return recorded[FileAnalysis.sha256Hex(Array(bytes))] == nil
            }
            #expect(unrecorded.isEmpty, "\(unrecorded.count) of \(processed.count) versions moved out without a record")
        }
    }
}
