import Foundation
import Glibc
import IngestCore
import IngestTestSupport
import Testing

/// The end-to-end suites, run one at a time: each drives real processes and the disk, and timing
/// matters to some of them.
@Suite(.serialized) struct EndToEnd {}

/// One state directory, a notify socket, and the daemon started on them as systemd would:
/// NOTIFY_SOCKET and WATCHDOG_USEC set.
final class DaemonHarness: @unchecked Sendable {
    let root = TemporaryDirectory("ingestd-e2e")
    let notify: NotifySocket
    private(set) var daemon: DaemonProcess?
    let extraArguments: [String]
    /// Where the state directory and the staging directory live (by default the temporary root).
    let base: String

    /// 1 s: the daemon must ping at least every 0.5 s.
    static let watchdogMicroseconds = 1_000_000

    /// A program that runs the daemon (e.g. strace injecting faults); none by default.
    let launcher: [String]

    init(arguments: [String] = [], base: String? = nil, launcher: [String] = []) throws {
        self.launcher = launcher
        notify = try NotifySocket(path: root.file("notify.sock"))
        extraArguments = arguments
        self.base = base ?? root.path
        try FileManager.default.createDirectory(atPath: staging, withIntermediateDirectories: true)
    }

    var stateDir: String { base + "/state" }
    var inbox: String { stateDir + "/inbox" }
    var journal: String { stateDir + "/journal.jsonl" }
    /// A directory beside the inbox on the same file system, for `mv` drops.
    var staging: String { base + "/staging" }

    /// Starts the daemon and waits for READY=1.
    func start() async throws {
        let before = notify.messages.count
        daemon = try DaemonProcess(
            arguments: ["run", "--state-dir", stateDir] + extraArguments,
            environment: ["NOTIFY_SOCKET": notify.path, "WATCHDOG_USEC": String(Self.watchdogMicroseconds)],
            stderrPath: root.file("stderr.log"), launcher: launcher)
        // Generous: a debug build replays a journal of thousands of articles slowly (sketching each).
        do {
            try await notify.waitForLine("READY=1", after: before, within: .seconds(120))
        } catch {
            throw HarnessError("no READY=1 within 120 s; stderr:\n\(daemon?.log ?? "")")
        }
    }

    /// Sends SIGTERM and returns the exit status.
    func stop() async -> Int32? {
        daemon?.signal(SIGTERM)
        return await daemon?.waitForExit()
    }

    /// Kills the daemon with SIGKILL, as a crash or the OOM killer would.
    func kill9() async {
        daemon?.signal(SIGKILL)
        _ = await daemon?.waitForExit()
    }

    /// Drops a file by writing it beside the inbox and renaming it in, without spawning a process.
    func dropByRename(_ bytes: [UInt8], as name: String) throws {
        let staged = staging + "/" + name
        try Data(bytes).write(to: URL(fileURLWithPath: staged))
        guard rename(staged, inbox + "/" + name) == 0 else { throw HarnessError("rename \(name): errno \(errno)") }
    }

    /// Writes `count` small distinct articles named n0.txt, n1.txt, … into `directory`, with plain
    /// syscalls: tens of thousands of them in a second or two.
    func writeNumberedArticles(_ count: Int, into directory: String) throws {
        for index in 0..<count {
            let bytes = Array("خبر رقم \(index)\nنص الخبر \(index) عن حلب.".utf8)
            let fd = open(directory + "/n\(index).txt", O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
            guard fd >= 0 else { throw HarnessError("create n\(index).txt: errno \(errno)") }
            defer { close(fd) }
            guard write(fd, bytes, bytes.count) == bytes.count else { throw HarnessError("write n\(index).txt: errno \(errno)") }
        }
    }

    /// Drops a file the way `cp` does: written in place, then closed.
    func dropByCopy(_ source: String, as name: String) throws {
        try runCommand("/bin/cp", [source, inbox + "/" + name])
    }

    /// Drops a file the way `mv` does: renamed into the inbox.
    func dropByMove(_ bytes: [UInt8], as name: String) throws {
        let staged = staging + "/" + name
        try Data(bytes).write(to: URL(fileURLWithPath: staged))
        try runCommand("/bin/mv", [staged, inbox + "/" + name])
    }

    /// Drops a file the way rsync does: a hidden temporary file renamed at the end.
    func dropByRsync(_ source: String, as name: String) throws {
        try runCommand("/usr/bin/rsync", ["-a", source, inbox + "/" + name])
    }

    /// What `ingestd verify` would say is wrong with the journal; nil when it is sound.
    func journalProblem() -> String? {
        guard let bytes = FileManager.default.contents(atPath: journal) else { return "no journal at \(journal)" }
        var verifier = JournalVerifier()
        return verifier.check(journal: Array(bytes))
    }

    /// The records once one for `file` has appeared (files are taken in the order they arrive).
    func records(through file: String, timeout: Duration = .seconds(60)) async throws -> [JournalLines.Record] {
        try await eventually("a record for \(file)", within: timeout) {
            ((try? JournalLines.read(journal)) ?? []).contains(where: { $0.string("file") == file })
        }
        return try JournalLines.read(journal)
    }

    func records(atLeast count: Int) async throws -> [JournalLines.Record] {
        try await JournalLines.waitFor(count, in: journal)
    }

    /// The names in `directory` (relative to the state directory) once `done` holds for them: a
    /// file leaves the inbox a little after its record is written. Throws ``TimedOut`` with the
    /// names last seen when `done` does not hold within `timeout`.
    func names(in directory: String, timeout: Duration = .seconds(10), until done: ([String]) -> Bool) async throws -> [String] {
        var names: [String] = []
        do {
            try await eventually("the names in \(directory)", within: timeout) {
                names = try FileManager.default.contentsOfDirectory(atPath: stateDir + "/" + directory)
                return done(names)
            }
        } catch let timedOut as TimedOut {
            throw TimedOut(what: "\(timedOut.what); last seen: \(names.sorted().prefix(10))", after: timeout)
        }
        return names
    }
}

struct HarnessError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
