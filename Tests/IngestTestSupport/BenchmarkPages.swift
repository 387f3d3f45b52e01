import Foundation

/// The article extraction benchmark in ../shared/corpora/article-extraction-benchmark: 181 real
/// web pages with their article bodies written out by hand, and the benchmark's own scoring
/// script (MIT licence; used for tests and benchmarks only, never copied into the repository).
public enum BenchmarkPages {
    public static let directory = Seeds.repositoryRoot + "/../shared/corpora/article-extraction-benchmark"

    public static var isPresent: Bool { FileManager.default.fileExists(atPath: directory + "/ground-truth.json") }

    public struct Page: Sendable {
        public var id: String
        public var html: [UInt8]
        /// The hand-written article body.
        public var articleBody: String
        public var url: String
    }

    /// Every page, in the order of their ids.
    public static func all(in directory: String = directory) throws -> [Page] {
        let truth = try groundTruth(in: directory)
        return try truth.keys.sorted().map { id in
            let html = try gunzip(directory + "/html/\(id).html.gz")
            return Page(id: id, html: html, articleBody: truth[id]?["articleBody"] ?? "", url: truth[id]?["url"] ?? "")
        }
    }

    /// Precision, recall and F1 of extracted bodies, as the benchmark's own `evaluate.py` scores them.
    public struct Scores: Sendable, CustomStringConvertible {
        public var f1: Double
        public var precision: Double
        public var recall: Double

        public var description: String {
            String(format: "F1 %.3f, precision %.3f, recall %.3f", f1, precision, recall)
        }
    }

    /// Scores `bodies` (article body by page id, one for every page) with the benchmark's
    /// `evaluate.py`, run by python3 in a scratch folder beside a copy of the ground truth.
    public static func evaluate(_ bodies: [String: String], in directory: String = directory) throws -> Scores {
        let scratch = TemporaryDirectory("ingestd-extraction")
        let prediction = bodies.mapValues { ["articleBody": $0] }
        try scratch.write("output/ingestd.json", Array(try JSONSerialization.data(withJSONObject: prediction)))
        for file in ["ground-truth.json", "evaluate.py"] {
            try FileManager.default.copyItem(atPath: directory + "/" + file, toPath: scratch.file(file))
        }
        _ = try CommandOutput.of("/usr/bin/env", ["python3", "evaluate.py", "--n-bootstrap", "20", "--output", "scores.json"],
                                 in: scratch.path)
        let data = try Data(contentsOf: URL(fileURLWithPath: scratch.file("scores.json")))
        guard let scores = (try JSONSerialization.jsonObject(with: data) as? [String: [String: Any]])?["ingestd"],
              let f1 = scores["f1"] as? Double, let precision = scores["precision"] as? Double,
              let recall = scores["recall"] as? Double else {
            throw CocoaError(.fileReadCorruptFile, userInfo: [NSFilePathErrorKey: scratch.file("scores.json")])
        }
        return Scores(f1: f1, precision: precision, recall: recall)
    }

    private static func groundTruth(in directory: String) throws -> [String: [String: String]] {
        let data = try Data(contentsOf: URL(fileURLWithPath: directory + "/ground-truth.json"))
        let object = try JSONSerialization.jsonObject(with: data) as? [String: [String: Any]] ?? [:]
        return object.mapValues { fields in fields.compactMapValues { $0 as? String } }
    }

    private static func gunzip(_ path: String) throws -> [UInt8] {
        Array(try CommandOutput.of("/bin/gzip", ["-dc", path]))
    }
}
