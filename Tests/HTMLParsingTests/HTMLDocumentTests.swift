@testable import HTMLParsing
import Testing

@Suite struct HTMLDocumentTests {
    private func parse(_ html: String, encoding: String? = nil) -> HTMLDocument {
        Array(html.utf8).withUnsafeBytes { HTMLDocument(parsing: $0, encoding: encoding) }
    }

    private func tags(_ document: HTMLDocument) -> [HTMLTag] { document.elements.map(\.tag) }

    @Test func elementsAndTextInDocumentOrder() {
        let document = parse("<p>One <b>two</b> three</p><div>four</div>")
        #expect(tags(document) == [.html, .body, .p, .b, .div])
        #expect(document.runs.indices.map(document.string(of:)) == ["One ", "two", " three", "four"])
        #expect(document.runs.map(\.element) == [2, 3, 2, 4])
        let paragraph = document.elements[2]
        #expect(paragraph.parent == 1 && paragraph.end == 4 && paragraph.firstRun == 0 && paragraph.endRun == 3)
        #expect(document.textContent(of: 1) == "One two threefour")
    }

    @Test func brokenMarkupIsRepairedAsBrowsersOfItsTimeDid() {
        let document = parse("<ul><li>one<li>two</ul><p>unclosed <b>bold <i>both</b> after")
        #expect(tags(document) == [.html, .body, .ul, .li, .li, .p, .b, .i])
        #expect(document.elements[3].parent == 2 && document.elements[4].parent == 2)
        #expect(document.textContent(of: 5) == "unclosed bold both after")
    }

    @Test func attributesAreKeptWithEntitiesDecodedAndOthersDropped() {
        let document = parse(#"<div class="a &amp; b" ID="main" onclick="x()" data-x="y"><a href="/p?a=1&amp;b=2">l</a></div>"#)
        let div = tags(document).firstIndex(of: .div)!, link = tags(document).firstIndex(of: .a)!
        #expect(document.string(.class, of: div) == "a & b")
        #expect(document.string(.id, of: div) == "main")
        #expect(document.string(.href, of: link) == "/p?a=1&b=2")
        #expect(document.string(.href, of: div) == nil)
        #expect(document.has(.class, div) && !document.has(.role, div))
    }

    @Test func entitiesInTextAreDecoded() {
        let document = parse("<p>&lt;tag&gt; &quot;q&quot; caf&eacute; &#1581;&#x644;&#1576; a&nbsp;b</p>")
        #expect(document.textContent(of: 2) == "<tag> \"q\" café حلب a\u{A0}b")
    }

    @Test func unknownElementsAreOther() {
        let document = parse("<article><custom-element>text</custom-element><amp-img/></article>")
        #expect(tags(document) == [.html, .body, .article, .other, .other])
        #expect(HTMLTag(name: Array("blockquote".utf8)) == .blockquote)
        #expect(HTMLTag(name: Array("figcaption".utf8)) == .figcaption)
        #expect(HTMLTag(name: Array("x".utf8)) == .other)
    }

    @Test func everyTagNameRoundTrips() {
        for tag in HTMLTag.allCases where tag != .other {
            #expect(HTMLTag(name: Array(tag.name.utf8)) == tag)
        }
        for attribute in HTMLAttribute.allCases {
            #expect(HTMLAttribute(name: Array(attribute.name.utf8)) == attribute)
        }
    }

    /// libxml2's HTML parser expands only HTML's own entities: a DOCTYPE's internal subset is not
    /// read, so a billion-laughs page is text, not a billion laughs.
    @Test func entityDeclarationsAreNotExpanded() {
        var declarations = #"<!ENTITY lol "lol">"#
        for level in 1...9 {
            let previous = level == 1 ? "&lol;" : "&lol\(level - 1);"
            declarations += "<!ENTITY lol\(level) \"\(String(repeating: previous, count: 10))\">"
        }
        let document = parse("<!DOCTYPE html [\(declarations)]><html><body><p>&lol9;</p></body></html>")
        let text = document.runs.indices.map(document.string(of:)).joined()
        #expect(text.utf8.count < 1_000)
        #expect(!text.contains("lollol"))
    }

    @Test func deepNestingIsCutAtTheMaximumDepthAndKeepsItsText() {
        let depth = 100_000
        let html = String(repeating: "<div>", count: depth) + "deep" + String(repeating: "</div>", count: depth) + "<p>after</p>"
        let document = parse(html)
        #expect(document.elements.count <= HTMLDocument.maximumDepth + 1)
        let text = document.runs.indices.map(document.string(of:))
        #expect(text.contains("deep") && text.contains("after"))
        let after = tags(document).lastIndex(of: .p)!
        #expect(document.elements[after].parent == 1)
    }

    /// libxml2 compares each attribute of a tag with all earlier ones: a page with a tag of 100,000
    /// attributes is not given to it.
    @Test(.timeLimit(.minutes(1)))
    func aTagWithAHugeNumberOfAttributesIsNotParsed() {
        let document = parse("<html><body><p>before</p><div " + (0..<100_000).map { "a\($0)=1" }.joined(separator: " ") + ">x</div></body></html>")
        #expect(document.limitReached == .attributes)
        #expect(document.elements.isEmpty)
        #expect(parse("<div " + (0..<100).map { "a\($0)=1" }.joined(separator: " ") + ">x</div>").limitReached == nil)
    }

    /// Each end tag that closes nothing makes libxml2 look through every open element: deep
    /// nesting and many such tags are cut off once that work passes the limit.
    @Test(.timeLimit(.minutes(1)))
    func endTagsThatCloseNothingInDeepNestingStopTheParse() {
        let count = 100_000
        let document = parse("<html><body><p>before</p>" + String(repeating: "<span>", count: count)
                             + String(repeating: "</x>", count: count) + "<p>after</p></body></html>")
        #expect(document.limitReached == .unmatchedEndTags)
        #expect(document.runs.indices.map(document.string(of:)).contains("before"))
        let shallow = parse("<p>text</p>" + String(repeating: "</x>", count: 10_000))
        #expect(shallow.limitReached == nil)
    }

    @Test func theCallerChoosesTheCharacterSetAndMetaTagsAreIgnored() {
        // “quoted” in Windows-1252, with a meta tag that says otherwise.
        let bytes: [UInt8] = Array(#"<meta charset="utf-8"><p>"#.utf8) + [0x93, 0x71, 0x94] + Array("</p>".utf8)
        let document = bytes.withUnsafeBytes { HTMLDocument(parsing: $0, encoding: "windows-1252") }
        #expect(document.textContent(of: tags(document).firstIndex(of: .p)!) == "“q”")
        #expect(HTMLDocument.canConvert(from: "windows-1252"))
        #expect(!HTMLDocument.canConvert(from: "no-such-charset"))
    }

    @Test func emptyAndTextOnlyInput() {
        #expect(parse("").elements.isEmpty)
        let document = parse("just text")
        #expect(document.runs.indices.map(document.string(of:)) == ["just text"])
    }
}
