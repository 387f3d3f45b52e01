/// Records whose files may still be in the inbox because the daemon stopped (a crash, a kill)
/// after the records reached the journal but before the files were moved out.
///
/// At start, a file found in the inbox that matches one of them (same path, same SHA-256 and size,
/// or for files that were never read, same path and the same lack of them) is that record's file:
/// it is moved out without a second record.
public struct UnmovedRecords: Sendable {
    public struct Match: Equatable, Sendable {
        public var seq: UInt64
        public var event: JournalRecord.Event

        public init(seq: UInt64, event: JournalRecord.Event) {
            self.seq = seq
            self.event = event
        }
    }

    private struct Fingerprint: Hashable {
        var file: RelativePath
        var sha256: String?
        var bytes: Int?
    }

    private var records: [Fingerprint: [Match]] = [:]

    public init() {}

    public var isEmpty: Bool { records.isEmpty }

    /// The lowest seq whose file has not been found yet.
    public var lowestSeq: UInt64? { records.values.lazy.flatMap { $0 }.map(\.seq).min() }

    /// Remembers a replayed record if it comes after `movedThrough`, the last seq whose file is
    /// known to have been moved.
    public mutating func add(_ entry: JournalEntry, movedThrough: UInt64) {
        guard entry.seq > movedThrough, let file = entry.path else { return }
        records[Fingerprint(file: file, sha256: entry.sha256, bytes: entry.bytes), default: []]
            .append(Match(seq: entry.seq, event: entry.event))
    }

    /// The record of this file, if it has one; each record matches one file only.
    public mutating func claim(_ analysis: FileAnalysis) -> Match? {
        let key = Fingerprint(file: analysis.file, sha256: analysis.sha256, bytes: analysis.bytes)
        guard var matches = records[key], !matches.isEmpty else { return nil }
        let match = matches.removeFirst()
        records[key] = matches.isEmpty ? nil : matches
        return match
    }

    public mutating func removeAll() { records.removeAll() }
}
