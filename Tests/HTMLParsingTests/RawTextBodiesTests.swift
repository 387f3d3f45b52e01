@testable import HTMLParsing
import Foundation
import IngestTestSupport
import Testing

@Suite struct RawTextBodiesTests {
    private func stripped(_ html: String) -> String? {
        Array(html.utf8).withUnsafeBytes { RawTextBodies.stripped($0) }.map { String(decoding: $0, as: UTF8.self) }
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

    /// The parse of a page with script and style bodies removed is the parse of the page, less
    /// their text: the same elements with the same parents and attributes, the same other text.
    @Test(.enabled(if: BenchmarkPages.isPresent, "needs ../shared/corpora/article-extraction-benchmark"))
    func removingBodiesChangesNothingElseOnRealPages() throws {
        for page in try BenchmarkPages.all() {
            let fast = page.html.withUnsafeBytes { HTMLDocument(parsing: $0) }
            let full = page.html.withUnsafeBytes { HTMLDocument.parsed($0, encoding: nil) }
            #expect(fast.elements.map(\.tag) == full.elements.map(\.tag), "\(page.id)")
            #expect(fast.elements.map(\.parent) == full.elements.map(\.parent), "\(page.id)")
            #expect(outsideRawText(fast) == outsideRawText(full), "\(page.id)")
            #expect(fast.elements.indices.map { fast.string(.class, of: $0) } == full.elements.indices.map { full.string(.class, of: $0) })
        }
    }

    private func outsideRawText(_ document: HTMLDocument) -> [String] {
        document.runs.indices.compactMap { run in
            let element = Int(document.runs[run].element)
            let tag = element >= 0 ? document.elements[element].tag : .other
            if tag == .style { return nil }
            if tag == .script, document.string(.type, of: element)?.contains("ld+json") != true { return nil }
            return document.string(of: run)
        }
    }
}
