/// Class names, ids and roles that mark the parts of a page around an article: menus, share bars,
/// comments, related and most-read lists, cookie banners, newsletters, ads, bylines and captions.
/// Matched per token of a `class` or `id`, in lowercase: some tokens must be the whole token
/// (`ad`, `nav`, `meta`), others may be part of one (`sidebar` in `right-sidebar`).
enum BoilerplateNames {
    /// What boilerplate a name marks: comments, which may hold much prose, or the rest.
    enum Kind { case comments, other }

    /// The boilerplate the class and id (raw attribute values) name, or nil.
    static func kind(_ attributes: [ArraySlice<UInt8>]) -> Kind? {
        var kind: Kind?
        for attribute in attributes {
            for token in tokens(of: attribute) {
                if containsAny(token, articleBodyParts) { return nil }
                if kind != .comments, let tokenKind = self.kind(ofToken: token) { kind = tokenKind }
            }
        }
        return kind
    }

    /// ARIA landmarks and widgets that are never the article.
    static func isBoilerplateRole(_ role: ArraySlice<UInt8>) -> Bool {
        let role = lowercased(role)
        return boilerplateRoles.contains(role)
    }

    /// Whether an inline style hides the element (`display: none`, `visibility: hidden`).
    static func hidesElement(_ style: ArraySlice<UInt8>) -> Bool {
        let style = lowercased(style).filter { $0 != UInt8(ascii: " ") }
        return contains(style, Array("display:none".utf8)) || contains(style, Array("visibility:hidden".utf8))
    }

    static func kind(ofToken token: [UInt8]) -> Kind? {
        if containsAny(token, commentParts) && !contains(token, Array("commentary".utf8)) { return .comments }
        if wholeTokens.contains(token) || containsAny(token, parts) { return .other }
        return hasAny(token, prefixes: tokenPrefixes) || hasAny(token, suffixes: tokenSuffixes) ? .other : nil
    }

    private static let commentParts: [[UInt8]] = ["comment", "disqus", "respond", "replies"].map { Array($0.utf8) }

    /// Parts of a token that name an article's body; an element with one is never boilerplate.
    static let articleBodyParts: [[UInt8]] = [
        "article-body", "articlebody", "article__body", "article_body", "article-content", "articlecontent",
        "article__content", "article-text", "articletext", "story-body", "storybody", "story-content",
        "post-content", "postcontent", "post-body", "post_content", "entry-content", "entry_content",
        "body-text", "bodytext", "content-body", "article-main", "main-article",
    ].map { Array($0.utf8) }

    private static let wholeTokens: Set<[UInt8]> = Set([
        "ad", "ads", "adv", "advert", "advertisement", "nav", "menu", "meta", "byline", "date", "time",
        "tags", "tag", "header", "hidden", "is-hidden", "sr-only", "visually-hidden", "screen-reader-text",
        "print", "widget", "credit", "credits", "caption", "more", "copyright", "author", "dateline",
        "timestamp", "toc", "utility", "utilities", "actions", "tools", "promo", "teaser", "teasers",
        "image", "img", "photo", "picture", "gallery", "slideshow", "video", "audio",
    ].map { Array($0.utf8) })

    private static let parts: [[UInt8]] = [
        "sidebar", "side-bar", "related", "recommend", "popular", "mostread", "most-read",
        "most_read", "trending", "share", "sharing", "social", "newsletter", "subscri", "signup", "sign-up",
        "sponsor", "advert", "adslot", "ad-slot", "adunit", "ad-unit", "ad-container", "ad-wrapper", "dfp-",
        "gpt-ad", "banner", "breadcrumb", "pagination", "cookie", "consent", "gdpr", "popup", "modal",
        "overlay", "footer", "masthead", "navbar", "navigation", "toolbar", "outbrain", "taboola", "byline",
        "author-bio", "authorbio", "author-info", "keywords", "rating", "caption", "read-more", "readmore",
        "also-read", "more-stories", "morestories", "next-article", "prev-article", "previous", "skip-link",
        "noprint", "no-print", "sticky", "login", "rollover", "tooltip", "popover", "hovercard", "signin", "paywall", "inline-ad", "native-ad", "promo-",
        "-promo", "-cta", "cta-", "after-content", "content-after", "below-content", "content-below", "article-meta", "post-meta", "entry-meta", "meta-", "topics", "tag-list", "taglist",
    ].map { Array($0.utf8) }

    private static let tokenPrefixes: [[UInt8]] = ["ad-", "ads-", "ad_", "nav-", "nav_", "menu-", "tags-"].map { Array($0.utf8) }
    private static let tokenSuffixes: [[UInt8]] = ["-ad", "-ads", "_ad", "-nav", "_nav", "-menu", "-tags", "-date"].map { Array($0.utf8) }

    private static let boilerplateRoles: Set<[UInt8]> = Set([
        "navigation", "banner", "complementary", "contentinfo", "dialog", "alertdialog", "search", "menu",
        "menubar", "toolbar", "tablist", "alert", "status", "timer", "marquee",
    ].map { Array($0.utf8) })

    static func tokens(of attribute: ArraySlice<UInt8>) -> [[UInt8]] {
        lowercased(attribute).split(whereSeparator: { $0 == 0x20 || (0x09...0x0D).contains($0) }).map(Array.init)
    }

    private static func lowercased(_ bytes: ArraySlice<UInt8>) -> [UInt8] {
        bytes.map { (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains($0) ? $0 | 0x20 : $0 }
    }

    private static func containsAny(_ token: [UInt8], _ needles: [[UInt8]]) -> Bool {
        needles.contains { contains(token, $0) }
    }

    private static func hasAny(_ token: [UInt8], prefixes: [[UInt8]]) -> Bool {
        prefixes.contains { token.starts(with: $0) }
    }

    private static func hasAny(_ token: [UInt8], suffixes: [[UInt8]]) -> Bool {
        suffixes.contains { token.count >= $0.count && token.suffix($0.count).elementsEqual($0) }
    }

    static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard haystack.count >= needle.count, let first = needle.first else { return needle.isEmpty }
        var index = 0
        while index + needle.count <= haystack.count {
            if haystack[index] == first, haystack[index..<(index + needle.count)].elementsEqual(needle) { return true }
            index += 1
        }
        return false
    }
}
