import Foundation

/// What a command prints on standard output, for tests that read data through a system tool
/// (unzip, gzip) or score through one (python3).
public enum CommandOutput {
    public static func of(_ executable: String, _ arguments: [String], in directory: String? = nil) throws -> Data {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return data
    }
}
