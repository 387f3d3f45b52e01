import Foundation
import Glibc

/// The fields of a journal line that ``JournalStats`` counts, read without building the record:
/// a journal of a million articles is mostly titles and bodies, which are skipped, not decoded.
public struct StatsRecord: Sendable, Equatable {
    /// A passage the article shares with an earlier one: the earlier article's seq, and its
    /// length in words here.
    public struct Reuse: Sendable, Equatable {
        public var seq: UInt64
        public var words: Int

        public init(seq: UInt64, words: Int) {
            self.seq = seq
            self.words = words
        }
    }

    public var seq: UInt64
    /// RFC 3339 UTC, as the journal writes it (`2026-11-27T13:57:28.695Z`).
    public var time: String
    public var event: JournalRecord.Event
    public var bytes: Int?
    public var duplicateOf: UInt64?
    public var source: String?
    /// How many near-duplicates the article lists; nil when the record has no such field.
    public var nearDuplicates: Int?
    /// The passages the article lists; nil when the record has no `reuse` field.
    public var reuse: [Reuse]?
    public var reason: String?

    public init(seq: UInt64, time: String, event: JournalRecord.Event, bytes: Int? = nil, duplicateOf: UInt64? = nil,
                source: String? = nil, nearDuplicates: Int? = nil, reuse: [Reuse]? = nil, reason: String? = nil) {
        self.seq = seq
        self.time = time
        self.event = event
        self.bytes = bytes
        self.duplicateOf = duplicateOf
        self.source = source
        self.nearDuplicates = nearDuplicates
        self.reuse = reuse
        self.reason = reason
    }

    /// Reads one line (without its newline); nil when it is not a journal record.
    public init?(line: UnsafeBufferPointer<UInt8>) {
        if line.isEmpty {
            return nil
        } else if let record = Self.fastParse(line) {
            self = record
        } else if let record = Self.generalParse(line) {
            self = record
        } else {
            return nil
        }
    }

    /// Any JSON object with the record's fields, in any order and with any escapes.
    static func generalParse(_ line: UnsafeBufferPointer<UInt8>) -> StatsRecord? {
        guard let object = try? JSONSerialization.jsonObject(with: Data(line)) as? [String: Any],
              let seq = (object["seq"] as? NSNumber)?.uint64Value, let time = object["time"] as? String,
              let event = (object["event"] as? String).flatMap(JournalRecord.Event.init(rawValue:))
        else { return nil }
        let reuse = (object["reuse"] as? [[String: Any]])?.compactMap { passage -> Reuse? in
            guard let seq = (passage["seq"] as? NSNumber)?.uint64Value, let words = (passage["words"] as? NSNumber)?.intValue
            else { return nil }
            return Reuse(seq: seq, words: words)
        }
        return StatsRecord(
            seq: seq, time: time, event: event, bytes: (object["bytes"] as? NSNumber)?.intValue,
            duplicateOf: (object["duplicate_of"] as? NSNumber)?.uint64Value, source: object["source"] as? String,
            nearDuplicates: (object["near_duplicates"] as? [Any])?.count, reuse: reuse, reason: object["reason"] as? String)
    }

    /// The flat objects ingestd writes: top-level keys read in order, strings skipped with memchr
    /// unless their value is needed; nil on anything unexpected, which the general parser then reads.
    static func fastParse(_ line: UnsafeBufferPointer<UInt8>) -> StatsRecord? {
        var cursor = JSONCursor(line)
        guard cursor.take(UInt8(ascii: "{")) else { return nil }
        var seq: UInt64?, time: String?, event: JournalRecord.Event?
        var record = StatsRecord(seq: 0, time: "", event: .article)
        repeat {
            guard let key = cursor.key() else { return nil }
            switch key.count {
            case 3 where cursor.matches(key, "seq"): seq = cursor.number()
            case 4 where cursor.matches(key, "time"): time = cursor.string()
            case 5 where cursor.matches(key, "event"): event = cursor.string().flatMap(JournalRecord.Event.init(rawValue:))
            case 5 where cursor.matches(key, "bytes"): record.bytes = cursor.number().map(Int.init)
            case 12 where cursor.matches(key, "duplicate_of"): record.duplicateOf = cursor.number()
            case 6 where cursor.matches(key, "source"): record.source = cursor.string()
            case 6 where cursor.matches(key, "reason"): record.reason = cursor.string()
            case 15 where cursor.matches(key, "near_duplicates"): record.nearDuplicates = cursor.arrayCount()
            case 5 where cursor.matches(key, "reuse"): record.reuse = cursor.reuse()
            default: guard cursor.skipValue() else { return nil }
            }
            guard cursor.isValid else { return nil }
        } while cursor.take(UInt8(ascii: ","))
        guard cursor.take(UInt8(ascii: "}")), cursor.atEnd, let seq, let time, let event else { return nil }
        (record.seq, record.time, record.event) = (seq, time, event)
        return record
    }
}

/// Reads the JSON ingestd writes, one value at a time. A read that finds something else marks
/// the cursor invalid, and the caller gives up on the line.
private struct JSONCursor {
    let bytes: UnsafeBufferPointer<UInt8>
    var position = 0
    private(set) var isValid = true

    init(_ bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    var atEnd: Bool { position == bytes.count }

    mutating func take(_ byte: UInt8) -> Bool {
        guard position < bytes.count, bytes[position] == byte else { return false }
        position += 1
        return true
    }

    /// A key and its colon: the key's bytes (keys ingestd writes have no escapes).
    mutating func key() -> Range<Int>? {
        guard let range = rawString(), !hasEscape(range), take(UInt8(ascii: ":")) else { return nil }
        return range
    }

    func matches(_ range: Range<Int>, _ literal: StaticString) -> Bool {
        literal.withUTF8Buffer { $0.elementsEqual(bytes[range]) }
    }

    mutating func number() -> UInt64? {
        var value: UInt64 = 0
        let start = position
        while position < bytes.count, (0x30...0x39).contains(bytes[position]) {
            let (product, overflow) = value.multipliedReportingOverflow(by: 10)
            guard !overflow else { return invalid() }
            value = product + UInt64(bytes[position] - 0x30)
            position += 1
        }
        return position > start ? value : invalid()
    }

    /// A string value, decoded.
    mutating func string() -> String? {
        guard let range = rawString() else { return nil }
        guard hasEscape(range) else { return String(decoding: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self) }
        let quoted = Data(UnsafeBufferPointer(rebasing: bytes[range.lowerBound - 1..<range.upperBound + 1]))
        guard let decoded = try? JSONSerialization.jsonObject(with: quoted, options: .fragmentsAllowed) as? String else { return invalid() }
        return decoded
    }

    /// The bytes between the quotes of a string, found with memchr; a quote is the end unless an
    /// odd number of backslashes comes before it.
    mutating func rawString() -> Range<Int>? {
        guard take(UInt8(ascii: "\"")) else { return invalid() }
        let base = bytes.baseAddress!, start = position
        while true {
            guard position < bytes.count, let found = memchr(base + position, Int32(UInt8(ascii: "\"")), bytes.count - position)
            else { return invalid() }
            let quote = base.distance(to: found.assumingMemoryBound(to: UInt8.self))
            var backslashes = 0
            while quote - backslashes - 1 >= start, bytes[quote - backslashes - 1] == UInt8(ascii: "\\") { backslashes += 1 }
            position = quote + 1
            if backslashes % 2 == 0 { return start..<quote }
        }
    }

    /// Whether a string's bytes hold an escape; asked only of the strings that are decoded, not
    /// of the titles and bodies that are skipped.
    func hasEscape(_ range: Range<Int>) -> Bool {
        memchr(bytes.baseAddress! + range.lowerBound, Int32(UInt8(ascii: "\\")), range.count) != nil
    }

    /// How many values an array holds (`[]` is 0).
    mutating func arrayCount() -> Int? {
        guard take(UInt8(ascii: "[")) else { return invalid() }
        if take(UInt8(ascii: "]")) { return 0 }
        var count = 0
        repeat {
            guard skipValue() else { return invalid() }
            count += 1
        } while take(UInt8(ascii: ","))
        return take(UInt8(ascii: "]")) ? count : invalid()
    }

    /// `[{"seq":3,"words":31,"at":[40,71],"from":[12,44]},…]`.
    mutating func reuse() -> [StatsRecord.Reuse]? {
        guard take(UInt8(ascii: "[")) else { return invalid() }
        var passages: [StatsRecord.Reuse] = []
        if take(UInt8(ascii: "]")) { return passages }
        repeat {
            guard take(UInt8(ascii: "{")) else { return invalid() }
            var seq: UInt64?, words: UInt64?
            repeat {
                guard let key = key() else { return invalid() }
                if matches(key, "seq") { seq = number() } else if matches(key, "words") { words = number() } else if !skipValue() { return invalid() }
            } while take(UInt8(ascii: ","))
            guard take(UInt8(ascii: "}")), let seq, let words else { return invalid() }
            passages.append(.init(seq: seq, words: Int(words)))
        } while take(UInt8(ascii: ","))
        return take(UInt8(ascii: "]")) ? passages : invalid()
    }

    /// Skips any JSON value; false if there is none.
    mutating func skipValue() -> Bool {
        guard position < bytes.count else { return false }
        switch bytes[position] {
        case UInt8(ascii: "\""):
            return rawString() != nil
        case UInt8(ascii: "["), UInt8(ascii: "{"):
            let close = bytes[position] == UInt8(ascii: "[") ? UInt8(ascii: "]") : UInt8(ascii: "}")
            let isObject = close == UInt8(ascii: "}")
            position += 1
            if take(close) { return true }
            repeat {
                if isObject { guard key() != nil else { return false } }
                guard skipValue() else { return false }
            } while take(UInt8(ascii: ","))
            return take(close)
        default:
            // A number, true, false or null: up to the next delimiter.
            let start = position
            while position < bytes.count, ![UInt8(ascii: ","), UInt8(ascii: "}"), UInt8(ascii: "]")].contains(bytes[position]) {
                position += 1
            }
            return position > start
        }
    }

    private mutating func invalid<T>() -> T? {
        isValid = false
        return nil
    }
}
