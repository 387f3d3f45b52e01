/// A parsed HTML page as flat arrays: its elements in document order, its text runs in document
/// order, and the attributes that matter to a reader of pages (see ``HTMLAttribute``).
///
/// Parsed by libxml2's HTML parser (see ``init(parsing:encoding:)``), which repairs broken markup
/// the way browsers of its time did. The flat layout makes the questions an extractor asks cheap:
/// the descendants of element `e` are `elements[(e + 1)..<elements[e].end]`, the text under it is
/// `runs[elements[e].firstRun..<elements[e].endRun]`, and the text before a child `c` in document
/// order is the runs before `elements[c].firstRun`.
public struct HTMLDocument: Sendable {
    public struct Element: Sendable {
        public let tag: HTMLTag
        /// The parent's index, or -1 at the top.
        public let parent: Int32
        /// One past the last descendant's index.
        public internal(set) var end: Int32
        /// The text runs under the element: `firstRun..<endRun`. An element with no text has an
        /// empty range at the position of the next run, which places it among the runs.
        public let firstRun: Int32
        public internal(set) var endRun: Int32
        let firstAttribute: Int32
        var endAttribute: Int32
    }

    /// Text directly inside one element, entities decoded, white space as in the page.
    public struct TextRun: Sendable {
        /// The index of the element the text is directly in, or -1 at the top.
        public let element: Int32
        let start: Int32
        var end: Int32
    }

    struct Attribute: Sendable {
        let name: HTMLAttribute
        let start: Int32
        let end: Int32
    }

    public internal(set) var elements: [Element] = []
    public internal(set) var runs: [TextRun] = []
    /// The UTF-8 bytes of all runs, in order.
    var text: [UInt8] = []
    var attributes: [Attribute] = []
    var attributeText: [UInt8] = []
    /// Set when the page was not parsed to its end because its markup would have kept the parser
    /// busy for minutes; what was parsed before is kept.
    public internal(set) var limitReached: Limit?

    /// An empty document.
    public init() {}

    /// The UTF-8 bytes of a text run.
    public func bytes(of run: Int) -> ArraySlice<UInt8> {
        text[Int(runs[run].start)..<Int(runs[run].end)]
    }

    /// The text of a run.
    public func string(of run: Int) -> String {
        String(decoding: bytes(of: run), as: UTF8.self)
    }

    /// The UTF-8 bytes of an attribute of element `element`, entities decoded; nil when the element
    /// does not have it.
    public func attribute(_ name: HTMLAttribute, of element: Int) -> ArraySlice<UInt8>? {
        let element = elements[element]
        var index = Int(element.firstAttribute)
        while index < Int(element.endAttribute) {
            let attribute = attributes[index]
            if attribute.name == name { return attributeText[Int(attribute.start)..<Int(attribute.end)] }
            index += 1
        }
        return nil
    }

    /// An attribute's value as a string; nil when the element does not have it.
    public func string(_ name: HTMLAttribute, of element: Int) -> String? {
        attribute(name, of: element).map { String(decoding: $0, as: UTF8.self) }
    }

    /// Whether element `element` has the attribute at all.
    public func has(_ name: HTMLAttribute, _ element: Int) -> Bool {
        attribute(name, of: element) != nil
    }

    /// All text under element `element`, runs joined as they are.
    public func textContent(of element: Int) -> String {
        let element = elements[element]
        var bytes: [UInt8] = []
        for run in Int(element.firstRun)..<Int(element.endRun) { bytes += self.bytes(of: run) }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Elements deeper than this are not kept; their text goes to the deepest kept ancestor. Real
    /// pages nest a few dozen deep; the limit bounds what a hostile page costs.
    public static let maximumDepth = 256
}
