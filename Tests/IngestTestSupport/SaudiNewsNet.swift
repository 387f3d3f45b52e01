import Foundation
import IngestCore

/// The SaudiNewsNet sample in ../shared/corpora/saudinewsnet (CC BY-NC-SA; used for tests and
/// benchmarks only, never copied into the repository).
public enum SaudiNewsNet {
    public static let directory = Seeds.repositoryRoot + "/../shared/corpora/saudinewsnet"

    public static var isPresent: Bool { FileManager.default.fileExists(atPath: directory) }

    /// Every article's title and content, in the zips' order; nil when the corpus is absent
    /// (`directory` overrides where it is looked for).
    public static func articles(in directory: String = directory) throws -> [(title: String, content: String)]? {
        guard FileManager.default.fileExists(atPath: directory) else { return nil }
        var articles: [(title: String, content: String)] = []
        for zip in try FileManager.default.contentsOfDirectory(atPath: directory).sorted() where zip.hasSuffix(".zip") {
            let json = try unzip(directory + "/" + zip)
            guard let objects = try JSONSerialization.jsonObject(with: json) as? [[String: Any]] else { continue }
            for object in objects {
                articles.append((object["title"] as? String ?? "", object["content"] as? String ?? ""))
            }
        }
        return articles
    }

    /// Every article as a .json file's bytes (title and content), in the zips' order; nil when
    /// the corpus is absent.
    public static func jsonFiles() throws -> [[UInt8]]? {
        try articles()?.map { article in
            Array(try JSONSerialization.data(withJSONObject: ["title": article.title, "content": article.content]))
        }
    }

    private static func unzip(_ path: String) throws -> Data {
        try CommandOutput.of("/usr/bin/unzip", ["-p", path])
    }
}
