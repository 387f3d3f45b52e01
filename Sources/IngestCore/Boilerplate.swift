/// Site boilerplate lines (share buttons, font-size controls, comment notices) that news sites put
/// around an article. A line is boilerplate when its canonical form equals one of these phrases'
/// canonical forms, so a variant with diacritics, other punctuation or other letter forms still matches.
public enum Boilerplate {
    /// The phrases, as they appear on the sites.
    public static let phrases: [String] = [
        "Email", "Share", "Print", "Tweet",
        "مشاركة :", "شارك", "طباعة", "أرسل لصديق",
        "ت + ت - الحجم الطبيعي",
        "عذراً التعليقات مغلقة", "التعليقات", "أضف تعليق",
        "عاجل", "اقرأ أيضاً",
    ]

    private static let canonicalPhrases: Set<[UInt8]> = Set(phrases.map { CanonicalText.canonicalUTF8($0) })
    private static let longestPhraseBytes = phrases.map(\.utf8.count).max()! * 2

    /// Whether `line` is nothing but a boilerplate phrase.
    public static func isBoilerplate(_ line: Substring) -> Bool {
        // Canonicalising costs; boilerplate lines are short, article lines rarely are.
        guard line.utf8.count <= longestPhraseBytes else { return false }
        return canonicalPhrases.contains(CanonicalText.canonicalUTF8(String(line)))
    }
}
