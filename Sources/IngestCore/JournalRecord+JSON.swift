extension JournalRecord {
    /// The record as one JSON line, newline included.
    ///
    /// Hand-written rather than JSONEncoder: the key order is part of the format, and this runs once
    /// per file on the hot path.
    public func jsonLine() -> [UInt8] {
        appendingJSONLine(to: [])
    }

    /// `buffer` with the record's JSON line appended: a batch of records is written into one
    /// buffer without a copy per record.
    public func appendingJSONLine(to buffer: consuming [UInt8]) -> [UInt8] {
        var json = JSONObjectWriter(appendingTo: consume buffer,
                                    capacity: 512 + (article.map { $0.title.utf8.count + $0.body.utf8.count } ?? 0))
        json.number("seq", seq)
        json.string("time", time)
        json.string("event", event.rawValue)
        json.string("file", file.description)
        if !file.isValidUTF8 { json.string("file_bytes", file.base64) }
        if let id { json.string("id", id.hex) }
        if let sha256 { json.string("sha256", sha256) }
        if let bytes { json.number("bytes", UInt64(bytes)) }
        if let duplicateOf { json.number("duplicate_of", duplicateOf) }
        if let article {
            json.string("title", article.title)
            json.string("body", article.body)
            if let words { json.number("words", UInt64(words)) }
            let metadata = article.metadata
            if let source = metadata.source { json.string("source", source) }
            if let url = metadata.url { json.string("url", url) }
            if let author = metadata.author { json.string("author", author) }
            if let date = metadata.date { json.string("date", date) }
            if let nearDuplicates { json.nearDuplicates(nearDuplicates) }
            if let reuse { json.reuse(reuse) }
        }
        if let reason { json.string("reason", reason) }
        return json.finish()
    }
}

/// Writes one flat JSON object with string and number values.
struct JSONObjectWriter {
    private var buffer: [UInt8]
    /// Where the object starts in `buffer`.
    private let start: Int

    init(appendingTo buffer: consuming [UInt8], capacity: Int) {
        self.buffer = consume buffer
        start = self.buffer.count
        self.buffer.reserveRoom(capacity)
        self.buffer.append(UInt8(ascii: "{"))
    }

    mutating func string(_ key: StaticString, _ value: String) {
        self.key(key)
        JSONString.append(value, to: &buffer)
    }

    mutating func number(_ key: StaticString, _ value: UInt64) {
        self.key(key)
        buffer.appendDecimal(value)
    }

    /// Appends this file's own ASCII text.
    private mutating func literal(_ text: StaticString) {
        text.withUTF8Buffer { buffer.append(contentsOf: $0) }
    }

    /// `"near_duplicates":[{"seq":12,"similarity":0.914},…]`, similarity to three decimals.
    mutating func nearDuplicates(_ list: [NearDuplicate]) {
        key("near_duplicates")
        buffer.append(UInt8(ascii: "["))
        for (index, near) in list.enumerated() {
            if index > 0 { buffer.append(UInt8(ascii: ",")) }
            literal("{\"seq\":")
            buffer.appendDecimal(near.seq)
            literal(",\"similarity\":")
            buffer.append(contentsOf: JSONObjectFormat.threeDecimals(near.similarity).utf8)
            literal("}")
        }
        buffer.append(UInt8(ascii: "]"))
    }

    /// `"reuse":[{"seq":3,"words":31,"at":[40,71],"from":[12,44]},…],"reused_words":31`.
    mutating func reuse(_ reuse: PassageReuse) {
        key("reuse")
        buffer.append(UInt8(ascii: "["))
        for (index, passage) in reuse.passages.enumerated() {
            if index > 0 { buffer.append(UInt8(ascii: ",")) }
            let (at, from) = (passage.at, passage.from)
            // Digits appended one field at a time: an interpolated string per passage cost more
            // than the rest of its record's numbers.
            literal("{\"seq\":")
            buffer.appendDecimal(passage.seq)
            literal(",\"words\":")
            buffer.appendDecimal(UInt64(passage.words))
            literal(",\"at\":[")
            buffer.appendDecimal(UInt64(at.lowerBound))
            buffer.append(UInt8(ascii: ","))
            buffer.appendDecimal(UInt64(at.upperBound))
            literal("],\"from\":[")
            buffer.appendDecimal(UInt64(from.lowerBound))
            buffer.append(UInt8(ascii: ","))
            buffer.appendDecimal(UInt64(from.upperBound))
            literal("]}")
        }
        buffer.append(UInt8(ascii: "]"))
        number("reused_words", UInt64(reuse.reusedWords))
    }

    mutating func finish() -> [UInt8] {
        buffer.append(contentsOf: "}\n".utf8)
        return buffer
    }

    /// Keys are this file's own ASCII literals, which need no escaping.
    private mutating func key(_ key: StaticString) {
        if buffer.count > start + 1 { buffer.append(UInt8(ascii: ",")) }
        buffer.append(UInt8(ascii: "\""))
        literal(key)
        literal("\":")
    }
}

/// JSON string escaping (RFC 8259), keeping non-ASCII text as UTF-8.
enum JSONString {
    private static let hexDigits = Array("0123456789abcdef".utf8)

    static func append(_ string: String, to buffer: inout [UInt8]) {
        buffer.append(UInt8(ascii: "\""))
        var string = string
        string.withUTF8 { utf8 in
            buffer.reserveRoom(utf8.count + 16)
            var runStart = 0
            var index = 0
            // Copy runs that need no escaping in one go; escape the bytes that do. Eight bytes at
            // a time while none of them can start an escape: articles are long and rarely need one.
            while index < utf8.count {
                if index + 8 <= utf8.count,
                   !mayNeedEscape(UnsafeRawBufferPointer(utf8).loadUnaligned(fromByteOffset: index, as: UInt64.self)) {
                    index += 8
                    continue
                }
                let byte = utf8[index]
                let needsEscape = byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\")
                    || (byte == 0xE2 && index + 2 < utf8.count && utf8[index + 1] == 0x80 && (utf8[index + 2] == 0xA8 || utf8[index + 2] == 0xA9))
                if !needsEscape {
                    index += 1
                    continue
                }
                buffer.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<index]))
                index += appendEscape(at: index, in: utf8, to: &buffer)
                runStart = index
            }
            buffer.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<utf8.count]))
        }
        buffer.append(UInt8(ascii: "\""))
    }

    /// Whether any of the eight bytes is a control character, a quote, a backslash or 0xE2 (the
    /// lead byte of U+2028 and U+2029).
    @inline(__always)
    private static func mayNeedEscape(_ word: UInt64) -> Bool {
        ByteWord.hasByte(word, below: 0x20) || ByteWord.hasByte(word, equalTo: 0x22)
            || ByteWord.hasByte(word, equalTo: 0x5C) || ByteWord.hasByte(word, equalTo: 0xE2)
    }

    /// Appends the escape for the byte at `index`; returns how many bytes it consumed.
    private static func appendEscape(at index: Int, in utf8: UnsafeBufferPointer<UInt8>, to buffer: inout [UInt8]) -> Int {
        let byte = utf8[index]
        switch byte {
        case UInt8(ascii: "\""): buffer.append(UInt8(ascii: "\\")); buffer.append(byte)
        case UInt8(ascii: "\\"): buffer.append(UInt8(ascii: "\\")); buffer.append(byte)
        case UInt8(ascii: "\n"): buffer.append(UInt8(ascii: "\\")); buffer.append(UInt8(ascii: "n"))
        case UInt8(ascii: "\r"): buffer.append(UInt8(ascii: "\\")); buffer.append(UInt8(ascii: "r"))
        case UInt8(ascii: "\t"): buffer.append(UInt8(ascii: "\\")); buffer.append(UInt8(ascii: "t"))
        case 0xE2:
            // U+2028 and U+2029 are valid JSON but break JavaScript line readers; escape them.
            appendUnicodeEscape(0x2000 | UInt16(utf8[index + 2] - 0x80), to: &buffer)
            return 3
        default: appendUnicodeEscape(UInt16(byte), to: &buffer)
        }
        return 1
    }

    private static func appendUnicodeEscape(_ value: UInt16, to buffer: inout [UInt8]) {
        buffer.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "u")])
        for shift in stride(from: 12, through: 0, by: -4) {
            buffer.append(hexDigits[Int(value >> UInt16(shift)) & 0xF])
        }
    }
}

/// Number formats of the journal's JSON.
public enum JSONObjectFormat {
    /// 0.9137 → "0.914", 1 → "1", 0.5 → "0.5": plain JSON numbers, no exponent.
    public static func threeDecimals(_ value: Double) -> String {
        let thousandths = Int((min(1, max(0, value)) * 1000).rounded())
        if thousandths == 1000 { return "1" }
        if thousandths == 0 { return "0" }
        var digits = String(thousandths)
        digits = String(repeating: "0", count: 3 - digits.count) + digits
        while digits.hasSuffix("0") { digits.removeLast() }
        return "0." + digits
    }
}

extension Array where Element == UInt8 {
    /// Appends `value` in decimal digits, without making a string of it.
    mutating func appendDecimal(_ value: UInt64) {
        guard value >= 10 else { return append(UInt8(ascii: "0") + UInt8(value)) }
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)  // room for the 20 digits of UInt64.max
        Swift.withUnsafeMutableBytes(of: &digits) { digits in
            var rest = value, start = digits.count
            while rest > 0 {
                start -= 1
                digits[start] = UInt8(ascii: "0") + UInt8(rest % 10)
                rest /= 10
            }
            append(contentsOf: UnsafeRawBufferPointer(rebasing: digits[start...]))
        }
    }

    /// Room for `count` more bytes, doubling as appends would: reserving the exact size would
    /// copy a batch buffer that grows by one record at a time once per record.
    mutating func reserveRoom(_ count: Int) {
        if capacity < self.count + count { reserveCapacity(Swift.max(self.count + count, 2 * capacity)) }
    }
}
