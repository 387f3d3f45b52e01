/// Which dropped files are web pages.
///
/// By name (`*.html`, `*.htm`, `*.xhtml`, any case) or by content: the first bytes that are not
/// white space (after a byte-order mark, an XML declaration or comments) open an HTML document:
/// `<!doctype html`, `<html`, `<head` or `<body`, in any case. So `curl -o story URL` with no
/// extension is read as the page it is.
public enum HTMLDetection {
    public static let extensions: Set<String> = ["html", "htm", "xhtml"]

    public static func isHTML(fileName: String, bytes: [UInt8]) -> Bool {
        hasHTMLExtension(fileName) || opensHTMLDocument(bytes)
    }

    static func hasHTMLExtension(_ fileName: String) -> Bool {
        guard let dot = fileName.lastIndex(of: ".") else { return false }
        return extensions.contains(fileName[fileName.index(after: dot)...].lowercased())
    }

    /// Whether the start of the file opens an HTML document.
    static func opensHTMLDocument(_ bytes: [UInt8]) -> Bool {
        // Nearly every text file starts with a letter: answered without copying anything.
        let utf8Start = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        let isUTF16 = bytes.starts(with: [0xFF, 0xFE]) || bytes.starts(with: [0xFE, 0xFF])
        if !isUTF16, let first = bytes[utf8Start...].first(where: { !isSpace($0) }), first != UInt8(ascii: "<") {
            return false
        }
        var head = asciiPrefix(bytes)[...]
        while true {
            head = head.drop(while: isSpace)
            if let rest = after("<?", in: head) ?? after("<!--", in: head) {
                let terminator: [UInt8] = head.starts(with: Array("<?".utf8)) ? Array("?>".utf8) : Array("-->".utf8)
                guard let end = firstRange(of: terminator, in: rest) else { return false }
                head = rest[end...].dropFirst(terminator.count)
                continue
            }
            return openers.contains { opener in
                guard let rest = after(opener, in: head) else { return false }
                return rest.first.map { isSpace($0) || $0 == UInt8(ascii: ">") || $0 == UInt8(ascii: "/") } ?? false
            }
        }
    }

    private static let openers = ["<!doctype html", "<html", "<head", "<body"]

    /// The first 1,024 characters as ASCII bytes: the bytes themselves, or for UTF-16 with a
    /// byte-order mark the low bytes of its code units. A UTF-8 byte-order mark is skipped.
    private static func asciiPrefix(_ bytes: [UInt8]) -> [UInt8] {
        if bytes.starts(with: [0xFF, 0xFE]) || bytes.starts(with: [0xFE, 0xFF]) {
            let lowFirst = bytes[0] == 0xFF
            return stride(from: 2, to: min(bytes.count - 1, 2050), by: 2).map { lowFirst ? bytes[$0] : bytes[$0 + 1] }
        }
        let start = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        return Array(bytes[start..<min(bytes.count, start + 1024)])
    }

    /// The bytes after `prefix` (ASCII, compared without case) when `bytes` starts with it.
    private static func after(_ prefix: String, in bytes: ArraySlice<UInt8>) -> ArraySlice<UInt8>? {
        let prefix = Array(prefix.utf8)
        guard bytes.count >= prefix.count,
              zip(bytes, prefix).allSatisfy({ lowercased($0) == $1 }) else { return nil }
        return bytes.dropFirst(prefix.count)
    }

    private static func firstRange(of needle: [UInt8], in bytes: ArraySlice<UInt8>) -> Int? {
        guard bytes.count >= needle.count else { return nil }
        return (bytes.startIndex...(bytes.endIndex - needle.count)).first { bytes[$0..<($0 + needle.count)].elementsEqual(needle) }
    }

    private static func lowercased(_ byte: UInt8) -> UInt8 {
        (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) ? byte | 0x20 : byte
    }

    private static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || (0x09...0x0D).contains(byte)
    }
}
