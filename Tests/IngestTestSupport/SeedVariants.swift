import Foundation

/// The same article text saved another way: another spelling (diacritics, tatweel, hamza forms,
/// alef maqsura, quotes, Arabic-Indic digits) or another encoding (CRLF, BOM, UTF-16, Windows-1256).
/// Each must get the same content id as the original.
public struct SeedVariant: Sendable, CustomStringConvertible {
    public let name: String
    public let make: @Sendable (String) -> [UInt8]

    public var description: String { name }

    public static let all: [SeedVariant] = [
        SeedVariant(name: "diacritics") { utf8(addingDiacritics($0)) },
        SeedVariant(name: "tatweel") { utf8(addingTatweel($0)) },
        SeedVariant(name: "alef-maqsura") { utf8(endingYehAsAlefMaqsura($0)) },
        SeedVariant(name: "hamza-forms") { utf8($0.replacingOccurrences(of: "أ", with: "ا").replacingOccurrences(of: "إ", with: "ا")) },
        SeedVariant(name: "quotes") { utf8(replacingQuotes($0)) },
        SeedVariant(name: "arabic-indic-digits") { utf8(arabicIndicDigits($0)) },
        SeedVariant(name: "crlf") { utf8($0.replacingOccurrences(of: "\n", with: "\r\n")) },
        SeedVariant(name: "utf8-bom") { [0xEF, 0xBB, 0xBF] + utf8($0) },
        SeedVariant(name: "utf16le-bom") { [0xFF, 0xFE] + utf16($0, bigEndian: false) },
        SeedVariant(name: "utf16be-bom") { [0xFE, 0xFF] + utf16($0, bigEndian: true) },
        SeedVariant(name: "windows-1256") { try! Iconv.convert(utf8($0), from: "UTF-8", to: "WINDOWS-1256") },
        SeedVariant(name: "invisible-marks") { utf8(addingInvisibleMarks($0)) },
        SeedVariant(name: "extra-white-space") { utf8($0.replacingOccurrences(of: " ", with: "  \t")) },
    ]

    /// Changes that make a different story: each must get a new id.
    public static let changedStories: [SeedVariant] = [
        SeedVariant(name: "changed-number") { utf8(changingFirstNumber($0)) },
        SeedVariant(name: "changed-word") { utf8(changingOneWord($0)) },
    ]

    static func utf8(_ text: String) -> [UInt8] { Array(text.utf8) }

    static func utf16(_ text: String, bigEndian: Bool) -> [UInt8] {
        text.utf16.flatMap { unit in
            bigEndian ? [UInt8(unit >> 8), UInt8(unit & 0xFF)] : [UInt8(unit & 0xFF), UInt8(unit >> 8)]
        }
    }

    /// A fatha after every third Arabic letter, a shadda after every seventh.
    static func addingDiacritics(_ text: String) -> String {
        var output = String.UnicodeScalarView()
        var letters = 0
        for scalar in text.unicodeScalars {
            output.append(scalar)
            guard (0x0621...0x064A).contains(scalar.value) else { continue }
            letters += 1
            if letters % 3 == 0 { output.append("\u{064E}") }
            if letters % 7 == 0 { output.append("\u{0651}") }
        }
        return String(output)
    }

    /// A tatweel inside every other word that has a joining letter followed by another letter.
    static func addingTatweel(_ text: String) -> String {
        var words = text.components(separatedBy: " ")
        for index in stride(from: 0, to: words.count, by: 2) {
            let word = words[index]
            if let lam = word.firstIndex(of: "ل"), word.index(after: lam) < word.endIndex {
                words[index].insert("ـ", at: word.index(after: lam))
            }
        }
        return words.joined(separator: " ")
    }

    /// Word-final ي written as ى, as many sites do.
    static func endingYehAsAlefMaqsura(_ text: String) -> String {
        text.replacingOccurrences(of: "ي ", with: "ى ")
    }

    static func replacingQuotes(_ text: String) -> String {
        text.replacingOccurrences(of: "«", with: "\"").replacingOccurrences(of: "»", with: "\"")
            .replacingOccurrences(of: "“", with: "'").replacingOccurrences(of: "”", with: "'")
            .replacingOccurrences(of: "\"", with: "“")
    }

    static func arabicIndicDigits(_ text: String) -> String {
        String(String.UnicodeScalarView(text.unicodeScalars.map { scalar in
            (0x30...0x39).contains(scalar.value) ? Unicode.Scalar(scalar.value - 0x30 + 0x0660)! : scalar
        }))
    }

    static func addingInvisibleMarks(_ text: String) -> String {
        text.replacingOccurrences(of: " في ", with: " \u{200F}في\u{200C} ")
    }

    /// The first number in the text plus one (the text must hold one; all seeds but the first do).
    static func changingFirstNumber(_ text: String) -> String {
        guard let range = text.range(of: "[0-9]+", options: .regularExpression) else {
            return text.replacingOccurrences(of: "الثلاثاء", with: "الأربعاء")
        }
        return text.replacingCharacters(in: range, with: String(Int(text[range])! + 1))
    }

    static func changingOneWord(_ text: String) -> String {
        guard let range = text.range(of: "حلب") else { return text + " تحديث" }
        return text.replacingCharacters(in: range, with: "إدلب")
    }
}
