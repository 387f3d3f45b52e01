import Foundation

/// A path relative to the inbox, as the raw bytes the file system uses.
///
/// Linux file names are bytes, not necessarily UTF-8; keeping the bytes means a file with any
/// name can be opened, moved and named exactly in the journal.
public struct RelativePath: Hashable, Sendable, Comparable, CustomStringConvertible {
    public let bytes: [UInt8]

    public init(bytes: [UInt8]) { self.bytes = bytes }

    public init(_ string: String) { self.bytes = Array(string.utf8) }

    /// `self/name`.
    public func appending(_ name: [UInt8]) -> RelativePath {
        bytes.isEmpty ? RelativePath(bytes: name) : RelativePath(bytes: bytes + [UInt8(ascii: "/")] + name)
    }

    /// The last component.
    public var lastComponent: [UInt8] {
        guard let slash = bytes.lastIndex(of: UInt8(ascii: "/")) else { return bytes }
        return Array(bytes[(slash + 1)...])
    }

    /// The directory part, or nil for a name directly in the inbox.
    public var parent: RelativePath? {
        guard let slash = bytes.lastIndex(of: UInt8(ascii: "/")) else { return nil }
        return RelativePath(bytes: Array(bytes[..<slash]))
    }

    public var isValidUTF8: Bool { String(validating: bytes, as: UTF8.self) != nil }

    /// The name as text; bytes that are not UTF-8 show as U+FFFD.
    public var description: String { String(decoding: bytes, as: UTF8.self) }

    /// The exact bytes in base64, for names that are not UTF-8.
    public var base64: String { Data(bytes).base64EncodedString() }

    public static func < (lhs: RelativePath, rhs: RelativePath) -> Bool {
        lhs.bytes.lexicographicallyPrecedes(rhs.bytes)
    }
}
