import HTMLParsing

/// What an element's `class`, `id` and `itemprop` say it holds.
enum NameMeaning: UInt8 {
    case none
    /// The article's body: `itemprop="articleBody"`, or a class or id such as `article-body`,
    /// `story-body`, `entry-content`.
    case articleBody
    /// Comments, which may hold much prose.
    case comments
    /// Another part of a page around an article: menus, share bars, related and most-read lists,
    /// cookie banners, newsletters, ads, bylines, captions.
    case boilerplate
}

/// The ``NameMeaning`` of every element of a page, read once: a page repeats the same class
/// names on many elements, so each distinct `class` value is matched once.
struct ElementNames {
    private var meanings: [NameMeaning]

    init(document: HTMLDocument) {
        meanings = Array(repeating: .none, count: document.elements.count)
        var byClass: [ClassValue: NameMeaning] = [:]
        for element in document.elements.indices {
            var meaning = NameMeaning.none
            if let value = document.attribute(.class, of: element) {
                if let known = byClass[ClassValue(bytes: value)] {
                    meaning = known
                } else {
                    meaning = NamePatterns.meaning(of: value)
                    byClass[ClassValue(bytes: value)] = meaning
                }
            }
            if meaning != .articleBody, let id = document.attribute(.id, of: element) {
                meaning = Self.stronger(meaning, NamePatterns.meaning(of: id))
            }
            if meaning != .articleBody, let itemprop = document.attribute(.itemprop, of: element),
               NamePatterns.hasToken(itemprop, "articlebody") {
                meaning = .articleBody
            }
            meanings[element] = meaning
        }
    }

    func meaning(of element: Int) -> NameMeaning { meanings[element] }

    func isArticleBody(_ element: Int) -> Bool { meanings[element] == .articleBody }

    /// A class value as a dictionary key, hashed as one run of bytes (an ArraySlice hashes byte
    /// by byte, which cost more than matching the names).
    private struct ClassValue: Hashable {
        let bytes: ArraySlice<UInt8>

        func hash(into hasher: inout Hasher) {
            bytes.withUnsafeBytes { hasher.combine(bytes: $0) }
        }

        static func == (lhs: ClassValue, rhs: ClassValue) -> Bool { lhs.bytes.elementsEqual(rhs.bytes) }
    }

    /// An article-body name outweighs any other; comments outweigh the rest of boilerplate.
    private static func stronger(_ first: NameMeaning, _ second: NameMeaning) -> NameMeaning {
        for meaning in [NameMeaning.articleBody, .comments, .boilerplate] where first == meaning || second == meaning {
            return meaning
        }
        return .none
    }
}

/// The names, matched per token of a `class` or `id`, in lowercase: some must be the whole token
/// (`ad`, `nav`, `meta`), some its start or end (`ad-`, `-nav`), others may be anywhere in it
/// (`sidebar` in `right-sidebar`).
enum NamePatterns {
    /// The meaning of one `class` or `id` value: any token that names an article body makes it
    /// one, else any comments token, else any other boilerplate token.
    static func meaning(of value: ArraySlice<UInt8>) -> NameMeaning {
        var meaning = NameMeaning.none
        let lowercase = lowercased(value)
        lowercase.withUnsafeBufferPointer { buffer in
            forEachToken(buffer) { token in
                let found = matcher.matches(in: token)
                if found.contains(.articleBody) {
                    meaning = .articleBody
                    return false
                }
                if found.contains(.comments) && !found.contains(.commentary) {
                    meaning = .comments
                } else if meaning == .none && found.contains(.boilerplate) {
                    meaning = .boilerplate
                }
                return true
            }
        }
        return meaning
    }

    /// Whether the white-space-separated `value` has `token` (lowercase) among its tokens, in any case.
    static func hasToken(_ value: ArraySlice<UInt8>, _ token: String) -> Bool {
        var found = false
        lowercased(value).withUnsafeBufferPointer { buffer in
            forEachToken(buffer) { candidate in
                found = candidate.elementsEqual(token.utf8)
                return !found
            }
        }
        return found
    }

    /// ARIA landmarks and widgets that are never the article.
    static func isBoilerplateRole(_ role: ArraySlice<UInt8>) -> Bool {
        boilerplateRoles.contains(lowercased(role))
    }

    /// Whether an inline style hides the element (`display: none`, `visibility: hidden`).
    static func hidesElement(_ style: ArraySlice<UInt8>) -> Bool {
        let style = lowercased(style).filter { $0 != UInt8(ascii: " ") }
        return style.withUnsafeBufferPointer { !hiddenStyles.matches(in: $0).isEmpty }
    }

    /// Names of an article body anywhere in a token.
    static let articleBodyParts = [
        "article-body", "articlebody", "article__body", "article_body", "article-content", "articlecontent",
        "article__content", "article-text", "articletext", "story-body", "storybody", "story-content",
        "post-content", "postcontent", "post-body", "post_content", "entry-content", "entry_content",
        "body-text", "bodytext", "content-body", "article-main", "main-article",
    ]

    private static let commentParts = ["comment", "disqus", "respond", "replies"]

    private static let wholeTokens = [
        "ad", "ads", "adv", "advert", "advertisement", "nav", "menu", "meta", "byline", "date", "time",
        "tags", "tag", "header", "hidden", "is-hidden", "sr-only", "visually-hidden", "screen-reader-text",
        "print", "widget", "credit", "credits", "caption", "more", "copyright", "author", "dateline",
        "timestamp", "toc", "utility", "utilities", "actions", "tools", "promo", "teaser", "teasers",
        "image", "img", "photo", "picture", "gallery", "slideshow", "video", "audio",
    ]

    private static let parts = [
        "sidebar", "side-bar", "related", "recommend", "popular", "mostread", "most-read",
        "most_read", "trending", "share", "sharing", "social", "newsletter", "subscri", "signup", "sign-up",
        "sponsor", "advert", "adslot", "ad-slot", "adunit", "ad-unit", "ad-container", "ad-wrapper", "dfp-",
        "gpt-ad", "banner", "breadcrumb", "pagination", "cookie", "consent", "gdpr", "popup", "modal",
        "overlay", "footer", "masthead", "navbar", "navigation", "toolbar", "outbrain", "taboola", "byline",
        "author-bio", "authorbio", "author-info", "keywords", "rating", "caption", "read-more", "readmore",
        "also-read", "more-stories", "morestories", "next-article", "prev-article", "previous", "skip-link",
        "noprint", "no-print", "sticky", "login", "rollover", "tooltip", "popover", "hovercard", "signin",
        "paywall", "inline-ad", "native-ad", "promo-", "-promo", "-cta", "cta-", "after-content",
        "content-after", "below-content", "content-below", "article-meta", "post-meta", "entry-meta", "meta-",
        "topics", "tag-list", "taglist",
    ]

    private static let matcher = PatternSet(
        articleBodyParts.map { .init($0, .anywhere, .articleBody) }
            + commentParts.map { .init($0, .anywhere, .comments) } + [.init("commentary", .anywhere, .commentary)]
            + parts.map { .init($0, .anywhere, .boilerplate) } + wholeTokens.map { .init($0, .whole, .boilerplate) }
            + ["ad-", "ads-", "ad_", "nav-", "nav_", "menu-", "tags-"].map { .init($0, .prefix, .boilerplate) }
            + ["-ad", "-ads", "_ad", "-nav", "_nav", "-menu", "-tags", "-date"].map { .init($0, .suffix, .boilerplate) })

    private static let hiddenStyles = PatternSet(["display:none", "visibility:hidden"].map { .init($0, .anywhere, .boilerplate) })

    private static let boilerplateRoles: Set<[UInt8]> = Set([
        "navigation", "banner", "complementary", "contentinfo", "dialog", "alertdialog", "search", "menu",
        "menubar", "toolbar", "tablist", "alert", "status", "timer", "marquee",
    ].map { Array($0.utf8) })

    /// Calls `body` with each white-space-separated token until it returns false.
    private static func forEachToken(_ bytes: UnsafeBufferPointer<UInt8>, _ body: (UnsafeBufferPointer<UInt8>) -> Bool) {
        var start = 0
        while start < bytes.count {
            while start < bytes.count, isSpace(bytes[start]) { start += 1 }
            var end = start
            while end < bytes.count, !isSpace(bytes[end]) { end += 1 }
            if end > start, !body(UnsafeBufferPointer(rebasing: bytes[start..<end])) { return }
            start = end
        }
    }

    static func lowercased(_ bytes: ArraySlice<UInt8>) -> [UInt8] {
        bytes.map { (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains($0) ? $0 | 0x20 : $0 }
    }

    private static func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || (0x09...0x0D).contains(byte) }
}

/// Byte strings looked for in short tokens, all at once: filed by their first byte, so that each
/// position of a token is compared only with the patterns that start with its byte, and stored in
/// one buffer rather than an array of arrays.
struct PatternSet: Sendable {
    struct Kinds: OptionSet, Sendable {
        let rawValue: UInt8
        static let articleBody = Kinds(rawValue: 1)
        static let comments = Kinds(rawValue: 2)
        static let commentary = Kinds(rawValue: 4)
        static let boilerplate = Kinds(rawValue: 8)
    }

    /// Where in a token a pattern must stand.
    enum Place: Sendable { case anywhere, whole, prefix, suffix }

    struct Pattern: Sendable {
        var bytes: [UInt8]
        var place: Place
        var kind: Kinds

        init(_ text: String, _ place: Place, _ kind: Kinds) {
            bytes = Array(text.utf8)
            self.place = place
            self.kind = kind
        }
    }

    private struct Entry: Sendable {
        var start: Int
        var count: Int
        var place: Place
        var kind: Kinds
    }

    private let storage: [UInt8]
    private let entries: [Entry]
    /// The entries whose pattern starts with byte `b` are `entries[firstEntry[b]..<firstEntry[b + 1]]`.
    private let firstEntry: [Int]
    /// One bit for each pair of bytes that starts a pattern: most positions of a token start
    /// none, and are passed over without looking at the entries.
    private let startingPairs: [UInt64]

    init(_ patterns: [Pattern]) {
        var storage: [UInt8] = [], entries: [Entry] = []
        for pattern in patterns.sorted(by: { $0.bytes[0] < $1.bytes[0] }) {
            entries.append(Entry(start: storage.count, count: pattern.bytes.count, place: pattern.place, kind: pattern.kind))
            storage += pattern.bytes
        }
        var firstEntry = [Int](repeating: entries.count, count: 257)
        for (index, entry) in entries.enumerated().reversed() { firstEntry[Int(storage[entry.start])] = index }
        for byte in stride(from: 255, through: 0, by: -1) where firstEntry[byte] == entries.count {
            firstEntry[byte] = firstEntry[byte + 1]
        }
        var startingPairs = [UInt64](repeating: 0, count: 65536 / 64)
        for entry in entries {
            let pair = Self.pair(storage[entry.start], entry.count > 1 ? storage[entry.start + 1] : nil)
            for value in pair { startingPairs[value >> 6] |= 1 << UInt64(value & 63) }
        }
        self.storage = storage
        self.entries = entries
        self.firstEntry = firstEntry
        self.startingPairs = startingPairs
    }

    /// The pair values of a first and second byte; a one-byte pattern starts every pair with its byte.
    private static func pair(_ first: UInt8, _ second: UInt8?) -> [Int] {
        guard let second else { return (0...255).map { Int(first) << 8 | $0 } }
        return [Int(first) << 8 | Int(second)]
    }

    /// The kinds of all patterns found in `token`, each in its place.
    func matches(in token: UnsafeBufferPointer<UInt8>) -> Kinds {
        var found: Kinds = []
        storage.withUnsafeBufferPointer { storage in
            for position in token.indices {
                let byte = Int(token[position])
                let next = position + 1 < token.count ? Int(token[position + 1]) : 0
                let pair = byte << 8 | next
                guard startingPairs[pair >> 6] & (1 << UInt64(pair & 63)) != 0 else { continue }
                for entry in entries[firstEntry[byte]..<firstEntry[byte + 1]] where !found.contains(entry.kind) {
                    guard isPlaced(entry, at: position, in: token.count),
                          equal(storage, entry, token, position) else { continue }
                    found.insert(entry.kind)
                }
            }
        }
        return found
    }

    private func isPlaced(_ entry: Entry, at position: Int, in length: Int) -> Bool {
        guard position + entry.count <= length else { return false }
        switch entry.place {
        case .anywhere: return true
        case .whole: return position == 0 && entry.count == length
        case .prefix: return position == 0
        case .suffix: return position + entry.count == length
        }
    }

    private func equal(_ storage: UnsafeBufferPointer<UInt8>, _ entry: Entry, _ token: UnsafeBufferPointer<UInt8>, _ position: Int) -> Bool {
        var offset = 1
        while offset < entry.count {
            if storage[entry.start + offset] != token[position + offset] { return false }
            offset += 1
        }
        return true
    }
}
