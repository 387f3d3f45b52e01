import IngestIO

/// What the loop tells the service manager: STATUS= lines, watchdog pings, and the reload.
extension IngestLoop {
    /// The STATUS= text: the counts, the files waiting, and a failing journal.
    var statusLine: String {
        let line = ingestor.tally.status(waiting: waitingCount)
        guard let failure = retry.failure else { return line }
        return "\(line); journal write failed (\(failure.message), \(failure.name)), retrying"
    }

    /// Sends STATUS= when it changed, at most every 250 ms so that a burst does not flood the
    /// service manager; the next tick sends what was held back.
    func reportStatus(force: Bool) {
        metrics.status(tally: ingestor.tally, waiting: waitingCount)
        let text = statusLine
        guard text != statusSent.text, statusSent.throttle.allows(force: force) else { return }
        notifier.status(text)
        statusSent.text = text
    }

    func pingWatchdog(force: Bool) {
        if watchdog?.allows(force: force) == true { notifier.watchdog() }
    }

    func reload() {
        notifier.reloading()
        do {
            try journal.reopen()
            saveCheckpoint(waiting: true)
            logger.info("Reopened the journal.", metadata: ["journal": "\(configuration.journal)"])
        } catch {
            logger.error("Could not reopen the journal; still writing to the old one.",
                         metadata: ["journal": "\(configuration.journal)"].merging(.describing(error)) { $1 })
        }
        notifier.ready(status: statusLine)
    }
}
