extension JournalRecord {
    /// The record as one JSON line, newline included.
    ///
    /// Hand-written rather than JSONEncoder: the key order is part of the format, and this runs once
    /// per file on the hot path.
    public func jsonLine() -> [UInt8] {
        var json = JSONObjectWriter()
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
            for (key, value) in article.metadata.fields { json.string(key, value) }
        }
        if let reason { json.string("reason", reason) }
        return json.finish()
    }
}

/// Writes one flat JSON object with string and number values.
struct JSONObjectWriter {
    private var buffer: [UInt8] = [UInt8(ascii: "{")]

    mutating func string(_ key: String, _ value: String) {
        self.key(key)
        JSONString.append(value, to: &buffer)
    }

    mutating func number(_ key: String, _ value: UInt64) {
        self.key(key)
        buffer.append(contentsOf: String(value).utf8)
    }

    mutating func finish() -> [UInt8] {
        buffer.append(contentsOf: "}\n".utf8)
        return buffer
    }

    private mutating func key(_ key: String) {
        if buffer.count > 1 { buffer.append(UInt8(ascii: ",")) }
        JSONString.append(key, to: &buffer)
        buffer.append(UInt8(ascii: ":"))
    }
}

/// JSON string escaping (RFC 8259), keeping non-ASCII text as UTF-8.
enum JSONString {
    private static let hexDigits = Array("0123456789abcdef".utf8)

    static func append(_ string: String, to buffer: inout [UInt8]) {
        buffer.append(UInt8(ascii: "\""))
        var utf8 = string.utf8.makeIterator()
        while let byte = utf8.next() {
            switch byte {
            case UInt8(ascii: "\""): buffer.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
            case UInt8(ascii: "\\"): buffer.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
            case UInt8(ascii: "\n"): buffer.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
            case UInt8(ascii: "\r"): buffer.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
            case UInt8(ascii: "\t"): buffer.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
            case 0..<0x20: appendUnicodeEscape(UInt16(byte), to: &buffer)
            case 0xE2:
                // U+2028 and U+2029 are valid JSON but break JavaScript line readers; escape them.
                let second = utf8.next(), third = utf8.next()
                if second == 0x80, let third, third == 0xA8 || third == 0xA9 {
                    appendUnicodeEscape(0x2000 | UInt16(third - 0x80), to: &buffer)
                } else {
                    buffer.append(byte)
                    if let second { buffer.append(second) }
                    if let third { buffer.append(third) }
                }
            default: buffer.append(byte)
            }
        }
        buffer.append(UInt8(ascii: "\""))
    }

    private static func appendUnicodeEscape(_ value: UInt16, to buffer: inout [UInt8]) {
        buffer.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "u")])
        for shift in stride(from: 12, through: 0, by: -4) {
            buffer.append(hexDigits[Int(value >> UInt16(shift)) & 0xF])
        }
    }
}
