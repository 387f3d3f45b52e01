import Glibc

/// glibc's iconv, used by tests as an independent reference for legacy encodings.
public enum Iconv {
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    public static func convert(_ input: [UInt8], from: String, to: String) throws -> [UInt8] {
        let converter = iconv_open(to, from)
        guard converter != iconv_t(bitPattern: -1) else { throw Failure(description: "iconv_open \(from) → \(to) failed") }
        defer { iconv_close(converter) }
        var inputBytes = input.map { CChar(bitPattern: $0) }
        var output = [CChar](repeating: 0, count: input.count * 4 + 16)
        let outputCapacity = output.count
        var inLeft = inputBytes.count
        var outLeft = outputCapacity
        let result = inputBytes.withUnsafeMutableBufferPointer { inBuffer in
            output.withUnsafeMutableBufferPointer { outBuffer in
                var inPointer: UnsafeMutablePointer<CChar>? = inBuffer.baseAddress
                var outPointer: UnsafeMutablePointer<CChar>? = outBuffer.baseAddress
                return iconv(converter, &inPointer, &inLeft, &outPointer, &outLeft)
            }
        }
        guard result != -1 else { throw Failure(description: "iconv \(from) → \(to): \(String(cString: strerror(errno)))") }
        return output[0..<(outputCapacity - outLeft)].map { UInt8(bitPattern: $0) }
    }
}
