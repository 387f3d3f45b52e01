import Glibc
import IngestIO
import Logging
import Prometheus
import Synchronization

extension MetricsFile {
    /// The thread that writes the file: at start, then every second when the text changed, and
    /// at least every `refresh` when it did not (node_exporter reports the file's time, which an
    /// alert uses to tell a daemon that stopped writing from one with nothing to count).
    final class Writer: Sendable {
        static let refresh = Duration.seconds(30)

        private let path: String
        private let logger: Logger
        private let stopRequests = Mailbox<Void>()
        private let thread = Mutex<DedicatedThread?>(nil)

        init(path: String, logger: Logger, registry: PrometheusCollectorRegistry) throws(SystemError) {
            self.path = path
            self.logger = logger
            let started = try DedicatedThread(name: "ingestd.metrics") { [self] in run(registry) }
            thread.withLock { $0 = started }
        }

        /// Writes the file a last time and ends the thread.
        func stop() {
            stopRequests.post(())
            thread.withLock { $0 }?.join()
        }

        private func run(_ registry: PrometheusCollectorRegistry) {
            var written: (text: [UInt8], at: ContinuousClock.Instant)?
            var failing = false
            var stopping = false
            while true {
                let text = registry.emitToBuffer()
                if stopping || written.map({ $0.text != text || .now - $0.at >= Self.refresh }) ?? true {
                    failing = write(text, failing: failing)
                    if !failing { written = (text, .now) }
                }
                if stopping { return }
                stopping = !stopRequests.receive(until: .now + .seconds(1)).isEmpty
            }
        }

        /// Replaces the file; says once when it cannot, and once when it can again. Returns
        /// whether it is failing.
        private func write(_ text: [UInt8], failing: Bool) -> Bool {
            do {
                // Readable by node_exporter's user, whatever the service's umask.
                try AtomicFile.replace(path, with: text, mode: 0o644, syncingDirectory: false)
                if failing { logger.notice("The metrics file is written again.", metadata: ["metrics_file": "\(path)"]) }
                return false
            } catch {
                if !failing {
                    // A host without node_exporter has no textfile directory: the unit's default
                    // then writes nothing, which is worth a notice, not a warning.
                    let missingDirectory = error.errno == ENOENT
                    logger.log(
                        level: missingDirectory ? .notice : .warning,
                        "Cannot write the metrics file; retrying every second. Check that its directory exists (node_exporter's package makes it) and that the daemon's user may write there (e.g. setfacl -m u:ingestd:rwx DIR), then restart.",
                        metadata: ["metrics_file": "\(path)"].merging(.describing(error)) { $1 })
                }
                return true
            }
        }
    }
}
