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
        var writer = Writer()
        writer.output.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            guard isNFKCNeutral(scalar.value) else { return nil }
            writer.append(scalar)
        }
        return writer.output
    }

    /// The canonical form by the rule as written: NFKC first, then the other steps.
    static func canonicalUTF8(normalizing text: String) -> [UInt8] {
        var writer = Writer()
        writer.output.reserveCapacity(text.utf8.count)
        for scalar in text.precomposedStringWithCompatibilityMapping.unicodeScalars {
            writer.append(scalar)
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

    /// Accumulates canonical UTF-8, collapsing white space as it goes.
    private struct Writer {
        var output: [UInt8] = []
        var pendingSpace = false

        mutating func append(_ scalar: Unicode.Scalar) {
            let value = scalar.value
            if value < 0x80 {
                appendASCII(UInt8(value))
                return
            }
            if CanonicalText.isDeleted(value) { return }
            if let folded = CanonicalText.foldedLetter(value) {
                appendLetter(folded)
            } else if let digit = CanonicalText.asciiDigit(value) {
                appendLetter(Unicode.Scalar(digit))
            } else if (0x0621...0x063A).contains(value) || (0x0641...0x064A).contains(value) {
                appendLetter(scalar)  // Arabic letters, most of the text: no property lookups needed
            } else if CanonicalText.isSeparator(scalar) {
                pendingSpace = true
            } else if scalar.properties.changesWhenLowercased {
                for lower in scalar.properties.lowercaseMapping.unicodeScalars { appendLetter(lower) }
            } else {
                appendLetter(scalar)
            }
        }

        private mutating func appendASCII(_ byte: UInt8) {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): appendByte(byte + 32)
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"): appendByte(byte)
            default: pendingSpace = true  // ASCII punctuation, symbols, controls and white space
            }
        }

        private mutating func appendLetter(_ scalar: Unicode.Scalar) {
            if scalar.value < 0x80 {
                appendASCII(UInt8(scalar.value))
                return
            }
            flushSpace()
            let value = scalar.value
            if value < 0x800 {
                output.append(UInt8(0xC0 | value >> 6))
                output.append(UInt8(0x80 | value & 0x3F))
            } else if value < 0x10000 {
                output.append(UInt8(0xE0 | value >> 12))
                output.append(UInt8(0x80 | value >> 6 & 0x3F))
                output.append(UInt8(0x80 | value & 0x3F))
            } else {
                output.append(contentsOf: UTF8.encode(scalar)!)
            }
        }

        private mutating func appendByte(_ byte: UInt8) {
            flushSpace()
            output.append(byte)
        }

        private mutating func flushSpace() {
            if pendingSpace && !output.isEmpty { output.append(UInt8(ascii: " ")) }
            pendingSpace = false
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

    static func foldedLetter(_ value: UInt32) -> Unicode.Scalar? {
        switch value {
        case 0x0623, 0x0625, 0x0622, 0x0671: return "\u{0627}"  // أ إ آ ٱ → ا
        case 0x0649, 0x06CC: return "\u{064A}"  // ى ی → ي
        case 0x0629: return "\u{0647}"  // ة → ه
        case 0x06A9: return "\u{0643}"  // ک → ك
        default: return nil
        }
    }

    static func asciiDigit(_ value: UInt32) -> UInt8? {
        switch value {
        case 0x0660...0x0669: return UInt8(value - 0x0660) + UInt8(ascii: "0")
        case 0x06F0...0x06F9: return UInt8(value - 0x06F0) + UInt8(ascii: "0")
        default: return nil
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
