/// Which content ids have been journaled as articles, and under which seq.
///
/// First wins: the first file with an id is the article, every later one is its duplicate.
public struct DedupIndex: Sendable {
    private var firstSeq: [ContentID: UInt64] = [:]

    public init() {}

    /// An index holding these articles.
    public init(entries: [IndexCheckpoint.Entry]) {
        firstSeq.reserveCapacity(entries.count)
        for entry in entries { firstSeq[entry.id] = entry.seq }
    }

    /// Every article, in no particular order.
    public var entries: [IndexCheckpoint.Entry] {
        firstSeq.map { IndexCheckpoint.Entry(id: $0.key, seq: $0.value) }
    }

    public var count: Int { firstSeq.count }

    /// The seq of the article with this id, if there is one.
    public func article(for id: ContentID) -> UInt64? { firstSeq[id] }

    /// Records `id` as the article `seq` unless the id is known; returns the earlier seq if it was.
    public mutating func insert(_ id: ContentID, seq: UInt64) -> UInt64? {
        if let earlier = firstSeq[id] { return earlier }
        firstSeq[id] = seq
        return nil
    }

    /// Forgets `id` if it was recorded as `seq` (undoing an insert whose record never reached disk).
    public mutating func remove(_ id: ContentID, seq: UInt64) {
        if firstSeq[id] == seq { firstSeq[id] = nil }
    }
}
