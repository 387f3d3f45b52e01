import Foundation

/// Turns the bytes of a dropped file into an ``Article``, or says why it is not one.
///
/// Web pages are read by ``HTMLArticleParser`` (see ``HTMLDetection`` for which files are pages),
/// `.json` files hold one article object, and everything else is read as text (see ``TextDecoder``).
public enum ArticleParser {
    public static func parse(_ bytes: [UInt8], fileName: String) -> Result<Article, Rejection> {
        if bytes.isEmpty { return .failure(.empty) }
        if HTMLDetection.isHTML(fileName: fileName, bytes: bytes) { return HTMLArticleParser.parse(bytes) }
        return TextDecoder.decode(bytes).flatMap { decoded in
            if fileName.lowercased().hasSuffix(".json") { return parseJSON(decoded.text) }
            return parseText(decoded.text)
        }
    }

    /// A text article: the first line is the title when it reads as a heading (see ``isHeading(_:)``),
    /// the rest is the body; boilerplate lines are dropped.
    public static func parseText(_ text: String) -> Result<Article, Rejection> {
        let lines = contentLines(of: text)
        guard let first = lines.firstIndex(where: { !$0.isBlank }) else {
            return .failure(rejectionForNoContent(text))
        }
        let rest = lines[(first + 1)...]
        if isHeading(lines[first]) && rest.contains(where: { !$0.isBlank }) {
            return .success(Article(title: trimmed(lines[first]), body: paragraphs(rest)))
        }
        return .success(Article(title: "", body: paragraphs(lines[first...])))
    }

    /// A heading is one short line (at most 150 characters and 25 words) that does not end like a
    /// sentence or a clause.
    public static func isHeading(_ line: Substring) -> Bool {
        guard line.utf8.count <= 150 * 8 else { return false }
        let text = trimmed(line)
        guard let last = text.unicodeScalars.last, !sentenceEnders.contains(last) else { return false }
        return isShortEnoughForHeading(text)
    }

    /// At most 150 characters and 25 words. Counted on Unicode scalars, which is cheap; there are
    /// at least as many scalars as Characters and scalar words as Character words (a mark after
    /// a space joins the space's Character), so grapheme breaking is needed only past a limit.
    private static func isShortEnoughForHeading(_ text: String) -> Bool {
        var scalars = 0, words = 0, inWord = false
        for scalar in text.unicodeScalars {
            scalars += 1
            if scalar.isWhiteSpace {
                inWord = false
            } else if !inWord {
                inWord = true
                words += 1
            }
        }
        if scalars > 150 && text.count > 150 { return false }
        return words <= 25 || text.split(whereSeparator: \.isWhitespace).count <= 25
    }

    private static let sentenceEnders: Set<Unicode.Scalar> = [".", "!", "?", "؟", "…", ":", ";", "؛", ",", "،"]

    static func parseJSON(_ text: String) -> Result<Article, Rejection> {
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed])
        } catch {
            return .failure(.invalidJSON(jsonErrorDetail(error)))
        }
        guard let fields = object as? [String: Any] else { return .failure(.jsonNotAnObject) }
        let title = trimmed(Substring(string(fields["title"]) ?? ""))
        let text = ["content", "body", "text"].lazy.compactMap { string(fields[$0]) }.first ?? ""
        let body = paragraphs(contentLines(of: normalizingNewlines(text))[...])
        guard !title.isEmpty || !body.isEmpty else { return .failure(.jsonWithoutText) }
        let metadata = ArticleMetadata(
            source: string(fields["source"]), url: string(fields["url"]),
            author: string(fields["author"]), date: string(fields["date"]))
        return .success(Article(title: title, body: body, metadata: metadata))
    }

    /// The lines of `text` with boilerplate lines removed. Split on the UTF-8 newline byte in the
    /// string's storage, not on Characters (grapheme segmentation of every line would cost more
    /// than the rest of parsing) nor through `String.UTF8View` indices (a third of the parse).
    private static func contentLines(of text: String) -> [Substring] {
        var text = text
        let newlines = text.withUTF8(newlineOffsets)
        let utf8 = text.utf8
        var lines: [Substring] = []
        lines.reserveCapacity(newlines.count + 1)
        var start = utf8.startIndex
        for offset in newlines + [utf8.count] {
            let end = utf8.index(utf8.startIndex, offsetBy: offset)
            let line = text[start..<end]
            if !Boilerplate.isBoilerplate(line) { lines.append(line) }
            if end < utf8.endIndex { start = utf8.index(after: end) }
        }
        return lines
    }

    /// The offsets of the LF bytes, found with memchr: a comparison per byte in Swift cost more
    /// than all the rest of splitting.
    private static func newlineOffsets(_ bytes: UnsafeBufferPointer<UInt8>) -> [Int] {
        var offsets: [Int] = []
        guard let base = bytes.baseAddress else { return offsets }
        var offset = 0
        while offset < bytes.count, let found = memchr(base + offset, Int32(UInt8(ascii: "\n")), bytes.count - offset) {
            let newline = UnsafePointer<UInt8>(found.assumingMemoryBound(to: UInt8.self)) - base
            offsets.append(newline)
            offset = newline + 1
        }
        return offsets
    }

    private static func rejectionForNoContent(_ text: String) -> Rejection {
        text.allSatisfy(\.isWhitespace) ? .whiteSpaceOnly : .boilerplateOnly
    }

    /// Lines joined into paragraphs: trailing white space trimmed, runs of blank lines collapsed into
    /// one, blank lines at either end dropped.
    private static func paragraphs(_ lines: ArraySlice<Substring>) -> String {
        var output: [Substring] = []
        for line in lines {
            let line = line.trimmingTrailingWhitespace()
            if line.isEmpty && (output.last?.isEmpty ?? true) { continue }
            output.append(line)
        }
        while output.last?.isEmpty == true { output.removeLast() }
        return output.joined(separator: "\n")
    }

    private static func trimmed(_ line: Substring) -> String {
        let end = line.trimmingTrailingWhitespace()
        let start = end.unicodeScalars.firstIndex { !$0.isWhiteSpace } ?? end.endIndex
        return String(end[start...])
    }

    private static func string(_ value: Any?) -> String? {
        value as? String
    }

    private static func normalizingNewlines(_ text: String) -> String {
        text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
    }

    private static func jsonErrorDetail(_ error: Error) -> String {
        let nsError = error as NSError
        return (nsError.userInfo[NSDebugDescriptionErrorKey] as? String) ?? nsError.localizedDescription
    }
}

extension Substring {
    fileprivate var isBlank: Bool { unicodeScalars.allSatisfy(\.isWhiteSpace) }

    /// Works on Unicode scalars, which is cheap, rather than Characters.
    fileprivate func trimmingTrailingWhitespace() -> Substring {
        let scalars = unicodeScalars
        var end = scalars.endIndex
        while end > scalars.startIndex, scalars[scalars.index(before: end)].isWhiteSpace {
            end = scalars.index(before: end)
        }
        return self[startIndex..<end]
    }
}

extension Unicode.Scalar {
    /// `properties.isWhitespace`, answered without the property lookup for the scalars that make
    /// up nearly all text (ASCII, and everything below U+1680 other than U+0085 and U+00A0).
    @inline(__always)
    var isWhiteSpace: Bool {
        if value < 0x80 { return value == 0x20 || (0x09...0x0D).contains(value) }
        if value < 0x1680 && value != 0x85 && value != 0xA0 { return false }
        return properties.isWhitespace
    }
}
