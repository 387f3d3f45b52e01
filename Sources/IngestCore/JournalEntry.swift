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
    /// An article's title and body, from which its near-duplicate sketch is rebuilt.
    public var title: String?
    public var body: String?

    public init(seq: UInt64, event: JournalRecord.Event, id: ContentID? = nil, path: RelativePath? = nil,
                sha256: String? = nil, bytes: Int? = nil, title: String? = nil, body: String? = nil) {
        self.title = title
        self.body = body
        self.seq = seq
        self.event = event
        self.id = id
        self.path = path
        self.sha256 = sha256
        self.bytes = bytes
    }

    /// Parses one line (without its newline); nil when it is not a journal record.
    public init?(line: some Collection<UInt8>) {
        if let entry = Self.fastParse(Array(line)) {
            self = entry
            return
        }
        guard let object = try? JSONSerialization.jsonObject(with: Data(line)) as? [String: Any],
            let seq = (object["seq"] as? NSNumber)?.uint64Value,
            let event = (object["event"] as? String).flatMap(JournalRecord.Event.init(rawValue:))
        else { return nil }
        let exactName = (object["file_bytes"] as? String).flatMap { Data(base64Encoded: $0) }.map { RelativePath(bytes: Array($0)) }
        self.init(
            seq: seq, event: event, id: (object["id"] as? String).flatMap { ContentID(hex: $0) },
            path: exactName ?? (object["file"] as? String).map(RelativePath.init),
            sha256: object["sha256"] as? String, bytes: (object["bytes"] as? NSNumber)?.intValue,
            title: object["title"] as? String, body: object["body"] as? String)
    }

    /// The article's title and body, from which its sketch and passage shingles are computed again
    /// as when the record was written; nil for records that are not articles.
    public var article: Article? {
        guard event == .article, let title, let body else { return nil }
        return Article(title: title, body: body)
    }
}

extension JournalEntry {
    /// Reads the fields replay needs from a line in the exact layout ingestd writes
    /// (`{"seq":…,"time":"…","event":"…","file":"…",["file_bytes":…,]["id":…,]["sha256":…,]["bytes":…,]…}`),
    /// without a general JSON parser; nil on anything else, which then goes to JSONSerialization.
    static func fastParse(_ line: [UInt8]) -> JournalEntry? {
        var scanner = LineScanner(bytes: line)
        guard scanner.expect("{\"seq\":"), let seq = scanner.number(),
              scanner.expect(",\"time\":"), scanner.plainString() != nil,
              scanner.expect(",\"event\":"), let eventName = scanner.plainString(),
              let event = JournalRecord.Event(rawValue: eventName),
              scanner.expect(",\"file\":"), let file = scanner.plainString(),
              line.last == UInt8(ascii: "}")
        else { return nil }
        var entry = JournalEntry(seq: seq, event: event, path: RelativePath(file))
        if scanner.expect(",\"file_bytes\":") { return nil }  // rare; the general parser decodes it
        if scanner.expect(",\"id\":") {
            guard let hex = scanner.plainString(), let id = ContentID(hex: hex) else { return nil }
            entry.id = id
        }
        if scanner.expect(",\"sha256\":") {
            guard let hex = scanner.plainString() else { return nil }
            entry.sha256 = hex
        }
        if scanner.expect(",\"bytes\":") {
            guard let bytes = scanner.number() else { return nil }
            entry.bytes = Int(bytes)
        }
        if scanner.expect(",\"title\":") {
            guard let title = scanner.string(), scanner.expect(",\"body\":"), let body = scanner.string() else { return nil }
            entry.title = title
            entry.body = body
        }
        guard scanner.atEnd || scanner.peek == UInt8(ascii: ",") else { return nil }
        return entry
    }
}

/// Just enough of a JSON reader for the fixed prefix of a journal line.
private struct LineScanner {
    let bytes: [UInt8]
    var position = 0

    var atEnd: Bool { position >= bytes.count - 1 }  // before the closing brace
    var peek: UInt8? { position < bytes.count ? bytes[position] : nil }

    mutating func expect(_ literal: StaticString) -> Bool {
        let count = literal.utf8CodeUnitCount
        guard position + count <= bytes.count else { return false }
        let matches = literal.withUTF8Buffer { $0.elementsEqual(bytes[position..<position + count]) }
        if matches { position += count }
        return matches
    }

    mutating func number() -> UInt64? {
        var value: UInt64 = 0
        let start = position
        while position < bytes.count, (0x30...0x39).contains(bytes[position]) {
            let (product, overflow) = value.multipliedReportingOverflow(by: 10)
            guard !overflow else { return nil }
            value = product + UInt64(bytes[position] - 0x30)
            position += 1
        }
        return position > start ? value : nil
    }

    /// A string with the escapes ingestd writes (\" \\ \n \r \t \b \f and \u00XX for other
    /// controls); nil on anything else, such as \u escapes of other characters, which then go to
    /// the general parser.
    mutating func string() -> String? {
        guard position < bytes.count, bytes[position] == UInt8(ascii: "\"") else { return nil }
        var output: [UInt8] = []
        var index = position + 1
        while index < bytes.count {
            // Copy the run up to the next quote or backslash in one go: bodies are long, escapes rare.
            let runEnd = bytes[index...].firstIndex { $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") } ?? bytes.count
            output += bytes[index..<runEnd]
            index = runEnd
            guard index < bytes.count else { return nil }
            if bytes[index] == UInt8(ascii: "\"") {
                position = index + 1
                return String(decoding: output, as: UTF8.self)
            }
            guard index + 1 < bytes.count else { return nil }
            switch bytes[index + 1] {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): output.append(bytes[index + 1])
            case UInt8(ascii: "n"): output.append(0x0A)
            case UInt8(ascii: "r"): output.append(0x0D)
            case UInt8(ascii: "t"): output.append(0x09)
            case UInt8(ascii: "b"): output.append(0x08)
            case UInt8(ascii: "f"): output.append(0x0C)
            case UInt8(ascii: "u"):
                guard index + 5 < bytes.count, bytes[index + 2] == UInt8(ascii: "0"), bytes[index + 3] == UInt8(ascii: "0"),
                      let high = Self.hexValue(bytes[index + 4]), let low = Self.hexValue(bytes[index + 5]), high < 2
                else { return nil }
                output.append(high << 4 | low)
                index += 4
            default: return nil
            }
            index += 2
        }
        return nil
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }

    /// A string without escapes (names with quotes, backslashes or controls go the slow way).
    mutating func plainString() -> String? {
        guard position < bytes.count, bytes[position] == UInt8(ascii: "\"") else { return nil }
        let start = position + 1
        var end = start
        while end < bytes.count, bytes[end] != UInt8(ascii: "\"") {
            if bytes[end] == UInt8(ascii: "\\") { return nil }
            end += 1
        }
        guard end < bytes.count else { return nil }
        position = end + 1
        return String(decoding: bytes[start..<end], as: UTF8.self)
    }
}
