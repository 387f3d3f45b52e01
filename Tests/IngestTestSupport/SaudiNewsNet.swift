import Foundation
import IngestCore

/// The SaudiNewsNet sample in ../shared/corpora/saudinewsnet (CC BY-NC-SA; used for tests and
/// benchmarks only, never copied into the repository).
public enum SaudiNewsNet {
    public static let directory = Seeds.repositoryRoot + "/../shared/corpora/saudinewsnet"

    public static var isPresent: Bool { FileManager.default.fileExists(atPath: directory) }

    /// Every article as a .json file's bytes (title and content), in the zips' order; nil when
    /// the corpus is absent.
    public static func jsonFiles() throws -> [[UInt8]]? {
        guard isPresent else { return nil }
        var files: [[UInt8]] = []
        for zip in try FileManager.default.contentsOfDirectory(atPath: directory).sorted() where zip.hasSuffix(".zip") {
            let json = try unzip(directory + "/" + zip)
            guard let objects = try JSONSerialization.jsonObject(with: json) as? [[String: Any]] else { continue }
            for object in objects {
                let article = ["title": object["title"] as? String ?? "", "content": object["content"] as? String ?? ""]
                files.append(Array(try JSONSerialization.data(withJSONObject: article)))
            }
        }
        return files
    }

    private static func unzip(_ path: String) throws -> Data {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/unzip")
        process.arguments = ["-p", path]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return data
    }
}
