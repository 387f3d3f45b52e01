import HTMLParsing

/// A page's headline: og:title, else the article's `<h1>`, else `<title>`; without the outlet's
/// name around it (`Headline | البيان`, `Site - Headline`). A title that is only the outlet's name
/// is no title.
struct PageTitle {
    let title: String

    init(metadata: PageMetadata, document: HTMLDocument, container: Int) {
        let siteName = metadata.outletName
        let candidates = [metadata.openGraphTitle, Self.firstHeading(in: document, preferring: container),
                          metadata.linkedData.headline, metadata.documentTitle]
        var title = ""
        for candidate in candidates.compactMap({ $0 }) {
            title = Self.withoutSiteName(candidate, siteName: siteName)
            if !title.isEmpty { break }
        }
        self.title = title
    }

    /// The text of the first `h1` inside `container`, else the first in the page.
    private static func firstHeading(in document: HTMLDocument, preferring container: Int) -> String? {
        let headings = document.elements.indices.filter { document.elements[$0].tag == .h1 }
        let end = Int(document.elements[container].end)
        let heading = headings.first { $0 >= container && $0 < end } ?? headings.first
        return heading.flatMap { nonEmpty(collapsingWhiteSpace(document.textContent(of: $0))) }
    }

    private static let separators = [" | ", " - ", " – ", " — ", " :: ", " « ", " » ", " · ", " ـ ", " ｜ "]

    /// `title` without a leading or trailing segment that is the site's name, or, when the name is
    /// not known, a short trailing segment; "" when the title is the site's name alone.
    static func withoutSiteName(_ title: String, siteName: String?) -> String {
        let site = siteName.map { CanonicalText.canonicalUTF8($0) }
        if let site, CanonicalText.canonicalUTF8(title) == site { return "" }
        for separator in separators {
            let segments = title.components(separatedBy: separator)
            guard segments.count >= 2 else { continue }
            let first = segments.first!, last = segments.last!
            if let site, CanonicalText.canonicalUTF8(last) == site {
                return segments.dropLast().joined(separator: separator)
            }
            if let site, CanonicalText.canonicalUTF8(first) == site {
                return segments.dropFirst().joined(separator: separator)
            }
            if site == nil, isShortName(last), !isShortName(segments.dropLast().joined(separator: separator)) {
                return segments.dropLast().joined(separator: separator)
            }
        }
        return title
    }

    private static func isShortName(_ text: String) -> Bool {
        text.count <= 40 && text.split(separator: " ").count <= 4
    }
}
