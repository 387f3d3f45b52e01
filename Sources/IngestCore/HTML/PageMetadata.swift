import Foundation
import HTMLParsing

/// What a page says about itself: Open Graph and `<meta>` tags, the canonical link, `<title>`,
/// and the first JSON-LD article object.
struct PageMetadata {
    var openGraphTitle: String?
    var documentTitle: String?
    var siteName: String?
    /// `<meta name="application-name">`: what older pages call themselves, when og:site_name is missing.
    var applicationName: String?
    var canonicalURL: String?
    var openGraphURL: String?
    var publishedTime: String?
    var author: String?
    var linkedData = LinkedDataArticle()
    /// The first `itemprop="articleBody"` element: schema.org microdata, which some pages keep
    /// hidden beside the article they show.
    var microdataArticleBody: Int?

    init(document: HTMLDocument) {
        for element in document.elements.indices {
            switch document.elements[element].tag {
            case .meta: read(meta: element, in: document)
            case .link:
                if let rel = document.attribute(.rel, of: element), NamePatterns.hasToken(rel, "canonical") {
                    canonicalURL = canonicalURL ?? nonEmpty(document.string(.href, of: element))
                }
            case .title where documentTitle == nil:
                documentTitle = nonEmpty(collapsingWhiteSpace(document.textContent(of: element)))
            case .script where linkedData.isEmpty:
                if let type = document.string(.type, of: element), type.lowercased().contains("ld+json") {
                    linkedData = LinkedDataArticle(json: document.textContent(of: element))
                }
            default: break
            }
            if microdataArticleBody == nil, let itemprop = document.attribute(.itemprop, of: element),
               NamePatterns.hasToken(itemprop, "articlebody") {
                microdataArticleBody = element
            }
        }
    }

    private mutating func read(meta element: Int, in document: HTMLDocument) {
        guard let content = nonEmpty(document.string(.content, of: element)) else { return }
        let key = (document.string(.property, of: element) ?? document.string(.name, of: element)
            ?? document.string(.itemprop, of: element))?.lowercased()
        switch key {
        case "og:title": openGraphTitle = openGraphTitle ?? collapsingWhiteSpace(content)
        case "og:site_name": siteName = siteName ?? collapsingWhiteSpace(content)
        case "application-name": applicationName = applicationName ?? collapsingWhiteSpace(content)
        case "og:url": openGraphURL = openGraphURL ?? content
        case "article:published_time", "datepublished", "og:article:published_time", "pubdate", "publishdate":
            publishedTime = publishedTime ?? content
        case "author", "article:author", "byl", "dc.creator", "sailthru.author", "parsely-author":
            if !content.hasPrefix("http"), author == nil {
                author = collapsingWhiteSpace(content)
            }
        default: break
        }
    }

    /// The page's URL: the canonical link, else og:url, else JSON-LD's.
    var url: String? { canonicalURL ?? openGraphURL ?? linkedData.url }

    /// The outlet's name as the page gives it: og:site_name, else JSON-LD's publisher, else
    /// `application-name`.
    var outletName: String? { siteName ?? linkedData.publisher ?? applicationName }

    /// The outlet: its name, else the URL's host.
    var source: String? {
        outletName ?? url.flatMap { URLComponents(string: $0)?.host }.map {
            $0.hasPrefix("www.") ? String($0.dropFirst(4)) : $0
        }
    }
}

/// The fields ingestd reads from the first JSON-LD object that is an article (`NewsArticle`,
/// `Article`, `BlogPosting`, `ReportageNews`, …), also inside an array or an `@graph`.
struct LinkedDataArticle {
    var headline: String?
    var articleBody: String?
    var datePublished: String?
    var author: String?
    var publisher: String?
    var url: String?

    var isEmpty: Bool { headline == nil && articleBody == nil && datePublished == nil && author == nil }

    init() {}

    init(json: String) {
        guard let data = json.data(using: .utf8),
              let value = try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]),
              let article = Self.firstArticle(in: value) else { return }
        headline = nonEmpty(article["headline"] as? String).map(collapsingWhiteSpace)
        articleBody = nonEmpty(article["articleBody"] as? String)
        datePublished = nonEmpty(article["datePublished"] as? String)
        author = Self.names(article["author"])
        publisher = Self.names((article["publisher"] as? [String: Any])?["name"] ?? article["publisher"])
        url = nonEmpty(article["url"] as? String)
            ?? nonEmpty((article["mainEntityOfPage"] as? [String: Any])?["@id"] as? String)
    }

    private static func firstArticle(in value: Any) -> [String: Any]? {
        if let array = value as? [Any] { return array.lazy.compactMap(firstArticle).first }
        guard let object = value as? [String: Any] else { return nil }
        if isArticle(object["@type"]) { return object }
        if let graph = object["@graph"] { return firstArticle(in: graph) }
        return nil
    }

    private static func isArticle(_ type: Any?) -> Bool {
        if let types = type as? [Any] { return types.contains { isArticle($0) } }
        guard let type = type as? String else { return false }
        return type.hasSuffix("Article") || ["BlogPosting", "ReportageNews", "LiveBlogPosting", "Report"].contains(type)
    }

    /// A name, a `{"name": …}` object, or a list of either, as one string.
    private static func names(_ value: Any?) -> String? {
        if let string = value as? String { return nonEmpty(collapsingWhiteSpace(string)) }
        if let object = value as? [String: Any] { return names(object["name"]) }
        if let array = value as? [Any] {
            let all = array.compactMap(names)
            return all.isEmpty ? nil : all.joined(separator: ", ")
        }
        return nil
    }
}

func nonEmpty(_ string: String?) -> String? {
    guard let string, !string.allSatisfy(\.isWhitespace) else { return nil }
    return string
}

/// Runs of white space (no-break spaces too) as one space, none at either end.
func collapsingWhiteSpace(_ string: String) -> String {
    var builder = TextBlockBuilder()
    builder.append(Array(string.utf8)[...], inLink: false)
    return String(decoding: builder.bytes, as: UTF8.self)
}
