import Glibc

/// One pass over a page before libxml2 parses it: it removes what ingestd never reads, and
/// measures what would make libxml2 slow.
///
/// Removed: the bodies of `script` and `style` elements, half the bytes of a typical news page,
/// which libxml2 2.9's HTML parser reads one character at a time (they were half of the parse);
/// JSON-LD (`type="application/ld+json"`) is kept. Comments. And the content of elements whose
/// text is never article text and which a page's reader never looks into (``skippedContent``:
/// menus, footers, vector graphics, `<noscript>` fallbacks…): a third of what was left, and a
/// third of the parse. The scan follows what libxml2 does with the same bytes: a raw-text body
/// ends at the first `</script` or `</style` in any case, a comment at the first `-->`, a
/// `<script` inside another tag's quoted attribute value is not an element, and `<script … />`
/// has no body. The content of a skipped element ends at its first end tag (a menu inside a menu
/// leaves the outer one's rest, which is still parsed). Where it is unsure (a tag or a body that
/// never ends), it keeps the rest as it is.
///
/// Measured: libxml2 compares each attribute of a tag with every earlier one, so a tag with
/// 100,000 attributes takes minutes; ``attributeWork`` is the sum over tags of the square of
/// their attribute count.
struct MarkupScan {
    /// Elements whose content is removed: all of them are left out of articles whatever they hold
    /// (``HTMLTag``'s never-content elements in the core), and none holds what a page says of itself.
    static let skippedContent = ["svg", "math", "noscript", "template", "nav", "footer", "select", "iframe",
                                 "object", "video", "audio", "canvas"]

    /// The page without raw-text bodies, comments and skipped content; nil when there was nothing to remove.
    private(set) var stripped: [UInt8]?
    private(set) var attributeWork = 0

    init(_ bytes: UnsafeRawBufferPointer) {
        var scanner = Scanner(bytes: bytes)
        scanner.run()
        stripped = scanner.removedAny ? scanner.output : nil
        attributeWork = scanner.attributeWork
    }

    private struct Scanner {
        let bytes: UnsafeRawBufferPointer
        var output: [UInt8] = []
        /// Bytes before this offset are in `output` (once something has been removed).
        var copied = 0
        var removedAny = false
        var attributeWork = 0

        init(bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

        mutating func run() {
            var offset = 0
            while let open = nextByte(UInt8(ascii: "<"), from: offset) {
                offset = step(at: open)
            }
            if removedAny { output.append(contentsOf: bytes[copied...]) }
        }

        /// Handles the markup at `open` (a `<`) and returns where scanning goes on.
        private mutating func step(at open: Int) -> Int {
            if matches("!--", at: open + 1) {
                guard let end = find("-->", from: open + 4) else { return bytes.count }
                remove(from: open, to: end + 3)
                return end + 3
            }
            guard open + 1 < bytes.count, isLetter(bytes[open + 1]) else { return open + 1 }
            let nameEnd = endOfName(from: open + 1)
            guard let tag = endOfTag(from: nameEnd) else { return bytes.count }
            attributeWork += tag.attributes * tag.attributes
            guard !tag.selfClosing, let (name, isRawText) = Self.removableName(bytes[(open + 1)..<nameEnd]) else {
                return tag.end + 1
            }
            guard let close = findEndTag(name, from: tag.end + 1) else {
                // libxml2 reads an unclosed script to the end; an unclosed menu is parsed as usual.
                return isRawText ? bytes.count : tag.end + 1
            }
            if !(isRawText && isJSONLD(bytes[nameEnd..<tag.end])) { remove(from: tag.end + 1, to: close) }
            return close
        }

        private mutating func remove(from start: Int, to end: Int) {
            guard end > start else { return }
            if !removedAny {
                output.reserveCapacity(bytes.count / 2)
                removedAny = true
            }
            output.append(contentsOf: bytes[copied..<start])
            copied = end
        }

        /// The lowercase name when `name` (in any case) is one whose content is removed, and
        /// whether it is `script` or `style`, whose content libxml2 reads as raw text.
        private static func removableName(_ name: Slice<UnsafeRawBufferPointer>) -> ([UInt8], isRawText: Bool)? {
            guard let first = name.first, removableFirstBytes.contains(first | 0x20) else { return nil }
            for candidate in rawTextNames + skippedNames where name.count == candidate.count {
                if zip(name, candidate).allSatisfy({ $0 | 0x20 == $1 }) { return (candidate, rawTextNames.contains(candidate)) }
            }
            return nil
        }

        private static let rawTextNames = ["script", "style"].map { Array($0.utf8) }
        private static let skippedNames = MarkupScan.skippedContent.map { Array($0.utf8) }
        private static let removableFirstBytes = Set((rawTextNames + skippedNames).map { $0[0] })

        /// The offset of the `>` that ends a start tag whose name ends at `offset`, whether the
        /// tag closes itself (`/>`, which libxml2 honours for every element), and how many
        /// attributes it has. Attributes are read as libxml2 reads them: a value quoted with `"`
        /// or `'` runs to the same quote, an unquoted one to white space or `>`.
        private func endOfTag(from offset: Int) -> (end: Int, selfClosing: Bool, attributes: Int)? {
            var index = offset
            var attributes = 0
            var inName = false
            while index < bytes.count {
                let byte = bytes[index]
                switch byte {
                case UInt8(ascii: ">"):
                    return (index, false, attributes)
                case UInt8(ascii: "/") where index + 1 < bytes.count && bytes[index + 1] == UInt8(ascii: ">"):
                    return (index + 1, true, attributes)
                case UInt8(ascii: "="):
                    index = endOfValue(from: index + 1)
                    inName = false
                    continue
                default:
                    if isSpace(byte) {
                        inName = false
                    } else if !inName {
                        inName = true
                        attributes += 1
                    }
                }
                index += 1
            }
            return nil
        }

        /// Past an attribute value that starts after `=` (and optional white space) at `offset`.
        private func endOfValue(from offset: Int) -> Int {
            var index = offset
            while index < bytes.count, isSpace(bytes[index]) { index += 1 }
            guard index < bytes.count else { return index }
            let quote = bytes[index]
            if quote == UInt8(ascii: "\"") || quote == UInt8(ascii: "'") {
                guard let close = nextByte(quote, from: index + 1) else { return bytes.count }
                return close + 1
            }
            while index < bytes.count, !isSpace(bytes[index]), bytes[index] != UInt8(ascii: ">") { index += 1 }
            return index
        }

        private func endOfName(from offset: Int) -> Int {
            var index = offset
            while index < bytes.count, !isSpace(bytes[index]), bytes[index] != UInt8(ascii: ">"),
                  bytes[index] != UInt8(ascii: "/") {
                index += 1
            }
            return index
        }

        /// The offset of the `<` of the first `</name` (any case) from `offset`.
        private func findEndTag(_ name: [UInt8], from offset: Int) -> Int? {
            var index = offset
            while let open = nextByte(UInt8(ascii: "<"), from: index) {
                if open + 1 + name.count < bytes.count, bytes[open + 1] == UInt8(ascii: "/"),
                   zip(bytes[(open + 2)...], name).allSatisfy({ $0 | 0x20 == $1 }) {
                    return open
                }
                index = open + 1
            }
            return nil
        }

        /// Whether a script's attributes say it holds JSON-LD.
        private func isJSONLD(_ attributes: Slice<UnsafeRawBufferPointer>) -> Bool {
            let needle = Array("ld+json".utf8)
            guard attributes.count >= needle.count else { return false }
            var index = attributes.startIndex
            while index + needle.count <= attributes.endIndex {
                if zip(attributes[index...], needle).allSatisfy({ $0 | 0x20 == $1 }) { return true }
                index += 1
            }
            return false
        }

        private func matches(_ literal: StaticString, at offset: Int) -> Bool {
            let count = literal.utf8CodeUnitCount
            guard offset + count <= bytes.count else { return false }
            return memcmp(bytes.baseAddress! + offset, literal.utf8Start, count) == 0
        }

        private func find(_ literal: StaticString, from offset: Int) -> Int? {
            var index = offset
            while let candidate = nextByte(literal.utf8Start.pointee, from: index) {
                if matches(literal, at: candidate) { return candidate }
                index = candidate + 1
            }
            return nil
        }

        private func nextByte(_ byte: UInt8, from offset: Int) -> Int? {
            guard offset < bytes.count,
                  let found = memchr(bytes.baseAddress! + offset, Int32(byte), bytes.count - offset) else { return nil }
            return UnsafeRawPointer(found) - bytes.baseAddress!
        }

        private func isLetter(_ byte: UInt8) -> Bool { (byte | 0x20) >= UInt8(ascii: "a") && (byte | 0x20) <= UInt8(ascii: "z") }

        private func isSpace(_ byte: UInt8) -> Bool {
            byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D || byte == 0x0C
        }
    }
}
