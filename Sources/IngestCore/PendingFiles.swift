import DequeModule

/// Files waiting to be ingested, in arrival order, each at most once.
///
/// The same file is often reported twice (by the directory listing at start and by an event, or
/// by a rescan after an overflow); the second report of a path already waiting is dropped.
public struct PendingFiles: Sendable {
    private var order = Deque<RelativePath>()
    private var waiting: Set<RelativePath> = []

    public init() {}

    public var count: Int { waiting.count }
    public var isEmpty: Bool { waiting.isEmpty }

    /// Appends the paths that are not already waiting.
    public mutating func add(_ paths: some Sequence<RelativePath>) {
        for path in paths where waiting.insert(path).inserted { order.append(path) }
    }

    /// Puts paths back at the front, in the given order (after a failed attempt).
    public mutating func putBack(_ paths: [RelativePath]) {
        order.prepend(contentsOf: paths.filter { waiting.insert($0).inserted })
    }

    /// Removes and returns up to `limit` paths from the front.
    public mutating func take(_ limit: Int) -> [RelativePath] {
        let taken = Array(order.prefix(limit))
        order.removeFirst(taken.count)
        for path in taken { waiting.remove(path) }
        return taken
    }
}
