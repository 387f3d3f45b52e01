@testable import IngestCore
import IngestTestSupport
import Testing

@Suite struct UTF8ValidationTests {
    private func isValid(_ bytes: [UInt8]) -> Bool { bytes.withUnsafeBytes(UTF8Validation.isValid) }

    @Test(arguments: [
        ([0xC0, 0x80], false), ([0xE0, 0x80, 0x80], false), ([0xF0, 0x80, 0x80, 0x80], false),  // overlong
        ([0xED, 0xA0, 0x80], false),                                                          // a surrogate
        ([0xF4, 0x90, 0x80, 0x80], false), ([0xF5, 0x80, 0x80, 0x80], false),                 // above U+10FFFF
        ([0xD8], false), ([0xE2, 0x80], false), ([0x80], false), ([0xFF], false),             // cut short, stray
        ([0xD8, 0xAD], true), ([0xE2, 0x80, 0x99], true), ([0xF0, 0x9F, 0x98, 0x80], true), ([], true),
    ] as [([UInt8], Bool)])
    func edgeCases(bytes: [UInt8], valid: Bool) {
        #expect(isValid(bytes) == valid)
        #expect(isValid(Array("0123456789".utf8) + bytes + Array("abcdefgh".utf8)) == valid)
    }

    @Test func agreesWithTheStandardLibrary() {
        var random = SeededGenerator(seed: 5)
        for _ in 0..<20_000 {
            let length = Int(random.next() % 40)
            var bytes = (0..<length).map { _ in UInt8(truncatingIfNeeded: random.next()) }
            if random.next() % 2 == 0 {
                let scalars = (0..<length).compactMap { _ in Unicode.Scalar(UInt32(random.next() % 0x11_0000)) }
                bytes = Array(String(String.UnicodeScalarView(scalars)).utf8)
                if random.next() % 4 == 0, !bytes.isEmpty { bytes[Int(random.next() % UInt64(bytes.count))] ^= 0x40 }
            }
            #expect(isValid(bytes) == (String(validating: bytes, as: UTF8.self) != nil), "\(bytes)")
        }
    }
}
