import Foundation
@testable import IngestCore
import IngestTestSupport
import Testing

@Suite struct HTMLArticleParserTests {
    private func parse(_ html: String, name: String = "page.html") -> Result<Article, Rejection> {
        ArticleParser.parse(Array(html.utf8), fileName: name)
    }

    private static let prose = [
        "شهدت الساعات الأخيرة شد وجذب على مستوى التحركات الدبلوماسية والميدانية بشأن حلب حيث أعلنت موسكو ايقاف العمليات.",
        "وقال المسؤول إن الاجتماع سيبحث في احتمال فتح ممر لخروج المقاتلين والمدنيين والتوصل إلى وقف لإطلاق النار في المدينة.",
        "وأضاف أن تركيا تواصل جهودها مع الولايات المتحدة وكذلك مع إيران والاتحاد الأوروبي ودول خليجية للعمل على إجلاء المدنيين.",
    ]

    private func page(head: String = "", body: String) -> String {
        "<!DOCTYPE html><html><head><meta charset=\"utf-8\">\(head)</head><body>\(body)</body></html>"
    }

    private var articleParagraphs: String { Self.prose.map { "<p>\($0)</p>" }.joined() }

    // MARK: - The seeds in the layouts of Arabic news sites

    @Test(arguments: ArabicPageLayout.allCases)
    func eachSeedInEachLayoutHasTheSeedsID(layout: ArabicPageLayout) throws {
        for index in Seeds.names.indices {
            let text = try ArticleParser.parse(Seeds.bytes(index), fileName: "seed.txt").get()
            let seed = ArabicPageLayout.seedArticle(index)
            let page = try ArticleParser.parse(layout.page(title: seed.title, lines: seed.lines), fileName: "page.html").get()
            #expect(CanonicalText.canonicalize(page.title) == CanonicalText.canonicalize(text.title), "\(Seeds.names[index]) in \(layout)")
            #expect(CanonicalText.canonicalize(page.body) == CanonicalText.canonicalize(text.body), "\(Seeds.names[index]) in \(layout)")
            #expect(page.id == text.id, "\(Seeds.names[index]) in \(layout)")
        }
    }

    @Test(arguments: ArabicPageLayout.allCases)
    func aPageWithoutAnExtensionIsReadAsAPage(layout: ArabicPageLayout) throws {
        let seed = ArabicPageLayout.seedArticle(4)
        let bytes = layout.page(title: seed.title, lines: seed.lines)
        #expect(try ArticleParser.parse(bytes, fileName: "story").get() == ArticleParser.parse(bytes, fileName: "p.html").get())
    }

    @Test func metadataComesFromThePage() throws {
        let seed = ArabicPageLayout.seedArticle(4)
        let expected: [ArabicPageLayout: ArticleMetadata] = [
            .newsSite: ArticleMetadata(source: "البيان", url: ArabicPageLayout.url, author: ArabicPageLayout.author, date: ArabicPageLayout.published),
            .linkedData: ArticleMetadata(source: "الشرق", url: ArabicPageLayout.url, author: ArabicPageLayout.author, date: ArabicPageLayout.published),
            .blog: ArticleMetadata(source: "مدونة حلب اليوم", url: ArabicPageLayout.url, author: nil, date: ArabicPageLayout.published),
            .legacyTables: ArticleMetadata(source: "صحيفة الوطن"),
            .bare: ArticleMetadata(source: "أخبار اليوم"),
        ]
        for layout in ArabicPageLayout.allCases {
            let article = try ArticleParser.parse(layout.page(title: seed.title, lines: seed.lines), fileName: "p.html").get()
            #expect(article.metadata == expected[layout], "\(layout)")
        }
    }

    // MARK: - What is kept and what is left out

    @Test func theArticleIsKeptAndThePageAroundItLeftOut() throws {
        let html = page(head: "<title>عنوان الخبر | الموقع</title><meta property=\"og:site_name\" content=\"الموقع\">", body: """
            <nav><a href="/">الرئيسية</a> <a href="/a">سياسة</a></nav>
            <div class="content"><h1>عنوان الخبر</h1><div class="share"><a href="#">شارك</a></div>
            \(articleParagraphs)<h3>عنوان فرعي</h3><ul><li>البند الأول من الاتفاق</li><li>البند الثاني</li></ul>
            <div class="related"><h3>اقرأ أيضا</h3><a href="/1">خبر آخر طويل العنوان عن موضوع مختلف تماما</a></div></div>
            <footer>جميع الحقوق محفوظة</footer>
            """)
        let article = try parse(html).get()
        #expect(article.title == "عنوان الخبر")
        #expect(article.body == (Self.prose + ["عنوان فرعي", "البند الأول من الاتفاق", "البند الثاني"]).joined(separator: "\n\n"))
    }

    @Test func lineBreaksInAParagraphAreKept() throws {
        let html = page(body: "<div>\(Self.prose[0])<br>\(Self.prose[1])<br><br>\(Self.prose[2])</div>")
        #expect(try parse(html).get().body == Self.prose.joined(separator: "\n"))
    }

    @Test func hiddenElementsAreLeftOut() throws {
        let html = page(body: """
            <div>\(articleParagraphs)<p hidden>مخفي تماما عن القارئ</p><p style="display: none">نص مخفي آخر لا يظهر</p>
            <p aria-hidden="true">نص ثالث لا يظهر</p><div role="complementary"><p>\(Self.prose[0])</p></div></div>
            """)
        #expect(try parse(html).get().body == Self.prose.joined(separator: "\n\n"))
    }

    @Test func anArticleSplitByAPictureIsOneArticle() throws {
        let html = page(body: """
            <div class="story"><div class="part">\(articleParagraphs)</div><figure><img src="x.jpg"><figcaption>صورة</figcaption></figure>
            <div class="part">\(articleParagraphs)</div></div><div class="more"><a href="/1">خبر</a> <a href="/2">خبر آخر</a></div>
            """)
        #expect(try parse(html).get().body == (Self.prose + Self.prose).joined(separator: "\n\n"))
    }

    @Test func tableCellsAreBlocks() throws {
        let html = page(body: "<div>\(articleParagraphs)<table><tr><td>حلب</td><td>12</td></tr><tr><th>إدلب</th><td>7</td></tr></table></div>")
        #expect(try parse(html).get().body.hasSuffix("\n\nحلب\n\n12\n\nإدلب\n\n7"))
    }

    /// News items whose text is mostly links read like a menu, unless the page states them as its
    /// article body: in JSON-LD, or in hidden microdata.
    @Test func theBodyThePageStatesVouchesForBlocksFullOfLinks() throws {
        let items = [
            "The attorney general is investigating the company amid layoffs, according to two people familiar with it.",
            "The chief executive is stepping down in May and will hand over the reins to the chief operating officer.",
            "A new game is finally coming out after twelve years of waiting, but the catch is that it needs a headset.",
        ]
        let list = "<ul>" + items.map { "<li><a href=\"/a\">\($0.dropLast(30))</a>\($0.suffix(30))</li>" }.joined() + "</ul>"
        let intro = "<p>Good morning! This is the news you need to know this Tuesday, in a few lines each.</p>"
        let stated = (["Good morning! This is the news you need to know this Tuesday, in a few lines each."] + items).joined(separator: "\n")
        let json = String(decoding: try JSONSerialization.data(withJSONObject: ["@type": "NewsArticle", "articleBody": stated]), as: UTF8.self)
        let expected = ([intro.dropFirst(3).dropLast(4)] + items.map { $0[...] }).joined(separator: "\n\n")

        let plain = try parse(page(body: "<div>\(intro)\(list)</div>")).get()
        #expect(plain.body == String(intro.dropFirst(3).dropLast(4)))
        let withLinkedData = try parse(page(head: "<script type=\"application/ld+json\">\(json)</script>", body: "<div>\(intro)\(list)</div>")).get()
        #expect(withLinkedData.body == expected)
        let hidden = "<div style=\"display:none\"><div itemprop=\"articleBody\">\(stated)</div></div>"
        #expect(try parse(page(body: "<div>\(intro)\(list)</div>\(hidden)")).get().body == expected)
    }

    // MARK: - Titles

    @Test func titleComesFromOpenGraphThenHeadingThenTitleElement() throws {
        let body = "<h1>عنوان الصفحة</h1>\(articleParagraphs)"
        #expect(try parse(page(head: "<meta property=\"og:title\" content=\"عنوان أوبن جراف\">", body: body)).get().title == "عنوان أوبن جراف")
        let head = "<title>روسيا تعلن وقف العمليات العسكرية في حلب - الموقع</title>"
        #expect(try parse(page(head: head, body: body)).get().title == "عنوان الصفحة")
        #expect(try parse(page(head: head, body: articleParagraphs)).get().title == "روسيا تعلن وقف العمليات العسكرية في حلب")
    }

    @Test(arguments: [
        ("Headline of the story | البيان", "البيان", "Headline of the story"),
        ("البيان | Headline of the story", "البيان", "Headline of the story"),
        ("Headline - with - dashes - Site", "Site", "Headline - with - dashes"),
        ("البيان", "البيان", ""),
        ("A long headline about something - Site Name", nil, "A long headline about something"),
        ("Short - Title", nil, "Short - Title"),
        ("No separator at all", nil, "No separator at all"),
    ] as [(String, String?, String)])
    func siteNamesAreTakenOffTitles(title: String, site: String?, expected: String) {
        #expect(PageTitle.withoutSiteName(title, siteName: site) == expected)
    }

    // MARK: - Which files are pages

    @Test(arguments: [
        ("page.html", "text", true), ("PAGE.HTM", "text", true), ("a.xhtml", "text", true),
        ("story", "<!DOCTYPE html><html>", true), ("story", "  \n<HTML lang=ar>", true), ("story", "<head><title>", true),
        ("story", "<body>", true), ("story", "\u{FEFF}<!doctype html>", true),
        ("story", "<?xml version=\"1.0\"?>\n<!-- saved --><html>", true),
        ("story", "<header>not a document</header>", false), ("story", "<p>a fragment</p>", false),
        ("notes.txt", "just text <html>", false), ("story.json", "{\"title\": \"<html>\"}", false),
    ] as [(String, String, Bool)])
    func pagesAreKnownByNameOrByTheirFirstBytes(name: String, start: String, isHTML: Bool) {
        #expect(HTMLDetection.isHTML(fileName: name, bytes: Array(start.utf8)) == isHTML)
    }

    @Test func utf16PagesWithAByteOrderMarkAreKnown() throws {
        let html = page(body: articleParagraphs)
        let utf16: [UInt8] = [0xFF, 0xFE] + html.utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }
        #expect(HTMLDetection.isHTML(fileName: "story", bytes: utf16))
        #expect(try ArticleParser.parse(utf16, fileName: "story").get().body == Self.prose.joined(separator: "\n\n"))
    }

    // MARK: - Character sets

    @Test func windows1256IsReadWhenDeclaredOrWhenTheBytesAreNotUTF8() throws {
        let body = "<html><body>\(articleParagraphs)</body></html>"
        let encoded = try Iconv.convert(Array(body.utf8), from: "UTF-8", to: "WINDOWS-1256")
        let declared = Array("<meta http-equiv=\"Content-Type\" content=\"text/html; charset=windows-1256\">".utf8) + encoded
        for bytes in [encoded, declared] {
            #expect(try ArticleParser.parse(bytes, fileName: "p.html").get().body == Self.prose.joined(separator: "\n\n"))
        }
    }

    @Test func otherDeclaredCharacterSetsAreConverted() throws {
        let text = "Café crème, naïve déjà vu: a paragraph long enough to be the article of this small page here."
        let latin1 = try Iconv.convert(Array("<html><head><meta charset=\"iso-8859-1\"></head><body><p>\(text)</p></body></html>".utf8),
                                       from: "UTF-8", to: "ISO-8859-1")
        #expect(try ArticleParser.parse(latin1, fileName: "p.html").get().body == text)
    }

    @Test func invalidUTF8InAPageDeclaredUTF8BecomesReplacementCharacters() throws {
        let bytes = Array("<html><head><meta charset=\"utf-8\"></head><body><p>\(Self.prose[0])".utf8) + [0xFF]
            + Array(" \(Self.prose[1])</p></body></html>".utf8)
        let body = try ArticleParser.parse(bytes, fileName: "p.html").get().body
        #expect(body == "\(Self.prose[0])\u{FFFD} \(Self.prose[1])")
    }

    @Test(arguments: [
        ("<meta charset=\"windows-1256\">", HTMLCharset.Declared.windows1256),
        ("<META HTTP-EQUIV='Content-Type' CONTENT='text/html;charset=UTF-8'>", .utf8),
        ("<meta charset=latin1>", .other("windows-1252")),
        ("<meta charset=\"utf-16\">", .utf8),
        ("<meta name=\"x\" content=\"y\"><meta charset=\"ISO-8859-6\">", .other("iso-8859-6")),
    ] as [(String, HTMLCharset.Declared)])
    func declaredCharacterSets(meta: String, declared: HTMLCharset.Declared) {
        #expect(HTMLCharset.declaredLabel(in: Array("<html><head>\(meta)".utf8)).flatMap(HTMLCharset.Declared.init(label:)) == declared)
    }

    // MARK: - Pages that are not articles

    @Test(arguments: [
        // A home page: lists of links.
        "<html><body><ul>" + (1...30).map { "<li><a href=\"/n/\($0)\">عنوان الخبر رقم \($0) في الصفحة الرئيسية للموقع</a></li>" }.joined() + "</ul></body></html>",
        // An application shell: scripts and an empty root.
        "<!doctype html><html><head><script src=\"/app.js\"></script></head><body><div id=\"root\"></div><script>render()</script></body></html>",
        // Nothing but labels.
        "<html><body><div>القائمة</div><div>بحث</div><button>دخول</button></body></html>",
        "<html></html>",
    ])
    func aPageWithNoArticleIsRejected(html: String) {
        #expect(parse(html) == .failure(.noArticleInHTML))
        #expect(Rejection.noArticleInHTML.reason.hasPrefix("No article text found in the HTML page"))
    }

    @Test func binaryDataNamedHTMLIsRejectedAsBinary() {
        var bytes = Array("<html><body>".utf8)
        bytes += (0..<4096).map { UInt8(truncatingIfNeeded: $0 &* 2_654_435_761 >> 7) }
        #expect(ArticleParser.parse(bytes, fileName: "x.html") == .failure(.binary) || ArticleParser.parse(bytes, fileName: "x.html") == .failure(.controlCharacters))
        #expect(ArticleParser.parse([0x89, 0x50, 0x4E, 0x47, 0, 0, 1], fileName: "photo.html") == .failure(.binary))
    }
}
