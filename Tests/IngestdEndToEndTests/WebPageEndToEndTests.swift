import Foundation
import IngestCore
import IngestTestSupport
import Testing

extension EndToEnd {
    @Suite struct WebPageEndToEndTests {
        /// A page is an article with the page's metadata; the same story in other layouts, in a
        /// page saved without an extension and as plain text is its duplicate.
        @Test func theSameStoryAsPagesAndAsTextIsOneArticle() async throws {
            let harness = try DaemonHarness()
            try await harness.start()
            let seed = ArabicPageLayout.seedArticle(4)
            try harness.dropByRename(ArabicPageLayout.newsSite.page(title: seed.title, lines: seed.lines), as: "story.html")
            _ = try await harness.records(through: "story.html")
            try harness.dropByRename(ArabicPageLayout.blog.page(title: seed.title, lines: seed.lines), as: "blog.htm")
            try harness.dropByRename(ArabicPageLayout.legacyTables.page(title: seed.title, lines: seed.lines), as: "curl-output")
            try harness.dropByRename(Seeds.bytes(4), as: "story.txt")
            let records = try await harness.records(through: "story.txt")
            #expect(records.map { $0.string("event") } == ["article", "duplicate", "duplicate", "duplicate"])
            #expect(records.dropFirst().allSatisfy { $0.int("duplicate_of") == 1 })
            let article = try #require(records.first)
            #expect(article.string("title") == seed.title)
            #expect(article.string("url") == ArabicPageLayout.url)
            #expect(article.string("source") == "البيان")
            #expect(article.string("date") == ArabicPageLayout.published)
            #expect(article.string("author") == ArabicPageLayout.author)
            #expect(article.string("body")?.contains("الأكثر قراءة") == false)
            #expect(harness.journalProblem() == nil)
            #expect(await harness.stop() == 0)
        }

        @Test func parsePrintsTheRecordsWithoutJournaling() throws {
            let directory = TemporaryDirectory("ingestd-parse")
            let seed = ArabicPageLayout.seedArticle(2)
            let page = try directory.write("page.html", ArabicPageLayout.linkedData.page(title: seed.title, lines: seed.lines))
            let text = try directory.write("story.txt", Seeds.bytes(2))
            let (status, output) = try runIngestd(["parse", page, text])
            #expect(status == 0, "\(output)")
            let records = output.split(separator: "\n").compactMap {
                try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? JournalLines.Record
            }
            #expect(records.map { $0.string("event") } == ["article", "duplicate"])
            #expect(records.first?.string("file") == page)
            #expect(records.first?.string("title") == seed.title)
            #expect(records.first?.string("source") == "الشرق")
            #expect(records.first?.string("id") == records.last?.string("id"))

            let home = try directory.write("home.html", Array("<html><body><a href=/a>أ</a> <a href=/b>ب</a></body></html>".utf8))
            let (failed, rejected) = try runIngestd(["parse", home])
            #expect(failed == 1)
            #expect(rejected.contains(Rejection.noArticleInHTML.reason))
            let (missing, message) = try runIngestd(["parse", directory.file("absent.html")])
            #expect(missing == 1)
            #expect(message.contains("absent.html: no such file."))
        }
    }
}
