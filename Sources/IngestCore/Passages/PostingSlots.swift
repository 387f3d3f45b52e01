import Glibc

/// The slots of a ``PostingTable``: a block from malloc that grows with realloc, which moves a
/// large block's pages into a larger mapping instead of copying them. A large table that grows is
/// laid out again in place, and faults in only the pages it adds; one that is rebuilt at its size
/// faults in none. Shared by copies of a table until one of them changes (copy on write).
final class PostingSlots: @unchecked Sendable {
    private(set) var base: UnsafeMutablePointer<UInt64>
    private(set) var count: Int

    /// `count` slots of 0, which the table's empty mark is.
    init(zeroed count: Int) {
        base = Self.allocate(count) { calloc($0 / MemoryLayout<UInt64>.stride, MemoryLayout<UInt64>.stride) }
        self.count = count
    }

    private init(copying other: PostingSlots) {
        base = Self.allocate(other.count) { malloc($0) }
        base.update(from: other.base, count: other.count)
        count = other.count
    }

    deinit { free(base) }

    /// The same slots in a block of their own.
    func copy() -> PostingSlots { PostingSlots(copying: self) }

    var buffer: UnsafeMutableBufferPointer<UInt64> { UnsafeMutableBufferPointer(start: base, count: count) }

    /// Makes the block `count` slots long. The first slots keep their values, up to the smaller of
    /// the two counts; slots added hold whatever the memory held, and must be written before
    /// they are read.
    func resize(to count: Int) {
        base = Self.allocate(count) { realloc(base, $0) }
        self.count = count
    }

    private static func allocate(_ count: Int, _ allocator: (Int) -> UnsafeMutableRawPointer?) -> UnsafeMutablePointer<UInt64> {
        let bytes = max(1, count) * MemoryLayout<UInt64>.stride
        guard let memory = allocator(bytes) else {
            fatalError("the shared-passage index could not get \(bytes) bytes of memory for its posting table")
        }
        return memory.bindMemory(to: UInt64.self, capacity: max(1, count))
    }
}
