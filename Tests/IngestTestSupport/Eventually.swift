/// Waits until `condition` holds, looking every 10 ms: for what another thread or process brings
/// about a little later. Throws ``TimedOut``, naming `what` was awaited, when it does not hold
/// within `timeout`; the test fails with that message.
public func eventually(
    _ what: String, within timeout: Duration = .seconds(10), _ condition: () throws -> Bool
) async throws {
    try await eventually(what, within: timeout, asking: condition)
}

/// The same, for a condition that asks an actor, or that is costly to ask (`every`: how often).
public func eventually(
    _ what: String, within timeout: Duration = .seconds(10), every interval: Duration = .milliseconds(10),
    asking condition: () async throws -> Bool
) async throws {
    let deadline = ContinuousClock.now + timeout
    while try await !condition() {
        guard ContinuousClock.now < deadline else { throw TimedOut(what: what, after: timeout) }
        try await Task.sleep(for: interval)
    }
}

/// What ``eventually(_:within:_:)`` throws.
public struct TimedOut: Error, CustomStringConvertible {
    public let what: String
    public let after: Duration

    public init(what: String, after: Duration) {
        self.what = what
        self.after = after
    }

    public var description: String { "timed out after \(after) waiting for: \(what)" }
}

/// Waits until `find` gives a value, looking every 10 ms, and returns it. Throws ``TimedOut``,
/// naming `what` was awaited, when it gives none within `timeout`.
public func eventually<Value>(
    _ what: String, within timeout: Duration = .seconds(10), find: () throws -> Value?
) async throws -> Value {
    var found: Value?
    try await eventually(what, within: timeout) {
        found = try find()
        return found != nil
    }
    return found!
}
