import Foundation

/// The canonical form of article text that content ids are computed from.
///
/// Two texts that differ only in how they were typed or saved (diacritics, tatweel, hamza forms,
/// alef maqsura, Arabic-Indic digits, quote styles, white space, letter case, compatibility forms)
/// have the same canonical form. Words and numbers are never dropped: a changed figure is a
/// different story. The rule, step by step:
///
/// 1. Unicode NFKC.
/// 2. Delete Arabic diacritics (U+0610–061A, U+064B–065F, U+0670, U+06D6–06DC, U+06DF–06E8,
///    U+06EA–06ED), tatweel (U+0640) and invisible format characters (U+200B–200F, U+061C,
///    U+202A–202E, U+2066–2069, U+FEFF, U+00AD).
/// 3. Fold letters: أ إ آ ٱ → ا, ى → ي, ة → ه, ی → ي, ک → ك.
/// 4. Arabic-Indic (U+0660–0669) and Persian (U+06F0–06F9) digits → ASCII digits.
/// 5. Punctuation and symbols (Unicode categories P* and S*) and control characters → space.
/// 6. Lowercase.
/// 7. Collapse runs of white space into one space; trim both ends.
public enum CanonicalText {
    /// The canonical form of `text`.
    public static func canonicalize(_ text: String) -> String {
        String(decoding: canonicalUTF8(text), as: UTF8.self)
    }

    /// The canonical form of `text`, as UTF-8 bytes.
    public static func canonicalUTF8(_ text: String) -> [UInt8] {
        canonicalUTF8(fastPath: text) ?? canonicalUTF8(normalizing: text)
    }

    /// The canonical form, computed without NFKC when every scalar is one that NFKC either leaves
    /// alone or maps to something the later steps treat the same way (see ``isNFKCNeutral(_:)``);
    /// nil as soon as another scalar turns up. Arabic news text almost always qualifies.
    static func canonicalUTF8(fastPath text: String) -> [UInt8]? {
        var text = text
        return text.withUTF8 { canonicalUTF8(fastPath: $0) }
    }

    /// The fast path over the UTF-8 bytes of a String (valid UTF-8, so decoding needs no checks).
    /// Per byte rather than per `Unicode.Scalar` of a String view: this runs over every byte of
    /// every article and is most of the CPU time the daemon spends on a file.
    private static func canonicalUTF8(fastPath bytes: UnsafeBufferPointer<UInt8>) -> [UInt8]? {
        var writer = Writer(capacity: bytes.count)
        var index = 0
        while index < bytes.count {
            let lead = bytes[index]
            if lead < 0x80 {
                writer.appendASCII(lead)
                index += 1
                continue
            }
            let value: UInt32
            if lead < 0xE0 {
                value = UInt32(lead & 0x1F) << 6 | UInt32(bytes[index + 1] & 0x3F)
                index += 2
            } else if lead < 0xF0 {
                value = UInt32(lead & 0x0F) << 12 | UInt32(bytes[index + 1] & 0x3F) << 6 | UInt32(bytes[index + 2] & 0x3F)
                index += 3
            } else {
                return nil  // outside the BMP: never NFKC-neutral here
            }
            guard isNFKCNeutral(value) else { return nil }
            writer.append(value)
        }
        return writer.output
    }

    /// The canonical form by the rule as written: NFKC first, then the other steps.
    static func canonicalUTF8(normalizing text: String) -> [UInt8] {
        let normalized = text.precomposedStringWithCompatibilityMapping
        var writer = Writer(capacity: normalized.utf8.count)
        for scalar in normalized.unicodeScalars {
            writer.append(scalar.value)
        }
        return writer.output
    }

    /// Scalars for which skipping NFKC gives the same canonical form: ASCII; the Arabic block
    /// except the marks that compose with a preceding letter (U+0653–0655: آ أ إ ؤ ئ …) and the
    /// letters with compatibility decompositions (U+0675–0678); and the Latin-1 and General
    /// Punctuation characters news sites use, which NFKC leaves alone or turns into other spaces,
    /// punctuation or deleted format characters (a test checks each against NFKC). Every other
    /// Arabic combining mark is deleted, so NFKC's reordering of marks cannot matter.
    static func isNFKCNeutral(_ value: UInt32) -> Bool {
        switch value {
        case 0x00...0x7F, 0xA0, 0xAB, 0xAD, 0xBB: return true
        case 0x0653...0x0655, 0x0675...0x0678: return false
        case 0x2017, 0x203E: return false  // NFKC gives a space and a combining mark, which is kept
        case 0x0600...0x06FF: return true
        case 0x2000...0x206F: return true
        default: return false
        }
    }

    /// Accumulates canonical UTF-8, collapsing white space as it goes, in a buffer of its own
    /// rather than an Array: this is the innermost loop, and Array's checks on every append
    /// showed in profiles.
    private struct Writer: ~Copyable {
        private var buffer: UnsafeMutablePointer<UInt8>
        private var capacity: Int
        private var count = 0
        private var pendingSpace = false

        init(capacity: Int) {
            // Enough for the fast path (at most a space before each input byte); grown otherwise.
            self.capacity = 2 * capacity + 8
            buffer = .allocate(capacity: self.capacity)
        }

        deinit { buffer.deallocate() }

        var output: [UInt8] { Array(UnsafeBufferPointer(start: buffer, count: count)) }

        /// Steps 2 to 7 for one scalar of NFKC text. The cases are ordered by how often they occur
        /// in Arabic news; the first two cover almost every scalar.
        @inline(__always)
        mutating func append(_ value: UInt32) {
            if value < 0x80 { return appendASCII(UInt8(truncatingIfNeeded: value)) }
            switch value {
            case 0x0621, 0x0624, 0x0626...0x0628, 0x062A...0x063A, 0x0641...0x0648, 0x064A:
                appendTwoBytes(value)  // Arabic letters that no step changes
            case 0x0622, 0x0623, 0x0625, 0x0671: appendTwoBytes(0x0627)  // أ إ آ ٱ → ا
            case 0x0649, 0x06CC: appendTwoBytes(0x064A)  // ى ی → ي
            case 0x0629: appendTwoBytes(0x0647)  // ة → ه
            case 0x06A9: appendTwoBytes(0x0643)  // ک → ك
            case 0x0660...0x0669: appendByte(UInt8(truncatingIfNeeded: value - 0x0660) + UInt8(ascii: "0"))
            case 0x06F0...0x06F9: appendByte(UInt8(truncatingIfNeeded: value - 0x06F0) + UInt8(ascii: "0"))
            default: appendOther(value)
            }
        }

        private mutating func appendOther(_ value: UInt32) {
            if CanonicalText.isDeleted(value) { return }
            guard let scalar = Unicode.Scalar(value) else { return }
            if CanonicalText.isSeparator(scalar) {
                pendingSpace = true
            } else if scalar.properties.changesWhenLowercased {
                for lower in scalar.properties.lowercaseMapping.unicodeScalars { appendLetter(lower.value) }
            } else {
                appendLetter(value)
            }
        }

        @inline(__always)
        mutating func appendASCII(_ byte: UInt8) {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): appendByte(byte + 32)
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"): appendByte(byte)
            default: pendingSpace = true  // ASCII punctuation, symbols, controls and white space
            }
        }

        /// A scalar that is kept as it is, encoded as UTF-8.
        private mutating func appendLetter(_ value: UInt32) {
            if value < 0x80 { return appendASCII(UInt8(truncatingIfNeeded: value)) }
            if value < 0x800 { return appendTwoBytes(value) }
            flushSpace()
            if value < 0x10000 {
                put(UInt8(truncatingIfNeeded: 0xE0 | value >> 12))
                put(UInt8(truncatingIfNeeded: 0x80 | value >> 6 & 0x3F))
                put(UInt8(truncatingIfNeeded: 0x80 | value & 0x3F))
            } else {
                put(UInt8(truncatingIfNeeded: 0xF0 | value >> 18))
                put(UInt8(truncatingIfNeeded: 0x80 | value >> 12 & 0x3F))
                put(UInt8(truncatingIfNeeded: 0x80 | value >> 6 & 0x3F))
                put(UInt8(truncatingIfNeeded: 0x80 | value & 0x3F))
            }
        }

        @inline(__always)
        private mutating func appendTwoBytes(_ value: UInt32) {
            flushSpace()
            put(UInt8(truncatingIfNeeded: 0xC0 | value >> 6))
            put(UInt8(truncatingIfNeeded: 0x80 | value & 0x3F))
        }

        @inline(__always)
        private mutating func appendByte(_ byte: UInt8) {
            flushSpace()
            put(byte)
        }

        /// Writes a space first if white space came before and something precedes it; also makes
        /// room for the scalar that follows (at most 4 bytes).
        @inline(__always)
        private mutating func flushSpace() {
            if count + 5 > capacity { grow() }
            if pendingSpace {
                if count > 0 { put(UInt8(ascii: " ")) }
                pendingSpace = false
            }
        }

        @inline(__always)
        private mutating func put(_ byte: UInt8) {
            buffer[count] = byte
            count += 1
        }

        private mutating func grow() {
            let larger = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity * 2)
            larger.moveInitialize(from: buffer, count: count)
            buffer.deallocate()
            buffer = larger
            capacity *= 2
        }
    }

    static func isDeleted(_ value: UInt32) -> Bool {
        switch value {
        case 0x0610...0x061A, 0x064B...0x065F, 0x0670, 0x06D6...0x06DC, 0x06DF...0x06E8, 0x06EA...0x06ED:
            return true  // Arabic diacritics and Quranic marks
        case 0x0640:
            return true  // tatweel
        case 0x200B...0x200F, 0x061C, 0x202A...0x202E, 0x2066...0x2069, 0xFEFF, 0x00AD:
            return true  // invisible format characters
        default:
            return false
        }
    }

    static func isSeparator(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.properties.isWhitespace { return true }
        switch scalar.properties.generalCategory {
        case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation,
            .initialPunctuation, .finalPunctuation, .otherPunctuation,
            .mathSymbol, .currencySymbol, .modifierSymbol, .otherSymbol,
            .control, .lineSeparator, .paragraphSeparator, .spaceSeparator:
            return true
        default:
            return false
        }
    }
}
