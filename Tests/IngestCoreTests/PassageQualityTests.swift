import IngestCore
import IngestTestSupport
import Testing

/// Quality of shared-passage detection on 8,409 real articles from 15 outlets, against the exact
/// shared runs of their canonical words (``PassageTruth``). Skipped when the corpus is not on
/// this machine.
@Suite struct PassageQualityTests {
    @Test(.enabled(if: SaudiNewsNet.isPresent, "needs ../shared/corpora/saudinewsnet"))
    func targetsOnSaudiNewsNet() throws {
        let articles = try #require(try PassageQuality.saudiNewsNetArticles())
        let quality = PassageQuality.measure(articles: articles)
        print("shared passages on SaudiNewsNet: \(quality)")
        print("recall ≥20 \(quality.longPairRecall) 12–19 \(quality.shortPairRecall) precision \(quality.pairPrecision) word F1 \(quality.wordF1) (P \(quality.wordPrecision) R \(quality.wordRecall)) earliest \(quality.earliestCredit) bytes/article \(quality.bytesPerArticle)")
        #expect(quality.longPairs > 100 && quality.shortPairs > 100)
        #expect(quality.longPairRecall >= 0.95)
        #expect(quality.shortPairRecall >= 0.90)
        #expect(quality.pairPrecision >= 0.95)
        #expect(quality.wordF1 >= 0.90)
        #expect(quality.earliestCredit >= 0.95)
        #expect(quality.bytesPerArticle <= 2048)
    }
}
