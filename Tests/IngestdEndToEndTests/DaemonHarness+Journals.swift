import Foundation
import IngestTestSupport
import Testing

extension DaemonHarness {
    static let outlets = ["سبق", "عكاظ", "Reuters"]

    /// A JSON article of seed `index` from `source`: its first eight words as the title, the
    /// rest as the body with every `step`-th word changed (0: none). Some seeds are one line.
    private static func story(_ index: Int, source: String, editedEvery step: Int) throws -> [UInt8] {
        var words = Seeds.text(index).split(whereSeparator: \.isWhitespace).map(String.init)
        if step > 0 { for position in stride(from: 8 + step / 2, to: words.count, by: step) { words[position] = "تعديل\(position)" } }
        let object = ["title": words[..<8].joined(separator: " "), "body": words[8...].joined(separator: " "), "source": source]
        return Array(try JSONSerialization.data(withJSONObject: object))
    }

    /// Seeds, their copies and edits from three outlets, and rejects: a journal with every event.
    static func journalOfEveryKind(arguments: [String] = []) async throws -> (harness: DaemonHarness, records: Int) {
        let harness = try DaemonHarness(arguments: ["--reuse"] + arguments)
        try await harness.start()
        var dropped = 0
        for index in 0..<5 {
            try harness.dropByMove(Seeds.bytes(index), as: "seed\(index).txt")
            try harness.dropByMove(try story(index, source: outlets[index % 3], editedEvery: 40), as: "edit\(index).json")
            try harness.dropByMove(try story(index, source: outlets[(index + 1) % 3], editedEvery: 9), as: "rewrite\(index).json")
            dropped += 3
        }
        try harness.dropByMove(Seeds.bytes(0), as: "copy0.txt")
        try harness.dropByMove(try story(2, source: outlets[2], editedEvery: 40), as: "copy2.json")
        try harness.dropByMove([], as: "empty1.txt")
        try harness.dropByMove([], as: "empty2.txt")
        try harness.dropByMove([0, 1, 2, 0], as: "photo.png")
        dropped += 5
        _ = try await harness.records(atLeast: dropped)
        #expect(await harness.stop() == 0)
        return (harness, dropped)
    }
}
