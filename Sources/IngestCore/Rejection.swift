/// Why a file was not accepted as an article. `reason` is a sentence for the person who dropped it.
public struct Rejection: Error, Equatable, Sendable, CustomStringConvertible {
    public let reason: String

    public init(_ reason: String) { self.reason = reason }

    public var description: String { reason }
}

extension Rejection {
    public static let empty = Rejection("The file is empty.")
    public static let whiteSpaceOnly = Rejection("The file contains only white space.")
    public static let boilerplateOnly = Rejection(
        "The file contains only site boilerplate (share buttons, comment notices), no article text.")
    public static let binary = Rejection(
        "The file contains NUL bytes, so it is binary data, not a text article.")
    public static let controlCharacters = Rejection(
        "The file contains many control characters, so it is binary data, not a text article.")
    public static let utf16WithoutBOM = Rejection(
        "The file looks like UTF-16 without a byte-order mark; save it as UTF-8, or as UTF-16 with a BOM.")
    public static let utf32 = Rejection("The file is UTF-32, which is not supported; save it as UTF-8.")
    public static let invalidUTF8AfterBOM = Rejection(
        "The file starts with a UTF-8 byte-order mark but is not valid UTF-8.")
    public static let invalidUTF16 = Rejection(
        "The file starts with a UTF-16 byte-order mark but is not valid UTF-16.")
    public static let symbolicLink = Rejection(
        "The file is a symbolic link; ingestd never follows links. Drop the file itself, not a link to it.")

    public static func tooLarge(bytes: Int, limit: Int) -> Rejection {
        Rejection("The file is \(bytes) bytes, over the limit of \(limit) bytes (--max-bytes).")
    }

    public static func notRegularFile(kind: String) -> Rejection {
        Rejection("The entry is a \(kind), not a regular file; only regular files are read.")
    }

    public static func unreadable(_ detail: String) -> Rejection {
        Rejection("The file could not be read: \(detail).")
    }

    public static func invalidJSON(_ detail: String) -> Rejection {
        let detail = detail.hasSuffix(".") ? String(detail.dropLast()) : detail
        return Rejection("The .json file is not valid JSON: \(detail).")
    }

    public static let jsonNotAnObject = Rejection(
        "The .json file does not hold one article object; expected {\"title\": …, \"content\": …}.")
    public static let jsonWithoutText = Rejection(
        "The .json object has no article text: it needs a non-empty \"title\" or \"content\", \"body\" or \"text\" string.")
}
