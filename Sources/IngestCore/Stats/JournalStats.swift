/// Counts over journal records, for `ingestd stats`: records by event, near-duplicates and
/// shared passages as shares of the articles, the same per source, day and hour, the sources
/// whose passages later articles reuse, and rejects by reason.
///
/// Records are added in journal order, oldest first (rotated files before the current one). A
/// duplicate counts under the source of the article it repeats, and a reused passage under the
/// source of the article it is credited to, so those articles must have been added before;
/// records older than `since` are not counted but still say which source an article is from.
public struct JournalStats: Sendable {
    /// How the breakdown tables group records.
    public enum Grouping: String, CaseIterable, Sendable {
        case source, day, hour
    }

    /// Counts of one group, or of all records.
    public struct Counts: Sendable, Equatable {
        public var records = 0
        public var articles = 0
        public var duplicates = 0
        public var rejected = 0
        /// Articles that list at least one near-duplicate.
        public var nearDuplicates = 0
        /// Articles that list at least one shared passage.
        public var reusing = 0
        public var bytes = 0

        public init() {}

        mutating func add(_ record: StatsRecord) {
            records += 1
            bytes += record.bytes ?? 0
            switch record.event {
            case .article:
                articles += 1
                if (record.nearDuplicates ?? 0) > 0 { nearDuplicates += 1 }
                if !(record.reuse ?? []).isEmpty { reusing += 1 }
            case .duplicate: duplicates += 1
            case .rejected: rejected += 1
            }
        }

        mutating func merge(_ other: Counts) {
            records += other.records
            articles += other.articles
            duplicates += other.duplicates
            rejected += other.rejected
            nearDuplicates += other.nearDuplicates
            reusing += other.reusing
            bytes += other.bytes
        }
    }

    /// Passages credited to the articles of one source.
    public struct ReusedSource: Sendable, Equatable {
        public var source: String
        public var passages = 0
        public var words = 0
        /// Later articles that reuse at least one of them.
        public var articles = 0
        /// Of `passages`, those in articles of another source.
        public var byOtherSources = 0
    }

    /// The name a record without a source is counted under.
    public static let noSource = "(no source)"
    /// …and a duplicate or passage whose original article is not among the records added.
    public static let unknownSource = "(original not read)"

    /// Records older than this (an RFC 3339 UTC time as the journal writes it) are not counted.
    public let since: String?
    public private(set) var total = Counts()
    public private(set) var firstTime: String?
    public private(set) var lastTime: String?
    /// Lines that are not journal records.
    public private(set) var unreadableLines = 0
    /// Whether any record had `near_duplicates`, and `reuse` (the features were on).
    public private(set) var hasNearDuplicates = false
    public private(set) var hasReuse = false

    private var sourceIndex: [String: Int32] = [:]
    private var sourceNames: [String] = []
    private var bySource: [Counts] = []
    private var byHour: [String: Counts] = [:]
    /// The hour records are being added to: journals are in time order, so most records go to the
    /// same hour as the one before, which is counted here and moved into `byHour` when it changes.
    private var currentHour: (key: String, counts: Counts)?
    private var sourceOfArticle = SeqMap()
    private var reused: [Int32: ReusedSource] = [:]
    private var reasons: [String: Int] = [:]

    public init(since: String? = nil) {
        self.since = since
    }

    /// Counts a record (see the type's notes on order).
    public mutating func add(_ record: StatsRecord) {
        let source: Int32
        switch record.event {
        case .article:
            source = index(ofSource: record.source ?? Self.noSource)
            sourceOfArticle[record.seq] = source
        case .duplicate:
            source = record.duplicateOf.flatMap { sourceOfArticle[$0] } ?? index(ofSource: Self.unknownSource)
        case .rejected:
            source = index(ofSource: Self.noSource)
        }
        if let since, record.time < since { return }
        total.add(record)
        if firstTime.map({ record.time < $0 }) ?? true { firstTime = record.time }
        if lastTime.map({ record.time > $0 }) ?? true { lastTime = record.time }
        hasNearDuplicates = hasNearDuplicates || record.nearDuplicates != nil
        hasReuse = hasReuse || record.reuse != nil
        bySource[Int(source)].add(record)
        countInHour(record)
        if let reuse = record.reuse, !reuse.isEmpty { credit(reuse, reusedBy: source) }
        if record.event == .rejected { reasons[Self.reasonKind(record.reason ?? ""), default: 0] += 1 }
    }

    /// Counts a line that is not a journal record.
    public mutating func addUnreadableLine() {
        unreadableLines += 1
    }

    /// The groups of a breakdown with their counts: sources by articles, most first; days and
    /// hours in order (hours as `2026-11-27T13`).
    public func groups(by grouping: Grouping) -> [(key: String, counts: Counts)] {
        switch grouping {
        case .source:
            return zip(sourceNames, bySource).filter { $0.1.records > 0 }.map { (key: $0.0, counts: $0.1) }
                .sorted { ($0.counts.articles, $0.counts.records, $1.key) > ($1.counts.articles, $1.counts.records, $0.key) }
        case .day:
            var days: [String: Counts] = [:]
            for (hour, counts) in hours { days[String(hour.prefix(10)), default: Counts()].merge(counts) }
            return days.sorted { $0.key < $1.key }.map { (key: $0.key, counts: $0.value) }
        case .hour:
            return hours.sorted { $0.key < $1.key }.map { (key: $0.key, counts: $0.value) }
        }
    }

    /// Every hour's counts, the current one included.
    private var hours: [String: Counts] {
        var hours = byHour
        if let currentHour { hours[currentHour.key, default: Counts()].merge(currentHour.counts) }
        return hours
    }

    private mutating func countInHour(_ record: StatsRecord) {
        let hourLength = 13  // 2026-11-27T13
        if let current = currentHour?.key, record.time.utf8.count >= hourLength,
           record.time.utf8.prefix(hourLength).elementsEqual(current.utf8) {
            currentHour!.counts.add(record)
            return
        }
        if let currentHour { byHour[currentHour.key, default: Counts()].merge(currentHour.counts) }
        var counts = Counts()
        counts.add(record)
        currentHour = (String(record.time.prefix(hourLength)), counts)
    }

    /// The sources whose articles later articles reuse passages of, most passages first.
    public var reusedSources: [ReusedSource] {
        reused.values.sorted { ($0.passages, $0.words, $1.source) > ($1.passages, $1.words, $0.source) }
    }

    /// Rejects by reason, most first; details that differ from file to file (sizes, error
    /// messages) are left out of the reason, so that one cause is one line.
    public var rejectReasons: [(reason: String, count: Int)] {
        reasons.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.map { (reason: $0.key, count: $0.value) }
    }

    private mutating func index(ofSource name: String) -> Int32 {
        if let index = sourceIndex[name] { return index }
        let index = Int32(sourceNames.count)
        sourceIndex[name] = index
        sourceNames.append(name)
        bySource.append(Counts())
        return index
    }

    private mutating func credit(_ passages: [StatsRecord.Reuse], reusedBy reuser: Int32) {
        var creditedSources: Set<Int32> = []
        for passage in passages {
            let credited = sourceOfArticle[passage.seq] ?? index(ofSource: Self.unknownSource)
            let name = sourceNames[Int(credited)]
            reused[credited, default: ReusedSource(source: name)].passages += 1
            reused[credited]!.words += passage.words
            if credited != reuser { reused[credited]!.byOtherSources += 1 }
            if creditedSources.insert(credited).inserted { reused[credited]!.articles += 1 }
        }
    }

    /// Sources of articles by seq: an array from the first seq on, since journals number their
    /// records one after another; a dictionary for seqs far from it (journals given out of order).
    struct SeqMap: Sendable {
        private var first: UInt64?
        private var dense: [Int32] = []
        private var sparse: [UInt64: Int32] = [:]
        private static let absent: Int32 = -1

        subscript(seq: UInt64) -> Int32? {
            get {
                if let first, seq >= first, seq - first < UInt64(dense.count) {
                    let value = dense[Int(seq - first)]
                    return value == Self.absent ? nil : value
                }
                return sparse[seq]
            }
            set {
                let first = self.first ?? seq
                self.first = first
                // Within a million of the end: fill the gap (seqs cut from a torn journal, records
                // of other kinds) rather than fall back to the dictionary.
                if seq >= first, seq - first < UInt64(dense.count) + 1_000_000 {
                    let offset = Int(seq - first)
                    if offset >= dense.count { dense += repeatElement(Self.absent, count: offset - dense.count + 1) }
                    dense[offset] = newValue ?? Self.absent
                } else {
                    sparse[seq] = newValue
                }
            }
        }
    }

    /// A reject's reason without what is particular to the file: the detail after a colon, and
    /// numbers that stand as words ("The file is 2000000 bytes" → "The file is … bytes").
    static func reasonKind(_ reason: String) -> String {
        var kind = reason
        if let colon = kind.range(of: ": ") { kind = kind[..<colon.lowerBound] + ": …" }
        var words = kind.split(separator: " ", omittingEmptySubsequences: false).map(String.init)
        for index in words.indices where !words[index].isEmpty && words[index].allSatisfy(\.isNumber) { words[index] = "…" }
        return words.joined(separator: " ")
    }
}
