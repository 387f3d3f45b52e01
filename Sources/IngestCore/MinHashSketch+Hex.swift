extension MinHashSketch {
    /// A sketch stored earlier: its ``binCount`` bins; nil for any other count.
    public init?(bins: [UInt8]) {
        guard bins.count == Self.binCount else { return nil }
        self.bins = bins
    }

    /// Parses the bins as 256 hex digits (how the fleet's database hands them back).
    public init?(hex: some StringProtocol) {
        let digits = Array(hex.utf8)
        guard digits.count == 2 * Self.binCount else { return nil }
        var bins = [UInt8](repeating: 0, count: Self.binCount)
        for index in bins.indices {
            guard let high = Self.nibble(digits[2 * index]), let low = Self.nibble(digits[2 * index + 1]) else { return nil }
            bins[index] = high << 4 | low
        }
        self.init(bins: bins)
    }

    /// The bins as lowercase hex, two digits each; empty for an empty sketch.
    public var hex: String {
        let digits = Array("0123456789abcdef".utf8)
        return String(decoding: bins.flatMap { [digits[Int($0 >> 4)], digits[Int($0 & 0xF)]] }, as: UTF8.self)
    }

    private static func nibble(_ digit: UInt8) -> UInt8? {
        switch digit {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): digit - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): digit - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): digit - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
