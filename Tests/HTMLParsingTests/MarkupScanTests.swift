@testable import HTMLParsing
import Foundation
import IngestTestSupport
import Testing

@Suite struct MarkupScanTests {
    private func stripped(_ html: String) -> String? {
        Array(html.utf8).withUnsafeBytes { MarkupScan($0).stripped }.map { String(decoding: $0, as: UTF8.self) }
    }

    private func attributeWork(_ html: String) -> Int {
        Array(html.utf8).withUnsafeBytes { MarkupScan($0).attributeWork }
    }

    @Test func scriptAndStyleBodiesAreRemoved() {
        #expect(stripped("<p>a</p><script>var x = '<p>not text</p>';</script><style>p{}</style><p>b</p>")
            == "<p>a</p><script></script><style></style><p>b</p>")
        #expect(stripped("<SCRIPT type=text/javascript>x</ScRiPt >") == "<SCRIPT type=text/javascript></ScRiPt >")
    }

    @Test func jsonLDIsKept() {
        let html = #"<script type="application/ld+json">{"headline": "<b>x</b>"}</script>"#
        #expect(stripped(html) == nil)
    }

    @Test func commentsAreRemoved() {
        #expect(stripped("<p>a<!-- note --> b</p><!--[if IE]><p>old</p><![endif]-->") == "<p>a b</p>")
        #expect(stripped("<p>a</p><!-- never closed") == nil)
    }

    @Test func attributeWorkIsTheSquareOfEachTagsAttributes() {
        #expect(attributeWork(#"<p a="1" b='x y' c=z d>t</p><br/><img src=a.png alt="a > b">"#) == 16 + 0 + 4)
        #expect(attributeWork("<div " + (0..<1000).map { "a\($0)=1" }.joined(separator: " ") + ">") == 1_000_000)
    }

    @Test func nothingToRemoveGivesNil() {
        #expect(stripped("<p>plain</p>") == nil)
        #expect(stripped("<script></script>") == nil)
    }

    /// What libxml2 would not read as the start of a script is left alone.
    @Test(arguments: [
        "<!-- <script> --><p>kept</p><script>gone</script>",
        #"<a title="<script>">kept</a><script>gone</script>"#,
        "<a title='<script>'>kept</a><script>gone</script>",
        "<scripts>kept</scripts><script>gone</script>",
        #"<script src="a.js"/><p>kept</p><script>gone</script>"#,
    ])
    func onlyRealScriptsLoseTheirBodies(html: String) throws {
        let result = try #require(stripped(html))
        #expect(result.contains("kept"))
        #expect(!result.contains("gone"))
    }

    @Test func anUnclosedScriptIsLeftToTheParser() {
        #expect(stripped("<p>a</p><script>never closed") == nil)
        #expect(stripped("<p>a</p><script never closed") == nil)
    }

    @Test func anUnquotedValueEndingInASlashDoesNotCloseTheTag() {
        #expect(stripped("<script src=a/>body</script><p>kept</p>") == "<script src=a/></script><p>kept</p>")
    }

    @Test func theContentOfMenusFootersAndGraphicsIsRemoved() {
        #expect(stripped("<nav class=m><ul><li><a href=/>Home</a></li></ul></nav><p>kept</p><FOOTER>© site</FOOTER>")
            == "<nav class=m></nav><p>kept</p><FOOTER></FOOTER>")
        #expect(stripped("<svg viewBox='0 0 1 1'><path d='M0'/><text>icon</text></svg>") == "<svg viewBox='0 0 1 1'></svg>")
        // An unclosed menu is left to the parser, and what follows is still scanned.
        #expect(stripped("<nav><a>x</a><p>text</p><script>gone</script>") == "<nav><a>x</a><p>text</p><script></script>")
    }

    /// Real pages are far from the limit of attribute work. (That the removals change no article
    /// extracted from them is tested with the extraction, in IngestCoreTests.)
    @Test(.enabled(if: BenchmarkPages.isPresent, "needs ../shared/corpora/article-extraction-benchmark"))
    func realPagesAreFarFromTheLimit() throws {
        for page in try BenchmarkPages.all() {
            #expect(page.html.withUnsafeBytes { MarkupScan($0).attributeWork } < HTMLDocument.maximumWork / 100)
        }
    }
}
