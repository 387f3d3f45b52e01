import Foundation

/// The fields of a journal line that rebuilding state at start needs.
public struct JournalEntry: Sendable, Equatable {
    public var seq: UInt64
    public var event: JournalRecord.Event
    public var id: ContentID?
    /// The file's path: from `file_bytes` when present (names that are not UTF-8), else `file`.
    public var path: RelativePath?
    public var sha256: String?
    public var bytes: Int?

    public init(seq: UInt64, event: JournalRecord.Event, id: ContentID? = nil, path: RelativePath? = nil,
                sha256: String? = nil, bytes: Int? = nil) {
        self.seq = seq
        self.event = event
        self.id = id
        self.path = path
        self.sha256 = sha256
        self.bytes = bytes
    }

    /// Parses one line (without its newline); nil when it is not a journal record.
    public init?(line: some Collection<UInt8>) {
        guard let object = try? JSONSerialization.jsonObject(with: Data(line)) as? [String: Any],
            let seq = (object["seq"] as? NSNumber)?.uint64Value,
            let event = (object["event"] as? String).flatMap(JournalRecord.Event.init(rawValue:))
        else { return nil }
        let exactName = (object["file_bytes"] as? String).flatMap { Data(base64Encoded: $0) }.map { RelativePath(bytes: Array($0)) }
        self.init(
            seq: seq, event: event, id: (object["id"] as? String).flatMap { ContentID(hex: $0) },
            path: exactName ?? (object["file"] as? String).map(RelativePath.init),
            sha256: object["sha256"] as? String, bytes: (object["bytes"] as? NSNumber)?.intValue)
    }
}
