/// How far two articles' word bytes stay the same from a pair of positions, compared eight
/// words at a time: the alignment follows a copied passage over hundreds of words, and one
/// comparison of eight bytes costs about what one of a single byte does.
///
/// With `usable`, a flag per word (a `Bool` per shingle, see ``AnchorMap``), a word also counts
/// only while its flag is set.
enum SameWords {
    /// Every byte 1: eight `true` flags.
    private static let allSet: UInt64 = 0x0101_0101_0101_0101

    /// How many words from `a[i]` and `b[j]` on, upward, are the same (and, with `usable`, have
    /// `usable[u]`, `usable[u + 1]`, … set). `i`, `j` and `u` are at least 0.
    @inline(__always)
    static func up(_ a: UnsafeBufferPointer<UInt8>, _ i: Int, _ b: UnsafeBufferPointer<UInt8>, _ j: Int,
                   usable: UnsafeBufferPointer<Bool>? = nil, from u: Int = 0) -> Int {
        var limit = min(a.count - i, b.count - j)
        if let usable { limit = min(limit, usable.count - u) }
        guard limit > 0 else { return 0 }
        let left = UnsafeRawPointer(a.baseAddress! + i), right = UnsafeRawPointer(b.baseAddress! + j)
        let flags = usable.map { UnsafeRawPointer($0.baseAddress! + u) }
        var count = 0
        while count + 8 <= limit {
            var differ = word8(left, count) ^ word8(right, count)
            if let flags { differ |= word8(flags, count) ^ allSet }
            // The first word in the article's order is the lowest byte.
            if differ != 0 { return count + differ.trailingZeroBitCount / 8 }
            count += 8
        }
        while count < limit, a[i + count] == b[j + count], usable.map({ $0[u + count] }) ?? true { count += 1 }
        return count
    }

    /// How many words from `a[i]` and `b[j]` down, towards the start, are the same (and, with
    /// `usable`, have `usable[u]`, `usable[u - 1]`, … set); none if one of them is past its end.
    @inline(__always)
    static func down(_ a: UnsafeBufferPointer<UInt8>, _ i: Int, _ b: UnsafeBufferPointer<UInt8>, _ j: Int,
                     usable: UnsafeBufferPointer<Bool>? = nil, from u: Int = 0) -> Int {
        var limit = min(i + 1, j + 1)
        if let usable {
            guard u < usable.count else { return 0 }
            limit = min(limit, u + 1)
        }
        guard limit > 0, i < a.count, j < b.count else { return 0 }
        let left = UnsafeRawPointer(a.baseAddress! + i - 7), right = UnsafeRawPointer(b.baseAddress! + j - 7)
        let flags = usable.map { UnsafeRawPointer($0.baseAddress! + u - 7) }
        var count = 0
        while count + 8 <= limit {
            var differ = word8(left, -count) ^ word8(right, -count)
            if let flags { differ |= word8(flags, -count) ^ allSet }
            // Going down, the first word met is the highest byte.
            if differ != 0 { return count + differ.leadingZeroBitCount / 8 }
            count += 8
        }
        while count < limit, a[i - count] == b[j - count], usable.map({ $0[u - count] }) ?? true { count += 1 }
        return count
    }

    /// Eight bytes from `base + offset`, the first of them lowest.
    @inline(__always)
    private static func word8(_ base: UnsafeRawPointer, _ offset: Int) -> UInt64 {
        UInt64(littleEndian: base.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
    }
}
