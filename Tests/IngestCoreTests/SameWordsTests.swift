@testable import IngestCore
import IngestTestSupport
import Testing

@Suite struct SameWordsTests {
    /// The same count, a word at a time.
    static func reference(_ a: [UInt8], _ i: Int, _ b: [UInt8], _ j: Int, usable: [Bool]?, from u: Int, step: Int) -> Int {
        var count = 0
        while true {
            let (x, y, z) = (i + count * step, j + count * step, u + count * step)
            guard x >= 0, x < a.count, y >= 0, y < b.count, a[x] == b[y] else { return count }
            if let usable { guard z >= 0, z < usable.count, usable[z] else { return count } }
            count += 1
        }
    }

    /// Words from two letters agree in runs of every length, across the eight-word steps, up to
    /// the ends of both arrays; the flags are mostly set, so that they, too, end runs anywhere.
    @Test(arguments: [false, true])
    func countsWhatAWordAtATimeCounts(withFlags: Bool) {
        var random = SeededGenerator(seed: withFlags ? 7 : 3)
        for _ in 0..<300 {
            let a = (0..<Int(random.next() % 40)).map { _ in UInt8(random.next() % 2) }
            // Mostly a copy of `a`, shifted, so that long runs are common.
            let shift = Int(random.next() % 5)
            let b = (0..<Int(random.next() % 40)).map { index in
                index + shift < a.count && random.next() % 16 != 0 ? a[index + shift] : UInt8(random.next() % 2)
            }
            let flags = (0..<a.count).map { _ in !withFlags || random.next() % 20 != 0 }
            let usable = withFlags ? flags : nil
            a.withUnsafeBufferPointer { left in
                b.withUnsafeBufferPointer { right in
                    flags.withUnsafeBufferPointer { flagged in
                        let flagged = withFlags ? flagged : nil
                        for i in -1...a.count {
                            for j in [i - shift - 1, i - shift, i - shift + 1, i, Int(random.next() % 41)] where j >= -1 && j <= b.count {
                                let u = max(0, i - Int(random.next() % 3))
                                if i >= 0, j >= 0 {
                                    #expect(SameWords.up(left, i, right, j, usable: flagged, from: u)
                                                == Self.reference(a, i, b, j, usable: usable, from: u, step: 1), "up \(i) \(j) \(u)")
                                }
                                if i < a.count, j < b.count {
                                    #expect(SameWords.down(left, i, right, j, usable: flagged, from: u)
                                                == Self.reference(a, i, b, j, usable: usable, from: u, step: -1), "down \(i) \(j) \(u)")
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// A flag past the last one ends the run where it starts, as a word past the end does.
    @Test func countsNothingFromPastTheFlags() {
        let words: [UInt8] = Array(repeating: 7, count: 20)
        let flags = [Bool](repeating: true, count: 13)
        words.withUnsafeBufferPointer { words in
            flags.withUnsafeBufferPointer { flags in
                #expect(SameWords.down(words, 15, words, 15, usable: flags, from: 13) == 0)
                #expect(SameWords.down(words, 15, words, 15, usable: flags, from: 12) == 13)
                #expect(SameWords.up(words, 15, words, 15, usable: flags, from: 13) == 0)
                #expect(SameWords.up(words, 3, words, 3, usable: flags, from: 3) == 10)
            }
        }
    }
}
