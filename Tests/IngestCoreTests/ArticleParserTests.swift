@testable import IngestCore
import IngestTestSupport
import Testing

@Suite struct ArticleParserTests {
    private func parse(_ text: String, name: String = "a.txt") -> Result<Article, Rejection> {
        ArticleParser.parse(Array(text.utf8), fileName: name)
    }

    @Test func headingBecomesTitle() throws {
        let article = try parse("روسيا تعلن وقف العمليات\n\nالنص الأول.\n\n\n\nالنص الثاني.\n").get()
        #expect(article.title == "روسيا تعلن وقف العمليات")
        #expect(article.body == "النص الأول.\n\nالنص الثاني.")
    }

    @Test(arguments: [
        "هذه جملة كاملة تنتهي بنقطة.",                     // ends like a sentence
        String(repeating: "كلمة ", count: 40),             // too long to be a heading
        "عنوان فقط",                                       // nothing after it
    ])
    func noTitleWhenFirstLineIsNotAHeading(firstLine: String) throws {
        let article = try parse(firstLine + "\nthe rest").get()
        if firstLine == "عنوان فقط" {
            #expect(try parse(firstLine).get() == Article(title: "", body: "عنوان فقط"))
        } else {
            #expect(article.title == "")
            #expect(article.body.hasPrefix(firstLine.trimmingCharacters(in: .whitespaces)))
        }
    }

    /// The limits are 150 Characters and 25 words, whatever the scalars: a fully vowelled line
    /// has far more scalars than Characters.
    @Test(arguments: [
        (String(repeating: "ب", count: 150), true),
        (String(repeating: "ب", count: 151), false),
        (String(repeating: "بَ", count: 150), true),                        // 300 scalars, 150 Characters
        (String(repeating: "بَ", count: 151), false),
        (Array(repeating: "كلمة", count: 25).joined(separator: " "), true),
        (Array(repeating: "كلمة", count: 26).joined(separator: " "), false),
        (Array(repeating: "كَلِمَةٌ", count: 25).joined(separator: "  "), true),  // 25 words, 250 scalars
        ("عنوان ينتهي بفاصلة،", false),
        ("   ", false),
    ])
    func headingLimits(line: String, isHeading: Bool) {
        #expect(ArticleParser.isHeading(Substring(line)) == isHeading)
    }

    @Test func whiteSpaceShortcutAgreesWithTheProperty() {
        let disagreeing = (UInt32(0)...0x10FFFF).compactMap(Unicode.Scalar.init)
            .filter { $0.isWhiteSpace != $0.properties.isWhitespace }
        #expect(disagreeing.isEmpty, "\(disagreeing.map { String($0.value, radix: 16) })")
    }

    @Test func seedTitles() throws {
        let titles = try Seeds.names.indices.map { try ArticleParser.parse(Seeds.bytes($0), fileName: "a.txt").get().title }
        #expect(titles == ["", "", "مؤشرات على فشل اجتماع أنقرة بين الروس وفصائل حلب", "",
                           "روسيا تعلن وقف العمليات العسكرية في حلب"])
    }

    @Test func boilerplateLinesAreDropped() throws {
        let seed2 = try ArticleParser.parse(Seeds.bytes(2), fileName: "a.txt").get()
        #expect(!seed2.body.contains("عذراً التعليقات مغلقة"))
        let seed3 = try ArticleParser.parse(Seeds.bytes(3), fileName: "a.txt").get()
        #expect(!seed3.body.contains("مشاركة :"))
        let seed4 = try ArticleParser.parse(Seeds.bytes(4), fileName: "a.txt").get()
        #expect(!seed4.body.contains("الحجم الطبيعي"))
        #expect(!seed4.body.hasSuffix("Email"))
    }

    @Test func boilerplateIsRecognisedOnNormalisedText() {
        #expect(Boilerplate.isBoilerplate("عُذْراً التعليقاتُ مغلقةٌ"))
        #expect(Boilerplate.isBoilerplate("  EMAIL "))
        #expect(Boilerplate.isBoilerplate("مشاركة:"))
        #expect(Boilerplate.isBoilerplate("ت+ ت- الحجم الطبيعى"))
        #expect(!Boilerplate.isBoilerplate("عذراً التعليقات مغلقة بسبب الحرب"))
    }

    @Test func boilerplateDoesNotChangeTheID() throws {
        let plain = try parse("عنوان الخبر\nنص الخبر هنا").get()
        let decorated = try parse("عنوان الخبر\nت + ت - الحجم الطبيعي\nنص الخبر هنا\nمشاركة :\nEmail").get()
        #expect(plain.id == decorated.id)
    }

    @Test func rejections() {
        #expect(ArticleParser.parse([], fileName: "a.txt") == .failure(.empty))
        #expect(parse(" \n\t\r\n ") == .failure(.whiteSpaceOnly))
        #expect(parse("Email\nمشاركة :\n") == .failure(.boilerplateOnly))
    }

    @Test func jsonArticle() throws {
        let json = #"{"title":"عنوان","content":"سطر\r\nمشاركة :\r\nسطر آخر","source":"spa","url":"http://x/1","author":"أ. ب","date":"2015-07-21","extra":1}"#
        let article = try parse(json, name: "story.JSON").get()
        #expect(article.title == "عنوان")
        #expect(article.body == "سطر\nسطر آخر")
        #expect(article.metadata == ArticleMetadata(source: "spa", url: "http://x/1", author: "أ. ب", date: "2015-07-21"))
    }

    @Test func jsonBodyFieldAlternatives() throws {
        #expect(try parse(#"{"body":"نص"}"#, name: "a.json").get().body == "نص")
        #expect(try parse(#"{"text":"نص"}"#, name: "a.json").get().body == "نص")
    }

    @Test func jsonRejections() {
        #expect(parse("[1,2]", name: "a.json") == .failure(.jsonNotAnObject))
        #expect(parse(#""just a string""#, name: "a.json") == .failure(.jsonNotAnObject))
        #expect(parse(#"{"title":"","content":42}"#, name: "a.json") == .failure(.jsonWithoutText))
        guard case .failure(let rejection) = parse("{\"title\": ", name: "a.json") else {
            Issue.record("truncated JSON was accepted")
            return
        }
        #expect(rejection.reason.hasPrefix("The .json file is not valid JSON"))
    }

    @Test func sameTextAsJSONAndTextHasTheSameID() throws {
        let text = try parse("عنوان الخبر\nنص الخبر").get()
        let json = try parse(#"{"title":"عنوان الخبر","content":"نص الخبر"}"#, name: "a.json").get()
        #expect(text.id == json.id)
    }

    @Test func wordCount() throws {
        #expect(try parse("عنوان\nواحد، اثنان - ثلاثة 4").get().wordCount == 4)
    }
}

import Foundation
