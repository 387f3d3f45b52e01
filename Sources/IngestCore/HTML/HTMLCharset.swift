import Glibc
import HTMLParsing

/// How a page's bytes become text: a byte-order mark decides; then the page's own
/// `<meta charset>` or `http-equiv` Content-Type; then UTF-8 when the bytes are valid UTF-8;
/// else Windows-1256, the legacy code page of Arabic sites. Labels are read as browsers read
/// them (`latin1` is Windows-1252, a page that says UTF-16 but is not is UTF-8).
enum HTMLCharset {
    /// What the parser is given: UTF-8, or bytes in a character set libxml2 converts.
    struct Input {
        var bytes: [UInt8]
        /// Nil for UTF-8.
        var encoding: String?
    }

    static func input(for bytes: [UInt8]) -> Result<Input, Rejection> {
        if hasByteOrderMark(bytes) || containsNUL(bytes) {
            return TextDecoder.decode(bytes).map { Input(bytes: Array($0.text.utf8), encoding: nil) }
        }
        let input = decoded(bytes, declared: declaredLabel(in: bytes).flatMap(Declared.init(label:)))
        if TextDecoder.hasManyControlCharacters(input.bytes) { return .failure(.controlCharacters) }
        return .success(input)
    }

    private static func decoded(_ bytes: [UInt8], declared: Declared?) -> Input {
        switch declared {
        case .utf8:
            return Input(bytes: isValidUTF8(bytes) ? bytes : Array(String(decoding: bytes, as: UTF8.self).utf8), encoding: nil)
        case .windows1256:
            return Input(bytes: Array(Windows1256.decode(bytes).utf8), encoding: nil)
        case .other(let label) where HTMLDocument.canConvert(from: label):
            return Input(bytes: bytes, encoding: label)
        case .other, nil:
            return decoded(bytes, declared: isValidUTF8(bytes) ? .utf8 : .windows1256)
        }
    }

    enum Declared: Equatable {
        case utf8, windows1256, other(String)

        init?(label: String) {
            let label = label.lowercased()
            if Self.utf8Labels.contains(label) {
                self = .utf8
            } else if ["windows-1256", "cp1256", "x-cp1256"].contains(label) {
                self = .windows1256
            } else if Self.windows1252Labels.contains(label) {
                self = .other("windows-1252")
            } else if Self.isoArabicLabels.contains(label) {
                self = .other("iso-8859-6")
            } else if label.isEmpty {
                return nil
            } else {
                self = .other(label)
            }
        }

        /// A page in an ASCII-compatible encoding that says UTF-16 is UTF-8, as browsers read it.
        private static let utf8Labels: Set<String> = [
            "utf-8", "utf8", "unicode-1-1-utf-8", "x-unicode20utf8",
            "utf-16", "utf-16le", "utf-16be", "unicode", "ucs-2", "unicodefffe",
        ]
        private static let windows1252Labels: Set<String> = [
            "windows-1252", "cp1252", "x-cp1252", "iso-8859-1", "iso8859-1", "iso_8859-1", "latin1", "l1",
            "us-ascii", "ascii", "ansi_x3.4-1968", "cp819", "ibm819", "iso-ir-100",
        ]
        private static let isoArabicLabels: Set<String> = [
            "iso-8859-6", "iso8859-6", "iso_8859-6", "arabic", "asmo-708", "ecma-114", "iso-ir-127",
            "csisolatinarabic", "iso-8859-6-e", "iso-8859-6-i",
        ]
    }

    /// The label in the first `<meta>` of the first 16 KiB that names a character set:
    /// `<meta charset="…">` or `<meta http-equiv="Content-Type" content="text/html; charset=…">`.
    static func declaredLabel(in bytes: [UInt8]) -> String? {
        let head = bytes.prefix(16 * 1024)
        var index = head.startIndex
        while let open = head[index...].firstIndex(of: UInt8(ascii: "<")) {
            index = open + 1
            guard startsWith("meta", head[index...]) else { continue }
            let end = head[open...].firstIndex(of: UInt8(ascii: ">")) ?? head.endIndex
            if let label = charsetValue(in: head[open..<end]) { return label }
        }
        return nil
    }

    private static func startsWith(_ prefix: String, _ bytes: ArraySlice<UInt8>) -> Bool {
        bytes.count >= prefix.utf8.count && zip(bytes, prefix.utf8).allSatisfy { $0 | 0x20 == $1 }
    }

    private static func containsNUL(_ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBytes { $0.count > 0 && memchr($0.baseAddress!, 0, $0.count) != nil }
    }

    private static func charsetValue(in tag: ArraySlice<UInt8>) -> String? {
        guard let found = tag.indices.first(where: { startsWith("charset", tag[$0...]) }) else { return nil }
        var rest = tag[(found + 7)...].drop { isSpace($0) }
        guard rest.first == UInt8(ascii: "=") else { return charsetValue(in: tag[(found + 7)...]) }
        rest = rest.dropFirst().drop { isSpace($0) || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "'") }
        let label = rest.prefix { isLabelByte($0) }
        return label.isEmpty ? nil : String(decoding: label, as: UTF8.self)
    }

    private static func isLabelByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
             UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: ":"):
            return true
        default:
            return false
        }
    }

    private static func hasByteOrderMark(_ bytes: [UInt8]) -> Bool {
        bytes.starts(with: [0xEF, 0xBB, 0xBF]) || bytes.starts(with: [0xFF, 0xFE]) || bytes.starts(with: [0xFE, 0xFF])
    }

    private static func isValidUTF8(_ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBytes(UTF8Validation.isValid)
    }

    private static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || (0x09...0x0D).contains(byte)
    }
}
