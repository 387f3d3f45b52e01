import Foundation
import Glibc

/// The real `ingestd` binary running as a child process, as systemd would run it.
public final class DaemonProcess: @unchecked Sendable {
    public let process = Process()
    public let stderrPath: String

    /// The built binary: $INGESTD_BINARY, else `ingestd` beside the test bundle, else .build/debug.
    public static var binary: String {
        if let path = ProcessInfo.processInfo.environment["INGESTD_BINARY"] { return path }
        let beside = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("ingestd").path
        if FileManager.default.isExecutableFile(atPath: beside) { return beside }
        return Seeds.repositoryRoot + "/.build/debug/ingestd"
    }

    /// Starts `ingestd` with `arguments` and these extra environment variables; with a
    /// `launcher` (e.g. strace and its options), the launcher runs it.
    public init(arguments: [String], environment: [String: String], stderrPath: String, launcher: [String] = []) throws {
        self.stderrPath = stderrPath
        self.launched = !launcher.isEmpty
        process.executableURL = URL(fileURLWithPath: launcher.first ?? Self.binary)
        process.arguments = launcher.isEmpty ? arguments : Array(launcher.dropFirst()) + [Self.binary] + arguments
        var env = ProcessInfo.processInfo.environment
        for key in ["NOTIFY_SOCKET", "WATCHDOG_USEC", "WATCHDOG_PID", "STATE_DIRECTORY"] { env[key] = nil }
        env.merge(environment) { $1 }
        process.environment = env
        if !FileManager.default.fileExists(atPath: stderrPath) {
            _ = FileManager.default.createFile(atPath: stderrPath, contents: nil)
        }
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: stderrPath))
        log.seekToEndOfFile()
        process.standardError = log
        process.standardOutput = log
        try process.run()
    }

    private let launched: Bool

    /// The daemon's process id: the launcher's child when there is a launcher.
    public var pid: Int32 {
        guard launched else { return process.processIdentifier }
        let children = (try? String(contentsOfFile: "/proc/\(process.processIdentifier)/task/\(process.processIdentifier)/children", encoding: .utf8)) ?? ""
        return children.split(separator: " ").first.flatMap { Int32($0) } ?? process.processIdentifier
    }

    /// Signals the daemon itself (not its launcher).
    public func signal(_ number: Int32) { kill(pid, number) }

    /// Waits for exit; returns the exit status, or nil if it did not exit within `timeout`
    /// (the process is then killed).
    public func waitForExit(timeout: Duration = .seconds(10)) async -> Int32? {
        do {
            try await eventually("the daemon's exit", within: timeout) { !process.isRunning }
        } catch {
            signal(SIGKILL)
            process.waitUntilExit()
            return nil
        }
        return process.terminationReason == .exit ? process.terminationStatus : 128 + process.terminationStatus
    }

    /// What the daemon wrote to stderr.
    public var log: String {
        (FileManager.default.contents(atPath: stderrPath)).map { String(decoding: $0, as: UTF8.self) } ?? ""
    }

    deinit {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }
}

/// Runs the `ingestd` binary to completion (a command such as `verify` or `id`); returns its exit
/// status and what it printed on stdout and stderr.
public func runIngestd(_ arguments: [String]) throws -> (status: Int32, output: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: DaemonProcess.binary)
    process.arguments = arguments
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = pipe
    try process.run()
    let output = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: output, as: UTF8.self))
}
