import Foundation

/// Checks a journal line by line: every line is a JSON record, seqs strictly increase, every
/// `duplicate_of` points at an earlier article with the same id, and every article's id is the one
/// its title and body give.
public struct JournalVerifier {
    /// Counts of what was checked.
    public struct Summary: Equatable, Sendable {
        public var records = 0
        public var tally = Ingestor.Tally()
        public var firstSeq: UInt64?
        public var lastSeq: UInt64?
    }

    public private(set) var summary = Summary()
    private var articleIDs: [UInt64: String] = [:]
    private var lineNumber = 0

    public init() {}

    /// Checks the next line (without its newline); returns the problem, if any.
    public mutating func check(_ line: some Collection<UInt8>) -> String? {
        lineNumber += 1
        guard let object = try? JSONSerialization.jsonObject(with: Data(line)) as? [String: Any] else {
            return "line \(lineNumber): not a JSON object"
        }
        guard let seq = (object["seq"] as? NSNumber)?.uint64Value else { return "line \(lineNumber): no \"seq\"" }
        if let last = summary.lastSeq, seq <= last {
            return "line \(lineNumber): seq \(seq) does not follow \(last)"
        }
        guard object["time"] is String, object["file"] is String else {
            return "line \(lineNumber): seq \(seq) lacks \"time\" or \"file\""
        }
        let problem: String?
        switch object["event"] as? String {
        case "article": problem = checkArticle(object, seq: seq)
        case "duplicate": problem = checkDuplicate(object)
        case "rejected": problem = object["reason"] is String ? nil : "a rejected record without \"reason\""
        default: problem = "unknown \"event\""
        }
        if let problem { return "line \(lineNumber): seq \(seq): \(problem)" }
        summary.records += 1
        summary.firstSeq = summary.firstSeq ?? seq
        summary.lastSeq = seq
        return nil
    }

    /// Checks the journal's bytes as a whole; the first problem, if any.
    public mutating func check(journal bytes: [UInt8]) -> String? {
        var start = 0
        while start < bytes.count {
            guard let newline = bytes[start...].firstIndex(of: UInt8(ascii: "\n")) else {
                return "line \(lineNumber + 1): torn (no newline at the end of the journal)"
            }
            if let problem = check(bytes[start..<newline]) { return problem }
            start = newline + 1
        }
        return nil
    }

    private mutating func checkArticle(_ object: [String: Any], seq: UInt64) -> String? {
        guard let id = object["id"] as? String, let title = object["title"] as? String,
              let body = object["body"] as? String
        else { return "an article without \"id\", \"title\" or \"body\"" }
        let recomputed = ContentID(title: title, body: body).hex
        guard recomputed == id else { return "id \(id) does not match its title and body (\(recomputed))" }
        articleIDs[seq] = id
        summary.tally.articles += 1
        return nil
    }

    private mutating func checkDuplicate(_ object: [String: Any]) -> String? {
        guard let original = (object["duplicate_of"] as? NSNumber)?.uint64Value, let id = object["id"] as? String else {
            return "a duplicate without \"duplicate_of\" or \"id\""
        }
        guard let originalID = articleIDs[original] else {
            return "duplicate_of \(original) is not an earlier article"
        }
        guard originalID == id else { return "id \(id) differs from that of article \(original)" }
        summary.tally.duplicates += 1
        return nil
    }
}

extension JournalVerifier.Summary {
    /// e.g. "1204 records (1100 articles, 100 duplicates, 4 rejected), seq 1–1204; every id matches its text".
    public var sentence: String {
        let range = firstSeq.map { "seq \($0)–\(lastSeq ?? $0)" } ?? "no records"
        return "\(records) records (\(tally.articles) articles, \(tally.duplicates) duplicates, "
            + "\(records - tally.articles - tally.duplicates) rejected), \(range); every id matches its text"
    }
}
