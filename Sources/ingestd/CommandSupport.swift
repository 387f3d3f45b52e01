// What the commands that run as services, or talk to the fleet's database, share.
import ArgumentParser
import FleetShipping
import Foundation
import IngestCore
import Logging
import ServiceLifecycle
import Systemd

/// Logging for a command that runs as a service: under systemd, stderr is the journal's stream,
/// and messages then go to the journal with their priority and fields instead of as plain lines.
func bootstrapLogging(level: Logger.Level) {
    let toJournal = JournalStream.isStandardError
    LoggingSystem.bootstrap { label in
        if toJournal { return JournaldLogHandler(identifier: "ingestd", logLevel: level) }
        var handler = StreamLogHandler.standardError(label: label)
        handler.logLevel = level
        return handler
    }
}

/// Runs `work` as a service until it returns, or until SIGTERM or SIGINT cancels it.
func runUntilSignalled(logger: Logger, _ work: @escaping @Sendable () async throws -> Void) async throws {
    let group = ServiceGroup(configuration: .init(
        services: [.init(service: WorkService(work: work), successTerminationBehavior: .gracefullyShutdownGroup)],
        gracefulShutdownSignals: [],
        cancellationSignals: [.sigterm, .sigint],
        logger: logger))
    try await group.run()
}

private struct WorkService: Service {
    let work: @Sendable () async throws -> Void

    func run() async throws {
        do {
            try await work()
        } catch is CancellationError {
            // Cancelled by a signal: a normal end.
        }
    }
}

/// The fleet's database from `--database` (checked by `validate()`) and the password from
/// `--password-file`, `PGPASSWORD` or the systemd credential; says what is wrong and exits 1.
func fleetDatabase(_ url: String, passwordFile: String?, logger: Logger) throws -> FleetDatabase {
    do {
        let password = try DatabaseURL.password(file: passwordFile, environment: ProcessInfo.processInfo.environment)
        return FleetDatabase(url: try DatabaseURL(url), password: password)
    } catch {
        logger.critical("\(error)")
        throw ExitCode.failure
    }
}
