import IngestCore
import IngestTestSupport
import Testing

/// Quality of near-duplicate detection on 8,409 real articles from 15 outlets, against the exact
/// Jaccard similarity of their shingles. Skipped when the corpus is not on this machine.
@Suite struct NearDuplicateQualityTests {
    @Test(.enabled(if: SaudiNewsNet.isPresent, "needs ../shared/corpora/saudinewsnet"))
    func recallAndPrecisionOnSaudiNewsNet() throws {
        let files = try #require(try SaudiNewsNet.jsonFiles())
        let texts = files.enumerated().compactMap { index, bytes -> [UInt8]? in
            guard case .success(let article) = ArticleParser.parse(bytes, fileName: "a\(index).json") else { return nil }
            return article.canonicalText
        }
        let quality = NearDuplicateQuality.measure(canonicalTexts: texts)
        print("near-duplicates on SaudiNewsNet: \(quality)")
        #expect(quality.truePairs > 0)
        #expect(quality.recall >= 0.90)
        #expect(quality.precision >= 0.95)
    }
}
