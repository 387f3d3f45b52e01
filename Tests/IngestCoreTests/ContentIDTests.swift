import IngestCore
import IngestTestSupport
import Testing

@Suite struct ContentIDTests {
    @Test func isSHA256OfCanonicalText() {
        // echo -n "hello world" | sha256sum
        #expect(ContentID(title: "Hello,", body: "WORLD!").hex
            == "b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9")
    }

    @Test func theIdentityInOnePassAgreesWithEachPartComputedOnItsOwn() throws {
        for index in Seeds.names.indices {
            let article = try ArticleParser.parse(Seeds.bytes(index), fileName: "a.txt").get()
            let identity = article.identity(sketched: true)
            let canonical = CanonicalText.canonicalUTF8(article.title + " " + article.body)
            #expect(identity.id == ContentID(digestOf: canonical))
            #expect(identity.id == ContentID(title: article.title, body: article.body))
            #expect(identity.words == CanonicalText.canonicalUTF8(article.body).split(separator: UInt8(ascii: " ")).count)
            #expect(identity.sketch == MinHashSketch(canonicalText: canonical))
            #expect(article.identity(sketched: false).sketch == nil)
        }
    }

    @Test func splitBetweenTitleAndBodyDoesNotMatter() {
        #expect(ContentID(title: "روسيا تعلن", body: "وقف العمليات") == ContentID(title: "", body: "روسيا تعلن\nوقف العمليات"))
    }

    @Test func hexRoundTrips() {
        let id = ContentID(title: "a", body: "b")
        #expect(ContentID(hex: id.hex) == id)
        #expect(id.hex.count == 64)
        #expect(ContentID(hex: "xyz") == nil)
        #expect(ContentID(hex: String(repeating: "g", count: 64)) == nil)
    }

    @Test(arguments: SeedVariant.all)
    func spellingAndEncodingVariantsKeepTheID(variant: SeedVariant) throws {
        for index in Seeds.names.indices {
            let original = try ArticleParser.parse(Seeds.bytes(index), fileName: "a.txt").get()
            let changed = try ArticleParser.parse(variant.make(Seeds.text(index)), fileName: "a.txt").get()
            #expect(changed.id == original.id, "seed \(index), \(variant)")
        }
    }

    @Test(arguments: SeedVariant.changedStories)
    func changedStoriesGetANewID(variant: SeedVariant) throws {
        for index in Seeds.names.indices {
            let original = try ArticleParser.parse(Seeds.bytes(index), fileName: "a.txt").get()
            let changed = try ArticleParser.parse(variant.make(Seeds.text(index)), fileName: "a.txt").get()
            #expect(changed.id != original.id, "seed \(index), \(variant)")
        }
    }

    @Test func seedsAreFiveDistinctArticles() throws {
        #expect(Seeds.names.count == 5)
        let ids = try Seeds.names.indices.map { try ArticleParser.parse(Seeds.bytes($0), fileName: "a.txt").get().id }
        #expect(Set(ids).count == 5)
    }
}
