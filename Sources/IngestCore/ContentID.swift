import Crypto
import Foundation

/// A content id: the SHA-256 of an article's canonical text (see ``CanonicalText``).
///
/// Stored as four words so that the dedup index holds 32 bytes per id and hashes it cheaply.
public struct ContentID: Hashable, Sendable, CustomStringConvertible {
    public let words: (UInt64, UInt64, UInt64, UInt64)

    /// An id from its four big-endian words.
    public init(words: (UInt64, UInt64, UInt64, UInt64)) {
        self.words = words
    }

    /// The id of an article with this title and body: the canonical form of `title + " " + body`.
    /// Where the title ends and the body starts does not change the id.
    public init(title: String, body: String) {
        self = CanonicalText.withCanonicalForm(joining: [title, body]) { text, _, _ in
            ContentID(digestOf: UnsafeRawBufferPointer(text))
        }
    }

    /// The SHA-256 of `bytes`.
    public init(digestOf bytes: [UInt8]) {
        self = bytes.withUnsafeBytes { ContentID(digestOf: $0) }
    }

    /// The SHA-256 of the bytes in `buffer`.
    public init(digestOf buffer: UnsafeRawBufferPointer) {
        var hasher = SHA256()
        hasher.update(bufferPointer: buffer)
        var words: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
        hasher.finalize().withUnsafeBytes { raw in
            words = (raw.loadBigEndianWord(at: 0), raw.loadBigEndianWord(at: 8),
                     raw.loadBigEndianWord(at: 16), raw.loadBigEndianWord(at: 24))
        }
        self.words = words
    }

    /// Parses 64 lowercase or uppercase hex digits.
    public init?(hex: some StringProtocol) {
        let utf8 = Array(hex.utf8)
        guard utf8.count == 64 else { return nil }
        var parsed: [UInt64] = []
        for chunk in stride(from: 0, to: 64, by: 16) {
            guard let word = UInt64(String(decoding: utf8[chunk..<chunk + 16], as: UTF8.self), radix: 16) else {
                return nil
            }
            parsed.append(word)
        }
        words = (parsed[0], parsed[1], parsed[2], parsed[3])
    }

    /// Lowercase hex, 64 digits.
    public var hex: String {
        String(unsafeUninitializedCapacity: 64) { output in
            for (index, word) in [words.0, words.1, words.2, words.3].enumerated() {
                for nibble in 0..<16 {
                    output[index * 16 + nibble] = Self.hexDigits[Int(truncatingIfNeeded: word >> (60 - 4 * nibble)) & 0xF]
                }
            }
            return 64
        }
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    public var description: String { hex }

    public static func == (lhs: ContentID, rhs: ContentID) -> Bool {
        lhs.words == rhs.words
    }

    public func hash(into hasher: inout Hasher) {
        // SHA-256 output is already uniform; one word is plenty for the hash table.
        hasher.combine(words.0)
    }
}

extension UnsafeRawBufferPointer {
    fileprivate func loadBigEndianWord(at offset: Int) -> UInt64 {
        UInt64(bigEndian: loadUnaligned(fromByteOffset: offset, as: UInt64.self))
    }
}
