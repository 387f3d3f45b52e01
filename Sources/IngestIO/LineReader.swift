import Glibc

/// Reads a file of lines in large chunks and hands each whole line to a closure, without copying
/// it: a journal of a million records is read at the speed of the page cache.
///
/// A last line without its newline is not handed over: the journal writes each record with its
/// newline in one write, so such a line is one being written, or torn by a crash.
public struct LineReader {
    public static let chunkSize = 4 << 20

    private let file: FileDescriptor

    public init(_ file: FileDescriptor) {
        self.file = file
    }

    /// Calls `line` with each whole line (without its newline), and `progress` with the bytes
    /// read so far after each chunk.
    public func forEachLine(_ line: (UnsafeBufferPointer<UInt8>) -> Void, progress: (Int) -> Void = { _ in }) throws(SystemError) {
        var buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: Self.chunkSize, alignment: 16)
        defer { buffer.deallocate() }
        var kept = 0  // bytes of an unfinished line at the start of the buffer
        var total = 0
        while true {
            if kept == buffer.count {  // a line longer than the buffer: make room
                let larger = UnsafeMutableRawBufferPointer.allocate(byteCount: buffer.count * 2, alignment: 16)
                larger.copyMemory(from: UnsafeRawBufferPointer(buffer))
                buffer.deallocate()
                buffer = larger
            }
            let got = try file.read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[kept...]))
            if got == 0 { return }
            total += got
            let filled = kept + got
            let base = buffer.baseAddress!.assumingMemoryBound(to: UInt8.self)
            var start = 0
            while start < filled, let newline = memchr(base + start, Int32(UInt8(ascii: "\n")), filled - start) {
                let end = base.distance(to: newline.assumingMemoryBound(to: UInt8.self))
                line(UnsafeBufferPointer(start: base + start, count: end - start))
                start = end + 1
            }
            kept = filled - start
            if kept > 0 && start > 0 { memmove(base, base + start, kept) }
            progress(total)
        }
    }
}
