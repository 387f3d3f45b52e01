import Foundation

/// Reads a journal as a test sees it: one JSON object per line.
public enum JournalLines {
    public typealias Record = [String: Any]

    /// The records in the journal at `path`; a line that is not a JSON object fails the read.
    public static func read(_ path: String) throws -> [Record] {
        guard let data = FileManager.default.contents(atPath: path), !data.isEmpty else { return [] }
        let text = String(decoding: data, as: UTF8.self)
        guard text.hasSuffix("\n") else { throw Malformed(line: "(last line has no newline)") }
        return try text.split(separator: "\n").map { line in
            guard let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? Record else {
                throw Malformed(line: String(line))
            }
            return object
        }
    }

    /// Waits until the journal holds at least `count` records and returns them; throws
    /// ``TimedOut`` when it does not within `timeout`.
    /// While waiting, a last line without its newline is a write still in progress (a reader can
    /// see part of it), so it is read again; the final read is strict.
    public static func waitFor(_ count: Int, in path: String, timeout: Duration = .seconds(60)) async throws -> [Record] {
        try await eventually("\(count) records in \(path)", within: timeout) {
            ((try? read(path))?.count ?? 0) >= count
        }
        return try read(path)
    }

    public struct Malformed: Error, CustomStringConvertible {
        public let line: String
        public var description: String { "journal line is not a JSON object: \(line.prefix(200))" }
    }
}

extension Dictionary where Key == String, Value == Any {
    public func string(_ key: String) -> String? { self[key] as? String }
    public func int(_ key: String) -> Int? { self[key] as? Int }
}

/// Runs a command (cp, mv, rsync, …) to completion; throws if it fails.
public func runCommand(_ executable: String, _ arguments: [String]) throws {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    try process.run()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else {
        throw CommandFailed(description: "\(executable) \(arguments.joined(separator: " ")) exited \(process.terminationStatus)")
    }
}

public struct CommandFailed: Error, CustomStringConvertible {
    public let description: String
}
