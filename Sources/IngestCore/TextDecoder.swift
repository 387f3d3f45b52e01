import Glibc

/// The encodings ingestd reads text files in.
public enum TextEncoding: String, Sendable, Equatable {
    case utf8 = "UTF-8"
    case utf8WithBOM = "UTF-8 with BOM"
    case utf16LittleEndian = "UTF-16LE"
    case utf16BigEndian = "UTF-16BE"
    case windows1256 = "Windows-1256"
}

/// Text decoded from a file, with line endings normalised to LF.
public struct DecodedText: Sendable, Equatable {
    public var text: String
    public var encoding: TextEncoding

    public init(text: String, encoding: TextEncoding) {
        self.text = text
        self.encoding = encoding
    }
}

/// Detects the encoding of a text file and decodes it.
///
/// Order: a byte-order mark decides (UTF-8, UTF-16LE/BE); then NUL bytes mean binary (or UTF-16
/// without a BOM); then valid UTF-8; anything else is Windows-1256, the usual legacy Arabic code page,
/// in which every byte decodes.
public enum TextDecoder {
    public static func decode(_ bytes: [UInt8]) -> Result<DecodedText, Rejection> {
        let decoded: DecodedText
        switch detectBOM(bytes) {
        case .utf8WithBOM:
            guard let text = validUTF8(bytes[3...]) else { return .failure(.invalidUTF8AfterBOM) }
            decoded = DecodedText(text: text, encoding: .utf8WithBOM)
        case .utf16LittleEndian, .utf16BigEndian:
            let bigEndian = bytes[0] == 0xFE
            guard let text = utf16(bytes[2...], bigEndian: bigEndian) else { return .failure(.invalidUTF16) }
            decoded = DecodedText(text: text, encoding: bigEndian ? .utf16BigEndian : .utf16LittleEndian)
        case .utf32:
            return .failure(.utf32)
        case nil:
            if containsNUL(bytes) { return .failure(looksLikeUTF16(bytes) ? .utf16WithoutBOM : .binary) }
            if let text = validUTF8(bytes[...]) {
                decoded = DecodedText(text: text, encoding: .utf8)
            } else {
                decoded = DecodedText(text: Windows1256.decode(bytes), encoding: .windows1256)
            }
        }
        var text = decoded.text
        let scan = text.withUTF8(scanControls)
        if scan.hasManyControlCharacters { return .failure(.controlCharacters) }
        if scan.hasCR { text = text.replacingCRLF() }
        return .success(DecodedText(text: text, encoding: decoded.encoding))
    }

    /// Whether more than 1% of the bytes are C0 control characters other than tab, LF, VT, FF and
    /// CR: binary data that happened to have no NUL bytes.
    static func hasManyControlCharacters(_ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBufferPointer(scanControls).hasManyControlCharacters
    }

    private enum BOM { case utf8WithBOM, utf16LittleEndian, utf16BigEndian, utf32 }

    private static func detectBOM(_ bytes: [UInt8]) -> BOM? {
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { return .utf8WithBOM }
        if bytes.starts(with: [0xFF, 0xFE, 0, 0]) || bytes.starts(with: [0, 0, 0xFE, 0xFF]) { return .utf32 }
        if bytes.starts(with: [0xFF, 0xFE]) { return .utf16LittleEndian }
        if bytes.starts(with: [0xFE, 0xFF]) { return .utf16BigEndian }
        return nil
    }

    private static func containsNUL(_ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBytes { $0.count > 0 && memchr($0.baseAddress!, 0, $0.count) != nil }
    }

    private static func validUTF8(_ bytes: ArraySlice<UInt8>) -> String? {
        String(validating: bytes, as: UTF8.self)
    }

    private static func utf16(_ bytes: ArraySlice<UInt8>, bigEndian: Bool) -> String? {
        guard bytes.count % 2 == 0 else { return nil }
        var units: [UInt16] = []
        units.reserveCapacity(bytes.count / 2)
        var index = bytes.startIndex
        while index < bytes.endIndex {
            let first = UInt16(bytes[index]), second = UInt16(bytes[index + 1])
            units.append(bigEndian ? first << 8 | second : second << 8 | first)
            index += 2
        }
        return String(validating: units, as: UTF16.self)
    }

    /// UTF-16 text without a BOM has NUL bytes mostly at even offsets (big-endian) or mostly at odd
    /// ones (little-endian), because most of its characters fit in one byte.
    private static func looksLikeUTF16(_ bytes: [UInt8]) -> Bool {
        guard bytes.count >= 2, bytes.count % 2 == 0 else { return false }
        var evenZeros = 0, oddZeros = 0
        for (offset, byte) in bytes.enumerated() where byte == 0 {
            if offset % 2 == 0 { evenZeros += 1 } else { oddZeros += 1 }
        }
        let pairs = bytes.count / 2
        return (evenZeros * 10 >= pairs * 3 && oddZeros == 0) || (oddZeros * 10 >= pairs * 3 && evenZeros == 0)
    }

    /// One pass over the UTF-8 bytes for two questions. More than 1% C0 control characters (other
    /// than tab, LF, VT, FF, CR) means binary data that happened to have no NUL bytes, such as
    /// random bytes read as Windows-1256. A CR means line endings to normalise.
    private static func scanControls(_ bytes: UnsafeBufferPointer<UInt8>) -> (hasManyControlCharacters: Bool, hasCR: Bool) {
        var controls = 0, carriageReturns = 0
        func count(_ byte: UInt8) {
            guard byte < 0x20 else { return }
            if byte == UInt8(ascii: "\r") { carriageReturns += 1 } else if !(0x09...0x0D).contains(byte) { controls += 1 }
        }
        // Eight bytes at a time: most words of text have no byte below 0x20 at all.
        let raw = UnsafeRawBufferPointer(bytes)
        var index = 0
        while index + 8 <= bytes.count {
            if ByteWord.hasByte(raw.loadUnaligned(fromByteOffset: index, as: UInt64.self), below: 0x20) {
                for byte in bytes[index..<index + 8] { count(byte) }
            }
            index += 8
        }
        for byte in bytes[index...] { count(byte) }
        return (controls > 0 && controls * 100 >= bytes.count, carriageReturns > 0)
    }
}

extension String {
    /// CRLF and lone CR become LF.
    fileprivate func replacingCRLF() -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(utf8.count)
        var previousWasCR = false
        for byte in utf8 {
            if byte == UInt8(ascii: "\r") {
                bytes.append(UInt8(ascii: "\n"))
                previousWasCR = true
                continue
            }
            if !(byte == UInt8(ascii: "\n") && previousWasCR) { bytes.append(byte) }
            previousWasCR = false
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
