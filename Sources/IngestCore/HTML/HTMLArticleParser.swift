import HTMLParsing

/// Reads the article out of a web page: its title, its body (the paragraphs, headings and list
/// items of the article, each on a line of its own, without the page around it) and what the
/// page says of itself (URL, outlet, date, author).
public enum HTMLArticleParser {
    public static func parse(_ bytes: [UInt8]) -> Result<Article, Rejection> {
        HTMLCharset.input(for: bytes).flatMap { input in
            let document = input.bytes.withUnsafeBytes { HTMLDocument(parsing: $0, encoding: input.encoding) }
            return article(in: document)
        }
    }

    static func article(in document: HTMLDocument) -> Result<Article, Rejection> {
        if let limit = document.limitReached { return .failure(.htmlTooCostly(limit)) }
        let metadata = PageMetadata(document: document)
        let names = ElementNames(document: document)
        let stated = statedBody(metadata, in: document)
        guard let (container, blocks) = mainText(of: document, names: names, stated: stated, byName: true)
            ?? mainText(of: document, names: names, stated: stated, byName: false) else {
            return .failure(.noArticleInHTML)
        }
        let title = PageTitle(metadata: metadata, document: document, container: container).title
        let body = bodyText(blocks, title: title)
        guard !body.isEmpty else { return .failure(.noArticleInHTML) }
        return .success(Article(title: title, body: body, metadata: ArticleMetadata(
            source: metadata.source, url: metadata.url,
            author: metadata.author ?? metadata.linkedData.author,
            date: metadata.publishedTime ?? metadata.linkedData.datePublished ?? firstTime(in: document, from: container))))
    }

    /// The article's element and its blocks. Without `byName`, class names and ids are not used
    /// to leave parts out: the second try when they left out everything.
    private static func mainText(of document: HTMLDocument, names: ElementNames, stated: StatedBody?, byName: Bool)
        -> (Int, [TextBlock])?
    {
        var segmenter = PageSegmenter(document: document, regions: PageRegions(document: document, names: byName ? names : nil))
        var blocks = segmenter.blocks()
        if let stated {
            for index in blocks.indices { blocks[index].isStated = stated.holds(blocks[index]) }
        }
        let main = MainContent(document: document, names: names, blocks: blocks)
        guard let container = main.container() else { return nil }
        let article = main.articleBlocks(in: main.continuation(of: container))
        return article.isEmpty ? nil : (container, article)
    }

    /// The article body the page states: JSON-LD's, else the text of an `itemprop="articleBody"`
    /// element the page does not show (a visible one is read as part of the page).
    private static func statedBody(_ metadata: PageMetadata, in document: HTMLDocument) -> StatedBody? {
        if let body = StatedBody(metadata.linkedData.articleBody) { return body }
        guard let element = metadata.microdataArticleBody else { return nil }
        var ancestor = element
        while ancestor >= 0 {
            if PageRegions.isNeverContent(ancestor, in: document) { return StatedBody(document.textContent(of: element)) }
            ancestor = Int(document.elements[ancestor].parent)
        }
        return nil
    }

    /// The blocks one per line, paragraphs apart; a heading that repeats the title is dropped.
    private static func bodyText(_ blocks: [TextBlock], title: String) -> String {
        let canonicalTitle = CanonicalText.canonicalUTF8(title)
        var lines: [String] = []
        for block in blocks {
            if block.tag.isHeading, !canonicalTitle.isEmpty, CanonicalText.canonicalUTF8(block.text) == canonicalTitle { continue }
            lines.append(block.text)
        }
        return lines.joined(separator: "\n\n")
    }

    /// The `datetime` of the first `<time>` in the article, else in the page.
    private static func firstTime(in document: HTMLDocument, from container: Int) -> String? {
        let inArticle = (container..<Int(document.elements[container].end))
        let times = document.elements.indices.filter { document.elements[$0].tag == .time && document.has(.datetime, $0) }
        let time = times.first(where: inArticle.contains) ?? times.first
        return time.flatMap { nonEmpty(document.string(.datetime, of: $0)) }
    }
}

extension Rejection {
    public static let noArticleInHTML = Rejection(
        "No article text found in the HTML page: it has no paragraphs of prose, only links, scripts or short labels.")

    static func htmlTooCostly(_ limit: HTMLDocument.Limit) -> Rejection {
        switch limit {
        case .attributes:
            Rejection("The HTML page has tags with thousands of attributes; reading it would take minutes, so it was not read.")
        case .unmatchedEndTags:
            Rejection("The HTML page has thousands of end tags that close nothing; reading it would take minutes, so it was not read.")
        }
    }
}
