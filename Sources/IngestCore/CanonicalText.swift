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
        canonicalForm(joining: [text]).text
    }

    /// Canonical text and what is counted while writing it.
    public struct Form: Sendable {
        /// The canonical UTF-8.
        public var text: [UInt8]
        /// How many words (space-separated tokens of `text`) each part contributed.
        public var words: [Int]
        /// The FNV-1a hash of each word of `text`, in order (see ``MinHashSketch/wordHashes(_:)``).
        public var wordHashes: [UInt64]
    }

    /// The canonical form of the parts joined with spaces. Equal to canonicalising the joined
    /// text: NFKC cannot compose across a space, and white space collapses.
    public static func canonicalForm(joining parts: [String]) -> Form {
        withCanonicalForm(joining: parts) { text, words, wordHashes in
            Form(text: Array(text), words: words, wordHashes: Array(wordHashes))
        }
    }

    /// Calls `body` with what ``canonicalForm(joining:)`` returns, in the buffers it was written
    /// in: the text, the words each part contributed, and the word hashes. For the hot path,
    /// which hashes the text and sketches the words without keeping either.
    public static func withCanonicalForm<Result>(
        joining parts: [String],
        _ body: (_ text: UnsafeBufferPointer<UInt8>, _ words: [Int], _ wordHashes: UnsafeBufferPointer<UInt64>) -> Result
    ) -> Result {
        let capacity = parts.reduce(0) { $0 + $1.utf8.count + 1 }
        return canonical(parts, capacity: capacity, appendingFast, body)
            ?? canonical(parts, capacity: capacity, { part, writer in appendNormalizing(part, to: &writer) }, body)!
    }

    /// Nil when `append` refuses a part.
    private static func canonical<Result>(
        _ parts: [String], capacity: Int, _ append: (String, inout Writer) -> Bool,
        _ body: (UnsafeBufferPointer<UInt8>, [Int], UnsafeBufferPointer<UInt64>) -> Result
    ) -> Result? {
        var writer = Writer(capacity: capacity)
        var words: [Int] = []
        for part in parts {
            let before = writer.words
            writer.appendSeparator()
            guard append(part, &writer) else { return nil }
            words.append(writer.words - before)
        }
        return writer.withOutput { text, wordHashes in body(text, words, wordHashes) }
    }

    /// The canonical form without NFKC when every scalar is one that NFKC either leaves alone or
    /// maps to something the later steps treat the same way (see ``isNFKCNeutral(_:)``); nil as
    /// soon as another scalar turns up. Arabic news text almost always qualifies.
    static func canonicalUTF8(fastPath text: String) -> [UInt8]? {
        canonical([text], capacity: text.utf8.count, appendingFast) { text, _, _ in Array(text) }
    }

    /// The fast path over the UTF-8 bytes of a String (valid UTF-8, so decoding needs no checks).
    private static func appendingFast(_ text: String, to writer: inout Writer) -> Bool {
        var text = text
        return text.withUTF8 { writer.appendNeutral($0) }
    }

    /// The canonical form by the rule as written: NFKC first, then the other steps.
    static func canonicalUTF8(normalizing text: String) -> [UInt8] {
        canonical([text], capacity: text.utf8.count, { part, writer in appendNormalizing(part, to: &writer) }) { text, _, _ in
            Array(text)
        }!
    }

    private static func appendNormalizing(_ text: String, to writer: inout Writer) -> Bool {
        for scalar in text.precomposedStringWithCompatibilityMapping.unicodeScalars {
            writer.append(scalar.value)
        }
        return true
    }

    /// Scalars for which skipping NFKC gives the same canonical form: ASCII; the Arabic block
    /// except the marks that compose with a preceding letter (U+0653–0655: آ أ إ ؤ ئ …) and the
    /// letters with compatibility decompositions (U+0675–0678); Latin-1 except its compatibility
    /// characters (¨ ª ¯ ² ³ ´ µ ¸ ¹ º ¼ ½ ¾); and General Punctuation, which NFKC leaves alone or
    /// turns into other spaces, punctuation or deleted format characters (a test checks each
    /// against NFKC). Every other Arabic combining mark is deleted, so NFKC's reordering of marks
    /// cannot matter, and no Latin-1 character composes with what may follow it here.
    static func isNFKCNeutral(_ value: UInt32) -> Bool {
        switch value {
        case 0xA8, 0xAA, 0xAF, 0xB2...0xB5, 0xB8...0xBA, 0xBC...0xBE: return false
        case 0x00...0xFF: return true
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
        /// One per space written, that is per word finished: the words are hashed as they are
        /// written, which costs less than a second pass over the text.
        private var hashes: UnsafeMutablePointer<UInt64>
        private var hashCount = 0
        private var wordHash = MinHashSketch.fnvOffsetBasis

        init(capacity: Int) {
            // Enough for the fast path (at most a space before each input byte); grown otherwise.
            self.capacity = 2 * capacity + 8
            buffer = .allocate(capacity: self.capacity)
            hashes = .allocate(capacity: self.capacity / 2 + 1)
        }

        deinit {
            buffer.deallocate()
            hashes.deallocate()
        }

        var output: [UInt8] { Array(UnsafeBufferPointer(start: buffer, count: count)) }

        /// Words written so far: the spaces between them are written only once a word follows.
        var words: Int { count == 0 ? 0 : hashCount + 1 }

        /// Calls `body` with the text written so far and the hashes of its words, the last one
        /// included, without copying them.
        mutating func withOutput<Result>(
            _ body: (UnsafeBufferPointer<UInt8>, UnsafeBufferPointer<UInt64>) -> Result
        ) -> Result {
            // There is always room for one more hash: a finished word took at least two bytes.
            hashes[hashCount] = wordHash
            return body(UnsafeBufferPointer(start: buffer, count: count), UnsafeBufferPointer(start: hashes, count: words))
        }

        /// Steps 2 to 7 for valid UTF-8 whose scalars are all NFKC-neutral; false, with part of
        /// it written, at the first scalar that is not. Per byte rather than per `Unicode.Scalar`,
        /// through tables rather than the rule's case analysis, with the state in locals: this
        /// runs over every byte of every article and was most of the CPU time spent on a file.
        mutating func appendNeutral(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
            ScalarTables.shared.withPointers { ascii, twoByte, punctuation in
                appendNeutral(bytes, ascii: ascii, twoByte: twoByte, punctuation: punctuation)
            }
        }

        private mutating func appendNeutral(
            _ bytes: UnsafeBufferPointer<UInt8>,
            ascii: UnsafePointer<UInt8>, twoByte: UnsafePointer<UInt16>, punctuation: UnsafePointer<UInt16>
        ) -> Bool {
            // Every input byte writes at most two (a space and itself; two bytes at most two and
            // a space), except through the rule, which checks the room itself.
            reserve(2 * bytes.count + 8)
            var out = buffer + count, pending = pendingSpace
            var hashOut = hashes + hashCount, hash = wordHash
            let start = buffer
            var index = 0
            while index < bytes.count {
                let lead = bytes[index]
                let entry: UInt16, value: UInt32
                if lead < 0x80 {
                    entry = UInt16(ascii[Int(lead)])
                    value = UInt32(lead)
                    index &+= 1
                } else if lead < 0xE0 {
                    value = UInt32(lead & 0x1F) << 6 | UInt32(bytes[index &+ 1] & 0x3F)
                    entry = twoByte[Int(value)]
                    index &+= 2
                } else if lead < 0xF0 {
                    value = UInt32(lead & 0x0F) << 12 | UInt32(bytes[index &+ 1] & 0x3F) << 6 | UInt32(bytes[index &+ 2] & 0x3F)
                    guard ScalarTables.punctuation.contains(value) else { return false }
                    entry = punctuation[Int(value - ScalarTables.punctuation.lowerBound)]
                    index &+= 3
                } else {
                    return false  // outside the BMP: never NFKC-neutral here
                }
                if entry < 0x800 && entry != 0 {  // almost always: a letter or digit, kept or folded
                    // A branch, which predicts well here: the loop below takes the rest of most
                    // words, so a letter met here mostly starts one. It also starts the new
                    // word's hash from the constant rather than from a select that would wait
                    // for the previous word's hash.
                    if pending && out > start {
                        out.pointee = UInt8(ascii: " ")
                        out += 1
                        hashOut.pointee = hash
                        hashOut += 1
                        hash = MinHashSketch.fnvOffsetBasis
                    }
                    pending = false
                    if entry < 0x80 {
                        out.pointee = UInt8(truncatingIfNeeded: entry)
                        out += 1
                        hash = MinHashSketch.fnv(hash, UInt8(truncatingIfNeeded: entry))
                        continue
                    }
                    // This letter and the rest of the word while it is two-byte letters that stay
                    // two bytes (nearly all of Arabic), without the space handling only a word's
                    // first letter needs.
                    var letter = entry
                    while true {
                        let first = UInt8(truncatingIfNeeded: 0xC0 | letter >> 6)
                        let second = UInt8(truncatingIfNeeded: 0x80 | letter & 0x3F)
                        out[0] = first
                        out[1] = second
                        out += 2
                        hash = MinHashSketch.fnv(MinHashSketch.fnv(hash, first), second)
                        guard index &+ 1 < bytes.count, bytes[index] & 0xE0 == 0xC0 else { break }
                        let scalar = UInt32(bytes[index] & 0x1F) << 6 | UInt32(bytes[index &+ 1] & 0x3F)
                        letter = twoByte[Int(scalar)]
                        guard letter >= 0x80 && letter < 0x800 else { break }
                        index &+= 2
                    }
                    continue
                }
                switch entry {
                case 0, ScalarTables.separator: pending = true
                case ScalarTables.deleted: continue
                case ScalarTables.notNeutral: return false
                default:  // through the rule as written; rare
                    (count, pendingSpace, hashCount, wordHash) = (out - buffer, pending, hashOut - hashes, hash)
                    append(value)
                    reserve(2 * (bytes.count - index) + 8)
                    (out, pending, hashOut, hash) = (buffer + count, pendingSpace, hashes + hashCount, wordHash)
                }
            }
            (count, pendingSpace, hashCount, wordHash) = (out - buffer, pending, hashOut - hashes, hash)
            return true
        }

        private mutating func reserve(_ bytes: Int) {
            while count + bytes > capacity { grow() }
        }

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
        mutating func appendSeparator() { pendingSpace = true }

        /// A table entry's scalar: already folded and lowercased, never white space or deleted.
        @inline(__always)
        mutating func appendMapped(_ value: UInt32) {
            if value < 0x80 { return appendByte(UInt8(truncatingIfNeeded: value)) }
            if value < 0x800 { return appendTwoBytes(value) }
            appendLetter(value)
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
        mutating func appendByte(_ byte: UInt8) {
            flushSpace()
            put(byte)
        }

        /// Writes a space first if white space came before and something precedes it; also makes
        /// room for the scalar that follows (at most 4 bytes).
        @inline(__always)
        private mutating func flushSpace() {
            if count + 5 > capacity { grow() }
            // Without a branch: whether a word starts here is the least predictable thing in the loop.
            let space = (pendingSpace && count > 0) ? 1 : 0
            buffer[count] = UInt8(ascii: " ")
            count += space
            hashes[hashCount] = wordHash
            hashCount += space
            wordHash = space == 1 ? MinHashSketch.fnvOffsetBasis : wordHash
            pendingSpace = false
        }

        @inline(__always)
        private mutating func put(_ byte: UInt8) {
            buffer[count] = byte
            count += 1
            wordHash = MinHashSketch.fnv(wordHash, byte)
        }

        private mutating func grow() {
            let larger = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity * 2)
            larger.moveInitialize(from: buffer, count: count)
            buffer.deallocate()
            buffer = larger
            capacity *= 2
            let moreHashes = UnsafeMutablePointer<UInt64>.allocate(capacity: capacity / 2 + 1)
            moreHashes.moveInitialize(from: hashes, count: hashCount)
            hashes.deallocate()
            hashes = moreHashes
        }
    }

    /// What the rule does with each scalar the fast path can meet: ASCII, the two-byte UTF-8
    /// range and General Punctuation. Built once from ``Writer/append(_:)`` itself, by writing
    /// each scalar between two letters, so the tables cannot drift from the rule. Immutable
    /// arrays; the loop reads them through pointers, without bounds checks (see ``withPointers(_:)``).
    struct ScalarTables: Sendable {
        /// Not NFKC-neutral: the fast path gives up.
        static let notNeutral: UInt16 = 0xFFFF
        static let separator: UInt16 = 0xFFFE
        static let deleted: UInt16 = 0xFFFD
        /// Becomes more than one scalar (a lowercase mapping): the rule is applied as written.
        static let byRule: UInt16 = 0xFFFC
        static let punctuation: Range<UInt32> = 0x2000..<0x2070

        /// Indexed by byte: the byte it becomes, or 0 for a separator.
        private let ascii: [UInt8]
        /// Indexed by scalar value, U+0000–07FF: the one scalar it becomes, or one of the above.
        private let twoByte: [UInt16]
        /// Indexed by scalar value − U+2000.
        private let punctuation: [UInt16]

        static let shared = ScalarTables()

        private init() {
            ascii = (UInt32(0)..<0x80).map { byte in
                let entry = Self.entry(byte)
                return entry == Self.separator ? 0 : UInt8(entry)
            }
            twoByte = (0..<0x800).map(Self.entry)
            punctuation = Self.punctuation.map(Self.entry)
        }

        /// The tables as pointers, valid within `body`: one call per text, then reads without
        /// bounds checks (every index the loop makes is within its table by construction).
        func withPointers<Result>(
            _ body: (_ ascii: UnsafePointer<UInt8>, _ twoByte: UnsafePointer<UInt16>, _ punctuation: UnsafePointer<UInt16>) -> Result
        ) -> Result {
            ascii.withUnsafeBufferPointer { ascii in
                twoByte.withUnsafeBufferPointer { twoByte in
                    punctuation.withUnsafeBufferPointer { punctuation in
                        body(ascii.baseAddress!, twoByte.baseAddress!, punctuation.baseAddress!)
                    }
                }
            }
        }

        private static func entry(_ value: UInt32) -> UInt16 {
            guard isNFKCNeutral(value), let scalar = Unicode.Scalar(value) else { return notNeutral }
            var writer = Writer(capacity: 16)
            writer.appendASCII(UInt8(ascii: "x"))
            writer.append(scalar.value)
            writer.appendASCII(UInt8(ascii: "x"))
            let between = writer.output.dropFirst().dropLast()
            if between == [UInt8(ascii: " ")] { return separator }
            if between.isEmpty { return deleted }
            let scalars = Array(String(decoding: between, as: UTF8.self).unicodeScalars)
            guard scalars.count == 1, scalars[0].value < UInt32(byRule) else { return byRule }
            return UInt16(scalars[0].value)
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
