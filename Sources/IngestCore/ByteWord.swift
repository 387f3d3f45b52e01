/// Questions about eight bytes at once, loaded as one word ("Bit Twiddling Hacks": determine if a
/// word has a zero byte, or a byte less than n). Each is exact for the word as a whole, which is
/// all the scans that use them ask before looking at the bytes one by one.
enum ByteWord {
    private static let ones: UInt64 = 0x0101_0101_0101_0101
    private static let highBits: UInt64 = 0x8080_8080_8080_8080

    /// Whether any byte is below `limit` (at most 0x80).
    @inline(__always)
    static func hasByte(_ word: UInt64, below limit: UInt8) -> Bool {
        (word &- UInt64(limit) &* ones) & ~word & highBits != 0
    }

    /// Whether any byte is 0x80 or above: not ASCII.
    @inline(__always)
    static func hasNonASCIIByte(_ word: UInt64) -> Bool {
        word & highBits != 0
    }

    /// Whether any byte equals `byte`.
    @inline(__always)
    static func hasByte(_ word: UInt64, equalTo byte: UInt8) -> Bool {
        let matches = word ^ (UInt64(byte) &* ones)
        return (matches &- ones) & ~matches & highBits != 0
    }
}
