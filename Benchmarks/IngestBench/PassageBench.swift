import Foundation
import IngestCore
import IngestTestSupport

extension IngestBench {
    /// Shared passages on SaudiNewsNet against the exact answer (``PassageQuality``), and the share
    /// of candidate passages the stock-phrase rule removes.
    static func measurePassages(into table: inout [(String, String, String)]) throws {
        guard let articles = try PassageQuality.saudiNewsNetArticles() else {
            progress("shared passages: SaudiNewsNet is not here; skipped")
            return
        }
        let started = Date()
        let quality = PassageQuality.measure(articles: articles)
        progress("shared passages: \(quality) in \(format(Date().timeIntervalSince(started))) s")
        let unfiltered = PassageQuality.reportedPassages(articles, settings: PassageSettings(maximumSources: .max))
        let removed = 1 - Double(quality.reportedPassages) / Double(max(1, unfiltered.passages.reduce(0) { $0 + $1.count }))
        let name = "shared passages, SaudiNewsNet \(quality.articles) distinct articles"
        table.append(("\(name): articles with a true passage", "\(quality.articlesWithTruePassages)", ""))
        table.append(("shared passages: pair recall, ≥ 20 words (\(quality.longPairs) pairs)", format3(quality.longPairRecall), "≥ 0.95"))
        table.append(("shared passages: pair recall, 12–19 words (\(quality.shortPairs) pairs)", format3(quality.shortPairRecall), "≥ 0.90"))
        table.append(("shared passages: pair precision (\(quality.reportedPairs) pairs)", format3(quality.pairPrecision), "≥ 0.95"))
        table.append(("shared passages: word F1 (precision \(format(quality.wordPrecision)), recall \(format(quality.wordRecall)))", format3(quality.wordF1), "≥ 0.90"))
        table.append(("shared passages: listed true passages credited to the earliest source (\(quality.listedTruePassages))", format3(quality.earliestCredit), "≥ 0.95"))
        table.append(("shared passages: all true passages listed and credited to the earliest source (\(quality.truePassages))", format3(quality.earliestCreditOfAll), "report"))
        table.append(("shared passages: index bytes per article", "\(Int(quality.bytesPerArticle))", "≤ 2048"))
        table.append(("shared passages: candidates removed as stock phrases", "\(format(removed * 100)) %", "report"))
    }
}

extension IngestBench {
    /// What shared passages cost the loop per file of the burst, in-process: the passages each file
    /// shares with the ones before it, and its insertion into the index (thread CPU time, best of
    /// three; the files are parsed and shingled beforehand, as the readers do).
    static func passageCost(_ files: [[UInt8]]) -> (microseconds: Double, passages: Int) {
        let settings = PassageSettings()
        let shingles = files.enumerated().compactMap { index, content -> PassageShingles? in
            let analysis = FileAnalysis(file: RelativePath("p\(index).txt"), content: content, sketched: false,
                                        passageWords: settings.minimumWords)
            guard case .article(_, _, _, _, let shingles) = analysis.outcome else { return nil }
            return shingles
        }
        var passages = 0
        let best = (0..<3).map { _ in
            var index = PassageIndex(settings: settings)
            passages = 0
            return threadCPUTime {
                for (seq, article) in shingles.enumerated() {
                    passages += index.add(article, seq: UInt64(seq)).passages.count
                }
            }
        }.min()!
        return (best / Double(max(1, shingles.count)) * 1e6, passages)
    }

    /// What shingling costs the readers per file of the burst, in-process: ``PassageShingles`` from
    /// the words' hashes, which parsing has computed anyway (thread CPU time, best of five).
    static func shingleCost(_ files: [[UInt8]]) -> Double {
        let hashes = files.compactMap { content -> [UInt64]? in
            guard case .success(let article) = ArticleParser.parse(content, fileName: "a.txt") else { return nil }
            return CanonicalText.canonicalForm(joining: [article.title, article.body]).wordHashes
        }
        let minimumWords = PassageSettings().minimumWords
        var keys = 0
        let best = (0..<5).map { _ in
            threadCPUTime {
                for words in hashes { keys &+= PassageShingles(wordHashes: words, minimumWords: minimumWords).keys.count }
            }
        }.min()!
        precondition(keys > 0, "no article was shingled")
        return best / Double(max(1, hashes.count)) * 1e6
    }
}

extension IngestBench {
    /// The core's whole work per file on one thread, without and with shared passages: parse,
    /// canonical text and ids, the record with its indexes, its JSON line; the daemon's reads,
    /// journal writes, moves and threads left out (thread CPU time, the best of three, the two
    /// in turns). What the feature adds here is its cost before the burst's shared costs dilute it.
    static func coreCost(_ files: [[UInt8]]) -> (plain: Double, reuse: Double) {
        let paths = files.indices.map { RelativePath("p\($0).txt") }
        func perFile(_ passages: PassageSettings?) -> Double {
            var ingestor = Ingestor(passages: passages)
            var bytes = 0
            let seconds = threadCPUTime {
                for (path, content) in zip(paths, files) {
                    let analysis = FileAnalysis(file: path, content: content, passageWords: passages?.minimumWords)
                    bytes &+= ingestor.record(for: analysis, time: "2026-01-01T00:00:00.000Z").jsonLine().count
                }
            }
            precondition(bytes > 0, "no record was written")
            return seconds / Double(max(1, files.count)) * 1e6
        }
        var plain = Double.infinity, reuse = Double.infinity
        for _ in 0..<3 {
            plain = min(plain, perFile(nil))
            reuse = min(reuse, perFile(PassageSettings()))
        }
        return (plain, reuse)
    }
}
