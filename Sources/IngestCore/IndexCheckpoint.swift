import Crypto

/// A saved copy of the ingestor's state, so that a restart need not re-read the whole journal and
/// so that the state survives the journal being rotated away.
///
/// It covers the journal file `(journalDevice, journalInode)` up to `journalOffset`; at start
/// only what follows is replayed. Records whose seq is below `nextSeq` are already counted in it,
/// which is what makes replaying a rotated or replaced journal safe.
///
/// Binary layout, little-endian: "INGESTIX", version (u32), reserved (u32, 0), then u64 fields
/// nextSeq, articles, duplicates, rejected, device, inode, offset, entry count; then each entry as
/// the id's four u64 words and a u64 seq; then the near-duplicate index: a u64 count, that many
/// u64 seqs, and that many 128-byte sketches; then the shared-passage index: a u64 count, that many
/// u64 seqs, that many u32 word counts, and the articles' word bytes back to back (see
/// ``PassageShingles``); then the SHA-256 of all that precedes it.
public struct IndexCheckpoint: Equatable, Sendable {
    public struct Entry: Equatable, Sendable {
        public var id: ContentID
        public var seq: UInt64

        public init(id: ContentID, seq: UInt64) {
            self.id = id
            self.seq = seq
        }
    }

    public var nextSeq: UInt64
    public var tally: Ingestor.Tally
    public var journalDevice: UInt64
    public var journalInode: UInt64
    public var journalOffset: UInt64
    public var entries: [Entry]
    /// The near-duplicate index: its articles' seqs, and their sketches back to back.
    public var nearSeqs: [UInt64]
    public var nearSketches: [UInt8]
    /// The shared-passage index's articles, oldest first.
    public var passageArticles: [PassageArticle]

    /// An article of the shared-passage index: its seq and a byte per word.
    public struct PassageArticle: Equatable, Sendable {
        public var seq: UInt64
        public var words: [UInt8]

        public init(seq: UInt64, words: [UInt8]) {
            self.seq = seq
            self.words = words
        }
    }

    public init(nextSeq: UInt64, tally: Ingestor.Tally, journalDevice: UInt64, journalInode: UInt64,
                journalOffset: UInt64, entries: [Entry], nearSeqs: [UInt64] = [], nearSketches: [UInt8] = [],
                passageArticles: [PassageArticle] = []) {
        self.passageArticles = passageArticles
        self.nearSeqs = nearSeqs
        self.nearSketches = nearSketches
        self.nextSeq = nextSeq
        self.tally = tally
        self.journalDevice = journalDevice
        self.journalInode = journalInode
        self.journalOffset = journalOffset
        self.entries = entries
    }

    static let magic = Array("INGESTIX".utf8)
    static let version: UInt32 = 3
    static let headerSize = 8 + 4 + 4 + 8 * 8
    static let entrySize = 40

    public func encoded() -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(Self.headerSize + entries.count * Self.entrySize + 8 + nearSeqs.count * 8 + nearSketches.count + 32)
        bytes += Self.magic
        bytes.appendLittleEndian(Self.version)
        bytes.appendLittleEndian(UInt32(0))
        for field in [nextSeq, UInt64(tally.articles), UInt64(tally.duplicates), UInt64(tally.rejected),
                      journalDevice, journalInode, journalOffset, UInt64(entries.count)] {
            bytes.appendLittleEndian(field)
        }
        for entry in entries {
            for word in [entry.id.words.0, entry.id.words.1, entry.id.words.2, entry.id.words.3] {
                bytes.appendLittleEndian(word)
            }
            bytes.appendLittleEndian(entry.seq)
        }
        bytes.appendLittleEndian(UInt64(nearSeqs.count))
        for seq in nearSeqs { bytes.appendLittleEndian(seq) }
        bytes += nearSketches
        bytes.appendLittleEndian(UInt64(passageArticles.count))
        for article in passageArticles { bytes.appendLittleEndian(article.seq) }
        for article in passageArticles { bytes.appendLittleEndian(UInt32(article.words.count)) }
        for article in passageArticles { bytes += article.words }
        bytes += Array(SHA256.hash(data: bytes))
        return bytes
    }

    /// Decodes a checkpoint; nil when the bytes are not a whole, intact checkpoint of this version.
    public init?(decoding bytes: [UInt8]) {
        guard bytes.count >= Self.headerSize + 32, bytes.starts(with: Self.magic) else { return nil }
        let body = bytes[..<(bytes.count - 32)]
        guard Array(SHA256.hash(data: Array(body))) == Array(bytes[(bytes.count - 32)...]) else { return nil }
        var reader = LittleEndianReader(bytes: body, offset: 8)
        let version = reader.u32()
        guard version == Self.version || version == 2 else { return nil }
        _ = reader.u32()
        let fields = (0..<8).map { _ in reader.u64() }
        let count = Int(fields[7])
        let nearCountOffset = Self.headerSize + count * Self.entrySize
        guard count <= body.count / Self.entrySize, body.count >= nearCountOffset + 8 else { return nil }
        var entries: [Entry] = []
        entries.reserveCapacity(count)
        for _ in 0..<count {
            let id = ContentID(words: (reader.u64(), reader.u64(), reader.u64(), reader.u64()))
            entries.append(Entry(id: id, seq: reader.u64()))
        }
        let nearCount = Int(reader.u64())
        let sketchBytes = nearCount * MinHashSketch.binCount
        let passageCountOffset = nearCountOffset + 8 + nearCount * 8 + sketchBytes
        // Version 2, before shared passages, ends with the sketches.
        let passageSection = version == 2 ? 0 : 8
        guard nearCount <= body.count / 8, body.count >= passageCountOffset + passageSection else { return nil }
        let nearSeqs = (0..<nearCount).map { _ in reader.u64() }
        let sketchStart = body.startIndex + nearCountOffset + 8 + nearCount * 8
        reader.offset = passageCountOffset
        let passageCount = version == 2 ? 0 : Int(reader.u64())
        guard passageCount <= body.count / 12, body.count >= passageCountOffset + passageSection + passageCount * 12 else { return nil }
        let passageSeqs = (0..<passageCount).map { _ in reader.u64() }
        let wordCounts = (0..<passageCount).map { _ in Int(reader.u32()) }
        guard body.count == passageCountOffset + passageSection + passageCount * 12 + wordCounts.reduce(0, +) else { return nil }
        var wordStart = body.startIndex + passageCountOffset + passageSection + passageCount * 12
        let passageArticles = zip(passageSeqs, wordCounts).map { seq, count in
            defer { wordStart += count }
            return PassageArticle(seq: seq, words: Array(body[wordStart..<wordStart + count]))
        }
        self.init(nextSeq: fields[0],
                  tally: Ingestor.Tally(articles: Int(fields[1]), duplicates: Int(fields[2]), rejected: Int(fields[3])),
                  journalDevice: fields[4], journalInode: fields[5], journalOffset: fields[6], entries: entries,
                  nearSeqs: nearSeqs, nearSketches: Array(body[sketchStart..<sketchStart + sketchBytes]),
                  passageArticles: passageArticles)
    }
}

extension Array where Element == UInt8 {
    fileprivate mutating func appendLittleEndian<T: FixedWidthInteger>(_ value: T) {
        Swift.withUnsafeBytes(of: value.littleEndian) { append(contentsOf: $0) }
    }
}

private struct LittleEndianReader {
    let bytes: ArraySlice<UInt8>
    var offset: Int

    mutating func u32() -> UInt32 { UInt32(truncatingIfNeeded: read(4)) }
    mutating func u64() -> UInt64 { read(8) }

    private mutating func read(_ count: Int) -> UInt64 {
        var value: UInt64 = 0
        for index in 0..<count { value |= UInt64(bytes[bytes.startIndex + offset + index]) << (8 * index) }
        offset += count
        return value
    }
}
