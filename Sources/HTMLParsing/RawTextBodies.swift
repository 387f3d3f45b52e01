import Glibc

/// Removes the bodies of `script` and `style` elements from a page before libxml2 parses it.
///
/// They are half the bytes of a typical news page, and libxml2 2.9's HTML parser reads them one
/// character at a time, which made them half of the parse. Nothing is read from them but JSON-LD
/// (`type="application/ld+json"`), which is kept. The scan follows what libxml2 does with the same
/// bytes: a raw-text body ends at the first `</script` or `</style` in any case, comments are
/// skipped, and a `<script` inside another tag's quoted attribute value is not an element.
/// Where it is unsure (a tag that never ends), it keeps the rest as it is.
enum RawTextBodies {
    /// The bytes with raw-text bodies removed, or nil when there is none to remove.
    static func stripped(_ bytes: UnsafeRawBufferPointer) -> [UInt8]? {
        var scanner = Scanner(bytes: bytes)
        return scanner.run()
    }

    private struct Scanner {
        let bytes: UnsafeRawBufferPointer
        var output: [UInt8] = []
        /// Bytes before this offset are in `output` (once something has been removed).
        var copied = 0
        var removedAny = false

        init(bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

        mutating func run() -> [UInt8]? {
            var offset = 0
            while let open = nextByte(UInt8(ascii: "<"), from: offset) {
                offset = step(at: open)
            }
            guard removedAny else { return nil }
            output.append(contentsOf: bytes[copied...])
            return output
        }

        /// Handles the markup at `open` (a `<`) and returns where scanning goes on.
        private mutating func step(at open: Int) -> Int {
            if matches("!--", at: open + 1) {
                guard let end = find("-->", from: open + 4) else { return bytes.count }
                return end + 3
            }
            guard open + 1 < bytes.count, isLetter(bytes[open + 1]) else { return open + 1 }
            let nameEnd = endOfName(from: open + 1)
            guard let (tagEnd, selfClosing) = endOfTag(from: nameEnd) else { return bytes.count }
            let name = Self.rawTextName(bytes[(open + 1)..<nameEnd])
            guard let name, !selfClosing else { return tagEnd + 1 }
            guard let close = findEndTag(name, from: tagEnd + 1) else { return bytes.count }
            if !isJSONLD(bytes[nameEnd..<tagEnd]) { remove(from: tagEnd + 1, to: close) }
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

        /// `script` or `style` when `name` is one of them, in any case.
        private static func rawTextName(_ name: Slice<UnsafeRawBufferPointer>) -> [UInt8]? {
            for candidate in [scriptName, styleName] where name.count == candidate.count {
                if zip(name, candidate).allSatisfy({ $0 | 0x20 == $1 }) { return candidate }
            }
            return nil
        }

        private static let scriptName = Array("script".utf8)
        private static let styleName = Array("style".utf8)

        /// The offset of the `>` that ends a start tag whose name ends at `offset`, and whether
        /// the tag closes itself (`/>`, which libxml2 honours for every element). Attributes are
        /// read as libxml2 reads them: a value quoted with `"` or `'` runs to the same quote, an
        /// unquoted one to white space or `>`.
        private func endOfTag(from offset: Int) -> (end: Int, selfClosing: Bool)? {
            var index = offset
            while index < bytes.count {
                switch bytes[index] {
                case UInt8(ascii: ">"):
                    return (index, false)
                case UInt8(ascii: "/") where index + 1 < bytes.count && bytes[index + 1] == UInt8(ascii: ">"):
                    return (index + 1, true)
                case UInt8(ascii: "="):
                    index = endOfValue(from: index + 1)
                default:
                    index += 1
                }
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
