/// Gives analysed files their seq and decides article or duplicate, first wins.
///
/// Holds the state that must survive restarts: the next seq, the dedup index, the near-duplicate
/// index, and the tallies shown in the status line.
public struct Ingestor: Sendable {
    public static let defaultNearThreshold = 0.7

    public private(set) var index = DedupIndex()
    public private(set) var nearIndex = NearDuplicateIndex()
    /// The shared-passage index; nil turns shared-passage detection off (no `reuse`).
    public private(set) var passageIndex: PassageIndex?
    public private(set) var nextSeq: UInt64 = 1
    public private(set) var tally = Tally()
    /// Earlier articles at least this similar are listed in `near_duplicates`; nil turns
    /// near-duplicate detection off (no sketches, no `near_duplicates`).
    public var nearThreshold: Double?

    public init(nearThreshold: Double? = Self.defaultNearThreshold, passages: PassageSettings? = nil) {
        self.nearThreshold = nearThreshold
        passageIndex = passages.map(PassageIndex.init(settings:))
    }

    /// The state saved in `checkpoint`.
    public init(checkpoint: IndexCheckpoint, nearThreshold: Double? = Self.defaultNearThreshold,
                passages: PassageSettings? = nil) {
        index = DedupIndex(entries: checkpoint.entries)
        nearIndex = NearDuplicateIndex(seqs: checkpoint.nearSeqs, sketches: checkpoint.nearSketches)
        passageIndex = passages.map { PassageIndex(settings: $0, articles: checkpoint.passageArticles) }
        nextSeq = checkpoint.nextSeq
        tally = checkpoint.tally
        self.nearThreshold = nearThreshold
    }

    /// The current state, as covering the journal file `(device, inode)` up to `offset`.
    public func checkpoint(journalDevice: UInt64, journalInode: UInt64, journalOffset: UInt64) -> IndexCheckpoint {
        IndexCheckpoint(nextSeq: nextSeq, tally: tally, journalDevice: journalDevice, journalInode: journalInode,
                        journalOffset: journalOffset, entries: index.entries,
                        nearSeqs: nearIndex.seqs, nearSketches: nearIndex.sketchBytes,
                        passageArticles: passageIndex?.articles ?? [])
    }

    /// Counts of journal records by event.
    public struct Tally: Sendable, Equatable {
        public var articles = 0
        public var duplicates = 0
        public var rejected = 0

        public init(articles: Int = 0, duplicates: Int = 0, rejected: Int = 0) {
            self.articles = articles
            self.duplicates = duplicates
            self.rejected = rejected
        }

        /// e.g. "1204 articles, 37 duplicates, 2 rejected, 0 waiting".
        public func status(waiting: Int) -> String {
            "\(articles) articles, \(duplicates) duplicates, \(rejected) rejected, \(waiting) waiting"
        }
    }

    /// The record for `analysis`, numbered next; updates the index and tallies.
    public mutating func record(for analysis: FileAnalysis, time: String) -> JournalRecord {
        let seq = nextSeq
        var record = JournalRecord(
            seq: seq, time: time, event: .rejected, file: analysis.file,
            sha256: analysis.sha256, bytes: analysis.bytes)
        switch analysis.outcome {
        case .rejected(let rejection):
            record.reason = rejection.reason
        case .article(let article, let id, let words, let sketch, let shingles):
            record.id = id
            if let earlier = index.insert(id, seq: seq) {
                record.event = .duplicate
                record.duplicateOf = earlier
            } else {
                record.event = .article
                record.article = article
                record.words = words
                if let sketch, let nearThreshold {
                    record.nearDuplicates = nearIndex.nearDuplicates(of: sketch, threshold: nearThreshold)
                    nearIndex.insert(sketch, seq: seq)
                }
                if let shingles, passageIndex != nil {
                    record.reuse = passageIndex!.add(shingles, seq: seq)
                }
            }
        }
        apply(event: record.event, seq: seq)
        return record
    }

    /// Replays a record already in the journal (at start). A record whose seq is below the next
    /// seq is already counted (it is in the checkpoint the state was loaded from) and is skipped.
    public mutating func replay(_ entry: JournalEntry) {
        guard entry.seq >= nextSeq else { return }
        if entry.event == .article, let id = entry.id { _ = index.insert(id, seq: entry.seq) }
        if nearThreshold != nil || passageIndex != nil, let article = entry.article {
            let analysed = article.analysed(sketched: nearThreshold != nil, passageWords: passageIndex?.settings.minimumWords)
            if let sketch = analysed.sketch { nearIndex.insert(sketch, seq: entry.seq) }
            if let shingles = analysed.shingles { passageIndex?.insert(shingles, seq: entry.seq) }
        }
        apply(event: entry.event, seq: entry.seq)
    }

    /// Takes back records that never reached the journal (the write failed), newest first, so that
    /// the same files get the same seqs when they are tried again.
    public mutating func undo(_ records: [JournalRecord]) {
        for record in records.reversed() {
            switch record.event {
            case .article:
                if let id = record.id { index.remove(id, seq: record.seq) }
                nearIndex.removeLast(seq: record.seq)
                passageIndex?.removeLast(seq: record.seq)
                tally.articles -= 1
            case .duplicate: tally.duplicates -= 1
            case .rejected: tally.rejected -= 1
            }
            nextSeq = min(nextSeq, record.seq)
        }
    }

    /// Never reuse a seq that may have been seen, even on a line that was later cut as torn.
    public mutating func reserveSeqs(through seq: UInt64) {
        nextSeq = max(nextSeq, seq + 1)
    }

    private mutating func apply(event: JournalRecord.Event, seq: UInt64) {
        switch event {
        case .article: tally.articles += 1
        case .duplicate: tally.duplicates += 1
        case .rejected: tally.rejected += 1
        }
        reserveSeqs(through: seq)
    }
}
