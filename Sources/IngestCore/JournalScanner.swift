/// Reads a journal from the start, in chunks, yielding its records and finding where its whole,
/// valid lines end, so that a line torn by a crash can be cut off at start.
///
/// A last line without its newline is torn: every record is written with its newline in one
/// write. Whole lines at the end that do not parse are torn too (a file system can leave zeros
/// after a power loss). Lines that do not parse but are followed by valid ones are reported, not cut.
public struct JournalScanner: Sendable {
    /// What to do with the journal once it has been read.
    public struct Plan: Equatable, Sendable {
        /// Bytes to keep: everything up to and including the last valid line.
        public var keep: Int
        /// Bytes after `keep`, to be cut off and saved aside.
        public var cut: Int
        /// The highest seq seen in the cut bytes, so that it is never reused.
        public var highestCutSeq: UInt64?
        /// Line numbers (1-based) of lines that are kept but are not records.
        public var invalidLines: [Int]

        public init(keep: Int, cut: Int, highestCutSeq: UInt64?, invalidLines: [Int]) {
            self.keep = keep
            self.cut = cut
            self.highestCutSeq = highestCutSeq
            self.invalidLines = invalidLines
        }

        public var needsRepair: Bool { cut > 0 }
    }

    private var partialLine: [UInt8] = []
    private var consumed = 0
    private var validEnd = 0
    private var lineNumber = 0
    private var invalidSinceValid: [(line: Int, seq: UInt64?)] = []
    private var invalidBeforeValid: [Int] = []

    public init() {}

    /// Feeds the next bytes of the journal; returns the records of the lines they complete.
    public mutating func feed(_ chunk: some Collection<UInt8>) -> [JournalEntry] {
        var entries: [JournalEntry] = []
        var lineStart = chunk.startIndex
        while let newline = chunk[lineStart...].firstIndex(of: UInt8(ascii: "\n")) {
            let piece = chunk[lineStart..<newline]
            lineStart = chunk.index(after: newline)
            if partialLine.isEmpty {
                if let entry = completeLine(piece) { entries.append(entry) }
            } else {
                partialLine.append(contentsOf: piece)
                let line = partialLine
                partialLine.removeAll(keepingCapacity: true)
                if let entry = completeLine(line) { entries.append(entry) }
            }
        }
        partialLine.append(contentsOf: chunk[lineStart...])
        return entries
    }

    /// The plan once every byte has been fed.
    public func finish() -> Plan {
        let cutSeqs = invalidSinceValid.compactMap(\.seq) + [Self.leadingSeq(partialLine[...])].compactMap { $0 }
        return Plan(
            keep: validEnd, cut: consumed + partialLine.count - validEnd,
            highestCutSeq: cutSeqs.max(), invalidLines: invalidBeforeValid)
    }

    private mutating func completeLine(_ line: some Collection<UInt8>) -> JournalEntry? {
        lineNumber += 1
        consumed += line.count + 1
        guard let entry = JournalEntry(line: line) else {
            invalidSinceValid.append((lineNumber, Self.leadingSeq(ArraySlice(line))))
            return nil
        }
        invalidBeforeValid.append(contentsOf: invalidSinceValid.map(\.line))
        invalidSinceValid.removeAll()
        validEnd = consumed
        return entry
    }

    /// The seq at the start of a (possibly torn) line written by ingestd: `{"seq":123,…`.
    public static func leadingSeq(_ bytes: ArraySlice<UInt8>) -> UInt64? {
        let prefix = Array("{\"seq\":".utf8)
        guard bytes.starts(with: prefix) else { return nil }
        let digits = bytes.dropFirst(prefix.count).prefix { (0x30...0x39).contains($0) }
        return UInt64(String(decoding: digits, as: UTF8.self))
    }
}
