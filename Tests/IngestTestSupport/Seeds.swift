import Foundation

/// The five sample articles in the repository's seeds/ folder.
public enum Seeds {
    /// The repository root, found from this file's location.
    public static let repositoryRoot: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path
    }()

    public static let directory = repositoryRoot + "/seeds"

    /// File names, in order.
    public static let names: [String] = {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).filter { $0.hasSuffix(".txt") }.sorted()
    }()

    public static func bytes(_ index: Int) -> [UInt8] {
        Array(FileManager.default.contents(atPath: directory + "/" + names[index]) ?? Data())
    }

    public static func text(_ index: Int) -> String {
        String(decoding: bytes(index), as: UTF8.self)
    }
}
