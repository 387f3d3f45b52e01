import Foundation

/// The fields of a journal line that rebuilding state at start needs.
public struct JournalEntry: Sendable, Equatable {
    public var seq: UInt64
    public var event: JournalRecord.Event
    public var id: ContentID?
    public var file: String?
    public var sha256: String?

    public init(seq: UInt64, event: JournalRecord.Event, id: ContentID? = nil, file: String? = nil, sha256: String? = nil) {
        self.seq = seq
        self.event = event
        self.id = id
        self.file = file
        self.sha256 = sha256
    }

    /// Parses one line (without its newline); nil when it is not a journal record.
    public init?(line: some Collection<UInt8>) {
        guard let object = try? JSONSerialization.jsonObject(with: Data(line)) as? [String: Any],
            let seq = (object["seq"] as? NSNumber)?.uint64Value,
            let event = (object["event"] as? String).flatMap(JournalRecord.Event.init(rawValue:))
        else { return nil }
        self.init(
            seq: seq, event: event, id: (object["id"] as? String).flatMap { ContentID(hex: $0) },
            file: object["file"] as? String, sha256: object["sha256"] as? String)
    }
}
