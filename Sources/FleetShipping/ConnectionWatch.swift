import PostgresNIO
import Synchronization

/// Ends the work in flight on a connection as soon as the connection closes.
///
/// postgres-nio (1.33) writes each query to the channel without a promise: a query written just
/// after the server went away is dropped and never answered, and whoever awaits it waits for
/// good. ``run(within:_:)`` throws instead when the connection's close future completes, and
/// cancels the abandoned work. One watch per connection: its close future gets one callback, not
/// one a batch.
///
/// A connection can also stay open and silent: across a network partition TCP retransmits for
/// about a quarter of an hour before it gives up. Work that outlives its time limit closes the
/// connection, which ends it the same way.
final class ConnectionWatch: Sendable {
    private struct State {
        var closed = false
        var inFlight: (@Sendable (any Error) -> Void)?
    }

    private let state = Mutex(State())

    private let connection: PostgresConnection

    init(_ connection: PostgresConnection) {
        self.connection = connection
        connection.closeFuture.whenComplete { [weak self] _ in self?.closed() }
    }

    /// The error work in flight ends with when the connection closes under it.
    struct Closed: Error, CustomStringConvertible {
        var description: String { "the connection to PostgreSQL closed" }
    }

    /// Work that outlived its time limit: the connection was closed under it.
    struct TimedOut: Error, CustomStringConvertible {
        let limit: Duration
        var description: String { "PostgreSQL did not answer within \(limit); the connection was given up" }
    }

    /// `work`'s result; or ``Closed`` as soon as the connection closes; or ``TimedOut`` once
    /// `limit` has passed (the connection is then closed); or CancellationError when the caller
    /// is cancelled.
    func run<Result: Sendable>(within limit: Duration = .seconds(60), _ work: @escaping @Sendable () async throws -> Result)
        async throws -> Result
    {
        let outcome = Outcome<Result>()
        let task = Task { outcome.settle(with: await Swift.Result(catching: work)) }
        let timer = Task { [connection] in
            try await Task.sleep(for: limit)
            outcome.settle(with: .failure(TimedOut(limit: limit)))
            task.cancel()
            try? await connection.close()
        }
        defer { timer.cancel() }
        let end: @Sendable (any Error) -> Void = { error in
            task.cancel()
            outcome.settle(with: .failure(error))
        }
        let alreadyClosed = state.withLock { state in
            if !state.closed { state.inFlight = end }
            return state.closed
        }
        if alreadyClosed { end(Closed()) }
        defer { state.withLock { $0.inFlight = nil } }
        return try await withTaskCancellationHandler {
            try await outcome.value
        } onCancel: {
            end(CancellationError())
        }
    }

    private func closed() {
        let inFlight = state.withLock { state in
            state.closed = true
            defer { state.inFlight = nil }
            return state.inFlight
        }
        inFlight?(Closed())
    }
}

/// A result settled once, by whichever comes first, and awaited once.
private final class Outcome<Value: Sendable>: Sendable {
    private struct State {
        var result: Result<Value, any Error>?
        var waiter: CheckedContinuation<Value, any Error>?
    }

    private let state = Mutex(State())

    func settle(with result: Result<Value, any Error>) {
        let waiter: CheckedContinuation<Value, any Error>? = state.withLock { state in
            guard state.result == nil else { return nil }
            state.result = result
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume(with: result)
    }

    var value: Value {
        get async throws {
            try await withCheckedThrowingContinuation { continuation in
                let settled: Result<Value, any Error>? = state.withLock { state in
                    if state.result == nil { state.waiter = continuation }
                    return state.result
                }
                if let settled { continuation.resume(with: settled) }
            }
        }
    }
}

extension Result where Failure == any Error {
    /// The result of an async throwing call.
    init(catching body: () async throws -> Success) async {
        do { self = .success(try await body()) } catch { self = .failure(error) }
    }
}
