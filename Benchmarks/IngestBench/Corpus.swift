import Foundation
import IngestCore
import IngestTestSupport

/// The articles a benchmark drops: from a directory of .txt/.json files, from the SaudiNewsNet
/// zips when present, or made deterministically from the seeds.
struct Corpus {
    /// Each article as the bytes of a .txt file: the title, a newline, the text.
    var articles: [[UInt8]]
    var origin: String

    static let sizeRange = 2_048...6_144

    static func load(directory: String?, repositoryRoot: String) throws -> Corpus {
        if let directory { return try fromDirectory(directory) }
        let zips = repositoryRoot + "/../shared/corpora/saudinewsnet"
        if FileManager.default.fileExists(atPath: zips) { return try fromSaudiNewsNet(zips) }
        return try fromSeeds(repositoryRoot + "/seeds")
    }

    /// `count` files: the articles in turn, each repeat marked with an edition line so that every
    /// file is a distinct article.
    func files(_ count: Int) -> [[UInt8]] {
        (0..<count).map { index in
            let article = articles[index % articles.count]
            let edition = index / articles.count
            return edition == 0 ? article : article + Array("\n\nالطبعة \(edition)".utf8)
        }
    }

    var medianBytes: Int { articles.map(\.count).sorted()[articles.count / 2] }

    private static func fromDirectory(_ path: String) throws -> Corpus {
        let names = try FileManager.default.contentsOfDirectory(atPath: path).sorted()
            .filter { $0.hasSuffix(".txt") || $0.hasSuffix(".json") }
        let articles = names.compactMap { FileManager.default.contents(atPath: path + "/" + $0).map(Array.init) }
        return Corpus(articles: articles, origin: "\(articles.count) files from \(path)")
    }

    private static func fromSaudiNewsNet(_ path: String) throws -> Corpus {
        let articles = (try SaudiNewsNet.articles(in: path) ?? [])
            .map { Array("\($0.title)\n\($0.content)".utf8) }
            .filter { sizeRange.contains($0.count) }
        return Corpus(articles: articles, origin: "\(articles.count) SaudiNewsNet articles of 2–6 KB")
    }

    private static func fromSeeds(_ path: String) throws -> Corpus {
        let seeds = ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).sorted()
            .compactMap { FileManager.default.contents(atPath: path + "/" + $0) }.map { String(decoding: $0, as: UTF8.self) }
        var random = SeededGenerator(seed: 1)
        let paragraphs = seeds.flatMap { $0.split(separator: "\n").map(String.init) }.filter { $0.count > 40 }
        guard !paragraphs.isEmpty else {
            throw BenchError("no corpus: neither ../shared/corpora/saudinewsnet nor \(path) is here; run from the repository's root or pass --corpus DIR")
        }
        let articles = (0..<2_000).map { index -> [UInt8] in
            var text = "خبر رقم \(index)\n"
            while text.utf8.count < 2_048 + Int(random.next() % 3_000) {
                text += paragraphs[Int(random.next() % UInt64(paragraphs.count))] + "\n"
            }
            return Array(text.utf8)
        }
        return Corpus(articles: articles, origin: "2000 articles made from the seeds' paragraphs")
    }
}

