import HTMLParsing

/// Text between two block boundaries of a page: a paragraph, a heading, a list item, the text of
/// a table cell. White space is collapsed as a browser shows it; a `<br>` is a line break.
struct TextBlock {
    var text: String
    /// The innermost block-level element the text is in.
    var container: Int
    /// That element's tag.
    var tag: HTMLTag
    /// How many elements of the page start before the block's text: the blocks of a page are in
    /// this order, and a block is inside element `e` only when `e < position <= end of e`.
    var position: Int = 0
    /// Whether the article body the page states (see ``StatedBody``) holds the block's words.
    var isStated = false
    /// Characters other than white space, and how many of them are inside links.
    var characters: Int
    var linkCharacters: Int
    /// The same counts for each line (`text` has a newline between lines), and how many links start in it.
    var lines: [LineCounts] = []

    struct LineCounts {
        var characters: Int
        var linkCharacters: Int
        /// How many links start in the line.
        var links = 0
    }

    var linkDensity: Double { characters == 0 ? 0 : Double(linkCharacters) / Double(characters) }

    /// The block with only the lines `keep` accepts, or nil when it accepts none. A page laid out
    /// with `<br>` has its article and its "Print | Send to a friend" links in one block.
    func keepingLines(_ keep: (Substring, LineCounts) -> Bool) -> TextBlock? {
        guard lines.count > 1 else {
            return keep(text[...], lines.first ?? LineCounts(characters: characters, linkCharacters: linkCharacters)) ? self : nil
        }
        let kept = zip(text.split(separator: "\n", omittingEmptySubsequences: false), lines).filter(keep)
        guard !kept.isEmpty else { return nil }
        var block = self
        block.text = kept.map(\.0).joined(separator: "\n")
        block.lines = kept.map(\.1)
        block.characters = block.lines.reduce(0) { $0 + $1.characters }
        block.linkCharacters = block.lines.reduce(0) { $0 + $1.linkCharacters }
        return block
    }
}

/// Collects the text of one block, collapsing white space and counting as it goes.
struct TextBlockBuilder {
    private(set) var bytes: [UInt8] = []
    private(set) var characters = 0
    private(set) var linkCharacters = 0
    private var pendingSpace = false
    private var pendingLineBreak = false
    /// Counts of the lines before the current one, and where the current one's counts start.
    private var lines: [TextBlock.LineCounts] = []
    private var lineStart = TextBlock.LineCounts(characters: 0, linkCharacters: 0)
    private var links = 0
    /// Links opened whose text has not started yet: they count in the line their text is in.
    private var linksStarting = 0

    var isEmpty: Bool { bytes.isEmpty }

    /// A link starts.
    mutating func noteLink() {
        linksStarting += 1
    }

    /// A `<br>`: the next text starts a new line (one line break for several `<br>`, none at the start).
    mutating func appendLineBreak() {
        pendingLineBreak = !bytes.isEmpty
    }

    mutating func append(_ text: ArraySlice<UInt8>, inLink: Bool) {
        var index = text.startIndex
        while index < text.endIndex {
            let byte = text[index]
            if byte == 0x20 || (0x09...0x0D).contains(byte) {
                pendingSpace = true
            } else if byte == 0xC2, index + 1 < text.endIndex, text[index + 1] == 0xA0 {
                pendingSpace = true  // no-break space
                index += 1
            } else {
                if pendingSpace || pendingLineBreak || bytes.isEmpty { startWord() }
                links += linksStarting
                linksStarting = 0
                bytes.append(byte)
                if byte & 0xC0 != 0x80 {
                    characters += 1
                    if inLink { linkCharacters += 1 }
                }
            }
            index += 1
        }
    }

    private mutating func startWord() {
        if pendingLineBreak {
            bytes.append(0x0A)
            finishLine()
        } else if !bytes.isEmpty {
            bytes.append(0x20)
        }
        pendingSpace = false
        pendingLineBreak = false
    }

    private mutating func finishLine() {
        lines.append(TextBlock.LineCounts(characters: characters - lineStart.characters,
                                          linkCharacters: linkCharacters - lineStart.linkCharacters, links: links - lineStart.links))
        lineStart = TextBlock.LineCounts(characters: characters, linkCharacters: linkCharacters, links: links)
    }

    /// The block, or nil when it has no text; the builder is empty again afterwards.
    mutating func take(container: Int, tag: HTMLTag) -> TextBlock? {
        defer { self = TextBlockBuilder() }
        guard !bytes.isEmpty else { return nil }
        finishLine()
        return TextBlock(text: String(decoding: bytes, as: UTF8.self), container: container, tag: tag, position: 0,
                         characters: characters, linkCharacters: linkCharacters, lines: lines)
    }
}
