/// Lines of a page that are never article text even inside the article's element: share and
/// print buttons, advertisement labels, the headings of related and most-read lists. Matched on
/// the canonical form, as ``Boilerplate`` matches lines of text files, whose phrases count too.
enum HTMLBoilerplate {
    static let phrases: [String] = [
        "Advertisement", "ADVERTISEMENT", "Advertising", "Sponsored", "Sponsored content",
        "Story continues below advertisement", "Continue reading below", "Scroll to continue with content",
        "Continue reading the main story", "Read more", "Related", "Related articles", "Related stories",
        "More stories", "Most read", "Most popular", "Trending", "Share this article", "Share this",
        "Share on Facebook", "Share on Twitter", "Facebook", "Twitter", "WhatsApp", "LinkedIn", "Email",
        "Print", "Comments", "Leave a comment", "Sign up", "Subscribe",
        "اقرأ أيضا", "اقرأ أيضاً", "إقرأ أيضا", "الأكثر قراءة", "الاكثر قراءة", "الأكثر مشاهدة",
        "مواضيع ذات صلة", "أخبار ذات صلة", "ذات صلة", "شارك", "شارك الخبر", "مشاركة", "طباعة",
        "أرسل لصديق", "إعلان", "التعليقات", "أضف تعليق", "اترك تعليقا", "تابعونا", "تابعنا على",
    ]

    private static let canonicalPhrases: Set<[UInt8]> = Set(phrases.map { CanonicalText.canonicalUTF8($0) })
    private static let longestPhraseBytes = phrases.map(\.utf8.count).max()! * 2

    static func isBoilerplate(_ line: Substring) -> Bool {
        guard line.utf8.count <= longestPhraseBytes else { return false }
        return Boilerplate.isBoilerplate(line) || canonicalPhrases.contains(CanonicalText.canonicalUTF8(String(line)))
    }
}
