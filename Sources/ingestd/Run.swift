import ArgumentParser
import Foundation
import IngestCore
import IngestDaemon
import Logging
import PrometheusExport
import ServiceLifecycle
import Systemd

struct Run: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the daemon in the foreground (the default command).",
        discussion: """
            The state directory holds inbox/, processed/, rejected/ and journal.jsonl; they are \
            created when missing. Under systemd, READY=1, STATUS=, WATCHDOG=1 and STOPPING=1 are \
            reported through NOTIFY_SOCKET. SIGTERM or SIGINT: finish the batch in flight and exit 0. \
            SIGHUP: reopen the journal (after logrotate has moved it).

            Examples:
              ingestd run --state-dir /var/lib/ingestd
              ingestd run --inbox /srv/drop --journal /srv/journal.jsonl
              ingestd run --max-bytes 1048576 --log-level debug
            """
    )

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Directory for inbox/, processed/, rejected/ and journal.jsonl. Default: $STATE_DIRECTORY when systemd sets it, else ./var/ingestd.",
            valueName: "dir"))
    var stateDir: String?

    @Option(name: .long, help: ArgumentHelp("Watch this directory instead of <state-dir>/inbox, e.g. --inbox /srv/drop.", valueName: "dir"))
    var inbox: String?

    @Option(name: .long, help: ArgumentHelp("Write the journal here instead of <state-dir>/journal.jsonl, e.g. --journal /var/log/ingestd.jsonl.", valueName: "file"))
    var journal: String?

    @Option(name: .long, help: ArgumentHelp("Reject files larger than this many bytes without reading them, e.g. --max-bytes 1048576.", valueName: "n"))
    var maxBytes: Int = DaemonConfiguration.defaultMaxBytes

    @Option(
        name: .long,
        help: ArgumentHelp(
            "List earlier articles at least this similar (estimated Jaccard similarity of word 5-shingles, 0 to 1) in near_duplicates, e.g. --near-threshold 0.8.",
            valueName: "j"))
    var nearThreshold: Double = Ingestor.defaultNearThreshold

    @Flag(name: .long, help: "Turn near-duplicate detection off: no near_duplicates in the journal, less CPU and memory.")
    var noNearDuplicates = false

    @Flag(
        name: .long, inversion: .prefixedNo,
        help: "List in reuse the passages each article shares with earlier ones (off by default: it costs the loop about 35 µs a file, see docs/benchmarks.md).")
    var reuse = false

    @Option(name: .long, help: ArgumentHelp("The shortest passage listed in reuse, in words (8 or more), e.g. --reuse-min-words 20.", valueName: "n"))
    var reuseMinWords: Int = PassageSettings.defaultMinimumWords

    @Option(
        name: .long,
        help: ArgumentHelp(
            "A word sequence more earlier articles than this have is a stock phrase (titles, sign-offs, footers) and starts no passage, e.g. --reuse-max-sources 20.",
            valueName: "n"))
    var reuseMaxSources: Int = PassageSettings.defaultMaximumSources

    @Option(name: .long, help: ArgumentHelp("Look for passages in the latest this many articles; older ones leave the index, e.g. --reuse-horizon 200000.", valueName: "n"))
    var reuseHorizon: Int = PassageSettings.defaultHorizon

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Write metrics in Prometheus's text format to this file, replaced at most once a second, for node_exporter's textfile collector, e.g. --metrics-file /var/lib/prometheus/node-exporter/ingestd.prom.",
            valueName: "file"))
    var metricsFile: String?

    @Option(name: .long, help: ArgumentHelp("Operational log level (stderr, or the systemd journal with priorities and fields when stderr is connected to it): trace, debug, info, notice, warning, error, critical. e.g. --log-level debug.", valueName: "level"))
    var logLevel: String = "info"

    func validate() throws {
        guard maxBytes > 0 else { throw ValidationError("--max-bytes must be a positive number of bytes.") }
        guard (0...1).contains(nearThreshold) else {
            throw ValidationError("--near-threshold must be a similarity between 0 and 1, e.g. 0.7.")
        }
        guard reuseMinWords >= PassageShingles.shingleWords else {
            throw ValidationError("--reuse-min-words must be at least \(PassageShingles.shingleWords), e.g. 12.")
        }
        guard reuseMaxSources >= 1 else { throw ValidationError("--reuse-max-sources must be at least 1, e.g. 10.") }
        guard reuseHorizon >= 1 else { throw ValidationError("--reuse-horizon must be at least 1 article, e.g. 1000000.") }
        guard Logger.Level(rawValue: logLevel) != nil else {
            throw ValidationError("--log-level must be one of: trace, debug, info, notice, warning, error, critical.")
        }
    }

    func run() async throws {
        let level = Logger.Level(rawValue: logLevel) ?? .info
        bootstrapLogging(level: level)
        signal(SIGPIPE, SIG_IGN)
        let logger = Logger(label: "ingestd")
        var configuration = DaemonConfiguration(
            stateDirectory: stateDir ?? Self.defaultStateDirectory(), inbox: inbox, journal: journal, maxBytes: maxBytes,
            nearThreshold: noNearDuplicates ? nil : nearThreshold)
        configuration.passages = !reuse ? nil : PassageSettings(
            minimumWords: reuseMinWords, maximumSources: reuseMaxSources, horizon: reuseHorizon)
        let metrics: MetricsFile?
        do {
            metrics = try metricsFile.map { try MetricsFile(path: $0, logger: logger) }
        } catch {
            logger.critical("Cannot start the thread that writes the metrics file: \(error).")
            throw ExitCode.failure
        }
        // The last counts are written once the loop has finished its last batch.
        defer { metrics?.stop() }
        let service = InboxService(configuration: configuration, notifier: SystemdNotifier(), logger: logger,
                                   metrics: metrics ?? NoMetrics())
        let group = ServiceGroup(configuration: .init(
            services: [.init(service: service)],
            gracefulShutdownSignals: [.sigterm, .sigint],
            cancellationSignals: [],
            logger: logger))
        do {
            try await group.run()
        } catch let error as DaemonError {
            logger.critical("\(error.description)")
            throw ExitCode.failure
        }
    }

    /// systemd's StateDirectory= sets $STATE_DIRECTORY (several paths are separated by colons).
    static func defaultStateDirectory() -> String {
        if let fromSystemd = ProcessInfo.processInfo.environment["STATE_DIRECTORY"], !fromSystemd.isEmpty {
            return String(fromSystemd.split(separator: ":").first ?? "")
        }
        return "./var/ingestd"
    }
}

extension SystemdNotifier: LifecycleNotifier {}

extension MetricsFile: IngestMetrics {}
