import Foundation
@testable import HTMLParsing
@testable import IngestCore
import IngestTestSupport
import Testing

/// The article extraction benchmark: 181 real pages, their bodies written out by hand, scored by
/// the benchmark's own evaluate.py. Published there: trafilatura 2.0 0.958, Readability.js 0.947.
@Suite struct ExtractionBenchmarkTests {
    static let canRun = BenchmarkPages.isPresent && FileManager.default.isExecutableFile(atPath: "/usr/bin/python3")

    @Test(.enabled(if: canRun, "needs ../shared/corpora/article-extraction-benchmark and python3"))
    func bodiesScoreAboveTheBestPublishedExtractors() throws {
        let pages = try BenchmarkPages.all()
        #expect(pages.count == 181)
        var bodies: [String: String] = [:]
        for page in pages {
            switch ArticleParser.parse(page.html, fileName: "\(page.id).html") {
            case .success(let article): bodies[page.id] = article.body
            case .failure: bodies[page.id] = ""
            }
        }
        let scores = try BenchmarkPages.evaluate(bodies)
        print("article extraction benchmark: \(scores)")
        #expect(scores.f1 >= 0.96, "\(scores)")
        #expect(scores.precision >= 0.95 && scores.recall >= 0.95, "\(scores)")
    }

    /// The parser is given each page without script bodies, comments, menus, footers and the
    /// like (see MarkupScan); every article comes out as it does from the whole page.
    @Test(.enabled(if: BenchmarkPages.isPresent, "needs ../shared/corpora/article-extraction-benchmark"))
    func whatIsRemovedBeforeParsingChangesNoArticle() throws {
        var elements = (scanned: 0, whole: 0)
        for page in try BenchmarkPages.all() {
            let scanned = page.html.withUnsafeBytes { HTMLDocument(parsing: $0) }
            let whole = page.html.withUnsafeBytes { HTMLDocument.parsed($0, encoding: nil) }
            elements.scanned += scanned.elements.count
            elements.whole += whole.elements.count
            #expect(try HTMLArticleParser.article(in: scanned).get() == HTMLArticleParser.article(in: whole).get(), "\(page.id)")
        }
        #expect(elements.scanned * 10 < elements.whole * 8, "the scan removed little: \(elements)")
    }

    /// A control: the same scoring gives the whole text of the page a low F1, so the test above
    /// can fail.
    @Test(.enabled(if: canRun, "needs ../shared/corpora/article-extraction-benchmark and python3"))
    func theScoringTellsAWholePageFromItsArticle() throws {
        var bodies: [String: String] = [:]
        for page in try BenchmarkPages.all() {
            bodies[page.id] = String(decoding: page.html, as: UTF8.self)
        }
        #expect(try BenchmarkPages.evaluate(bodies).f1 < 0.5)
    }
}
