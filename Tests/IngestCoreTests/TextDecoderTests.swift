import IngestCore
import IngestTestSupport
import Testing

@Suite struct TextDecoderTests {
    private func decode(_ bytes: [UInt8]) -> Result<DecodedText, Rejection> { TextDecoder.decode(bytes) }

    @Test func utf8WithAndWithoutBOM() throws {
        #expect(try decode(Array("حلب".utf8)).get() == DecodedText(text: "حلب", encoding: .utf8))
        #expect(try decode([0xEF, 0xBB, 0xBF] + Array("حلب".utf8)).get() == DecodedText(text: "حلب", encoding: .utf8WithBOM))
    }

    @Test func utf16WithBOM() throws {
        #expect(try decode([0xFF, 0xFE, 0x2D, 0x06, 0x44, 0x06]).get() == DecodedText(text: "حل", encoding: .utf16LittleEndian))
        #expect(try decode([0xFE, 0xFF, 0x06, 0x2D, 0x06, 0x44]).get() == DecodedText(text: "حل", encoding: .utf16BigEndian))
        #expect(decode([0xFF, 0xFE, 0x2D]) == .failure(.invalidUTF16))
        #expect(decode([0xFF, 0xFE, 0x00, 0xD8, 0x41, 0x00]) == .failure(.invalidUTF16))  // lone surrogate
    }

    @Test func windows1256WhenNotUTF8() throws {
        // "حلب" in Windows-1256.
        #expect(try decode([0xCD, 0xE1, 0xC8]).get() == DecodedText(text: "حلب", encoding: .windows1256))
    }

    @Test func windows1256TableMatchesIconv() throws {
        for byte in UInt8(0x80)...UInt8(0xFF) {
            let reference = try Iconv.convert([byte], from: "WINDOWS-1256", to: "UTF-8")
            let ours = try decode([UInt8(ascii: "a"), byte]).get().text
            #expect(Array(ours.utf8.dropFirst()) == reference, "byte 0x\(String(byte, radix: 16))")
        }
    }

    @Test func lineEndingsBecomeLF() throws {
        #expect(try decode(Array("a\r\nb\rc\n".utf8)).get().text == "a\nb\nc\n")
    }

    /// Controls and CRs are found wherever they fall relative to the eight-byte words the scan reads.
    @Test func controlsAndCRsAreFoundAtEveryOffset() throws {
        for offset in 0..<24 {
            var bytes = Array(repeating: UInt8(ascii: "x"), count: 24)
            bytes[offset] = UInt8(ascii: "\r")
            #expect(try decode(bytes).get().text.utf8.contains(UInt8(ascii: "\n")), "CR at \(offset)")
            bytes[offset] = 0x01  // one control in 24 bytes: more than 1%
            #expect(decode(bytes) == .failure(.controlCharacters), "control at \(offset)")
            let longer = bytes + Array(repeating: UInt8(ascii: "y"), count: 100)  // under 1%
            #expect(throws: Never.self, "control at \(offset)") { try decode(longer).get() }
        }
    }

    @Test func binaryIsRejected() {
        #expect(decode([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0x0D]) == .failure(.binary))
        #expect(decode(Array(repeating: 0x01, count: 50) + Array("text".utf8)) == .failure(.controlCharacters))
    }

    @Test func utf16WithoutBOMIsRecognised() {
        let text = "Breaking news: ceasefire in Aleppo"
        let littleEndian = text.utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }
        #expect(decode(littleEndian) == .failure(.utf16WithoutBOM))
    }

    @Test func randomBytesAreRejected() {
        var generator = SeededGenerator(seed: 42)
        for _ in 0..<200 {
            let bytes = (0..<512).map { _ in UInt8.random(in: 0...255, using: &generator) }
            #expect(throws: Rejection.self) { try decode(bytes).get() }
        }
    }
}
