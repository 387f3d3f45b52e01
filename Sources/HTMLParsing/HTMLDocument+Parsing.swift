internal import CLibXML2

extension HTMLDocument {
    /// Parses a page with libxml2's HTML parser, which never touches the network, reads no external
    /// entities or DTDs, and repairs what is broken rather than stop.
    ///
    /// - Parameters:
    ///   - bytes: the page.
    ///   - encoding: its character set as a label libxml2 knows (`"windows-1252"`, `"shift_jis"`),
    ///     or nil for UTF-8. A `<meta charset>` in the page is ignored: the caller has decided.
    ///     UTF-8 input must be valid UTF-8, or libxml2 reads the rest of it as Latin-1.
    ///
    /// Markup that would keep libxml2 busy for minutes is not parsed to its end (see ``Limit``):
    /// ``limitReached`` says so.
    public init(parsing bytes: UnsafeRawBufferPointer, encoding: String? = nil) {
        self.init()
        guard !bytes.isEmpty else { return }
        let isUTF8 = encoding.map { ["utf-8", "utf8"].contains($0.lowercased()) } ?? true
        // The scan reads only ASCII bytes (`<`, `>`, `=`, quotes), which every encoding a page
        // comes in here leaves alone: UTF-16 was converted before, and no trail byte of a
        // multibyte legacy encoding is below 0x40.
        let scan = MarkupScan(bytes)
        guard scan.attributeWork <= Self.maximumWork else {
            limitReached = .attributes
            return
        }
        if let stripped = scan.stripped {
            stripped.withUnsafeBytes { self = Self.parsed($0, encoding: isUTF8 ? nil : encoding) }
        } else {
            self = Self.parsed(bytes, encoding: isUTF8 ? nil : encoding)
        }
    }

    /// What stops a parse: markup for which libxml2's work grows with the square of its size.
    public enum Limit: Sendable, Equatable {
        /// Tags with thousands of attributes: each attribute is compared with every earlier one.
        case attributes
        /// Thousands of end tags that close nothing, in deep nesting: each looks through all the
        /// open elements.
        case unmatchedEndTags
    }

    /// How many of those comparisons a page may need: about a tenth of a second. The 181 pages of
    /// the article extraction benchmark need at most 11,402 for their attributes.
    static let maximumWork = 20_000_000

    /// Whether libxml2 (through iconv) can convert from the character set `label` names.
    public static func canConvert(from label: String) -> Bool {
        Library.initialize
        guard let handler = xmlFindCharEncodingHandler(label) else { return false }
        xmlCharEncCloseFunc(handler)
        return true
    }

    /// Parses `bytes`; UTF-8 when `encoding` is nil.
    static func parsed(_ bytes: UnsafeRawBufferPointer, encoding: String?) -> HTMLDocument {
        Library.initialize
        guard let context = htmlCreateMemoryParserCtxt(bytes.baseAddress!.assumingMemoryBound(to: CChar.self),
                                                       Int32(clamping: bytes.count)) else { return HTMLDocument() }
        defer { htmlFreeParserCtxt(context) }
        // The callbacks reach the builder through a pointer, not a class reference, which would
        // cost an exclusivity check on every access to its properties.
        let builder = UnsafeMutablePointer<Builder>.allocate(capacity: 1)
        builder.initialize(to: Builder(context: context))
        defer { builder.deallocate() }
        context.pointee.sax.pointee = Builder.handler()
        context.pointee.userData = UnsafeMutableRawPointer(builder)
        _ = htmlCtxtUseOptions(context, Int32(Library.options))
        if let encoding, let handler = xmlFindCharEncodingHandler(encoding) {
            _ = xmlSwitchToEncoding(context, handler)
        } else {
            _ = xmlSwitchEncoding(context, XML_CHAR_ENCODING_UTF8)
        }
        _ = htmlParseDocument(context)
        if let document = context.pointee.myDoc { xmlFreeDoc(document) }
        var finished = builder.move()
        return finished.finish()
    }

    private enum Library {
        /// No network, no error output, keep going on broken markup, and the caller's character set
        /// over the page's. libxml2's HTML parser reads no DTD and expands only HTML's own entities.
        static let options = HTML_PARSE_NONET.rawValue | HTML_PARSE_NOERROR.rawValue
            | HTML_PARSE_NOWARNING.rawValue | HTML_PARSE_RECOVER.rawValue | HTML_PARSE_IGNORE_ENC.rawValue

        /// libxml2 must be initialised once before threads use it.
        static let initialize: Void = { xmlInitParser() }()
    }
}

/// Collects libxml2's SAX events into an ``HTMLDocument``.
private struct Builder {
    private var document = HTMLDocument()
    /// Indices of the open elements.
    private var open: [Int32] = []
    /// Elements opened past ``HTMLDocument/maximumDepth`` and not yet closed; they are not kept.
    private var untracked = 0
    /// The element count when the last run was started: text is added to that run only when no
    /// element came in between.
    private var elementsAtLastRun = -1
    /// Tags and attributes by the address of the name libxml2 passed: it interns names in a
    /// dictionary of the parser's, so each name has one address for the whole parse.
    private var tags = NameCache<HTMLTag>(HTMLTag.init(name:))
    private var attributeNames = NameCache<HTMLAttribute?>(HTMLAttribute.init(name:))
    private let context: htmlParserCtxtPtr
    /// Open elements looked through for end tags that did not match (see ``HTMLDocument/Limit``).
    private var endTagWork = 0

    init(context: htmlParserCtxtPtr) {
        self.context = context
        open.reserveCapacity(64)
    }

    mutating func finish() -> HTMLDocument {
        while !open.isEmpty { close() }
        return document
    }

    mutating func start(_ name: UnsafePointer<xmlChar>, _ attributes: UnsafeMutablePointer<UnsafePointer<xmlChar>?>?) {
        guard open.count < HTMLDocument.maximumDepth, untracked == 0 else {
            untracked += 1
            return
        }
        let firstAttribute = Int32(document.attributes.count)
        if let attributes { keep(attributes) }
        document.elements.append(HTMLDocument.Element(
            tag: tags[name], parent: open.last ?? -1, end: 0,
            firstRun: Int32(document.runs.count), endRun: 0,
            firstAttribute: firstAttribute, endAttribute: Int32(document.attributes.count)))
        open.append(Int32(document.elements.count - 1))
    }

    mutating func end() {
        if untracked > 0 {
            untracked -= 1
        } else if !open.isEmpty {
            close()
        }
    }

    mutating func characters(_ bytes: UnsafePointer<xmlChar>, _ count: Int32) {
        guard count > 0 else { return }
        let element = open.last ?? -1
        document.text.append(contentsOf: UnsafeBufferPointer(start: bytes, count: Int(count)))
        let end = Int32(document.text.count)
        if elementsAtLastRun == document.elements.count, let last = document.runs.indices.last,
           document.runs[last].element == element {
            document.runs[last].end = end
        } else {
            document.runs.append(HTMLDocument.TextRun(element: element, start: end - count, end: end))
            elementsAtLastRun = document.elements.count
        }
    }

    /// An error of libxml2's. An end tag that matches no open element, or not the innermost, made
    /// it look through the open elements.
    mutating func error(_ error: xmlErrorPtr) {
        guard error.pointee.code == XML_ERR_TAG_NAME_MISMATCH.rawValue else { return }
        endTagWork += Int(context.pointee.nameNr)
        if endTagWork > HTMLDocument.maximumWork, document.limitReached == nil {
            document.limitReached = .unmatchedEndTags
            xmlStopParser(context)
        }
    }

    private mutating func close() {
        let index = Int(open.removeLast())
        document.elements[index].end = Int32(document.elements.count)
        document.elements[index].endRun = Int32(document.runs.count)
    }

    /// Keeps the attributes that are in ``HTMLAttribute``; libxml2 passes name, value, name, value…
    private mutating func keep(_ attributes: UnsafeMutablePointer<UnsafePointer<xmlChar>?>) {
        var index = 0
        while let name = attributes[index] {
            defer { index += 2 }
            guard let attribute = attributeNames[name] else { continue }
            let start = Int32(document.attributeText.count)
            if let value = attributes[index + 1] {
                document.attributeText.append(contentsOf: UnsafeBufferPointer(start: value, count: strlen(value)))
            }
            document.attributes.append(HTMLDocument.Attribute(
                name: attribute, start: start, end: Int32(document.attributeText.count)))
        }
    }

    fileprivate static func from(_ context: UnsafeMutableRawPointer?) -> UnsafeMutablePointer<Builder> {
        context!.assumingMemoryBound(to: Builder.self)
    }

    /// SAX callbacks: elements, text and raw text (script and style bodies). Errors go nowhere.
    static func handler() -> htmlSAXHandler {
        var handler = htmlSAXHandler()
        handler.startElement = { context, name, attributes in Builder.from(context).pointee.start(name!, attributes) }
        handler.endElement = { context, _ in Builder.from(context).pointee.end() }
        handler.characters = { context, bytes, count in Builder.from(context).pointee.characters(bytes!, count) }
        handler.ignorableWhitespace = handler.characters
        handler.cdataBlock = handler.characters
        handler.serror = { context, error in Builder.from(context).pointee.error(error!) }
        handler.initialized = XML_SAX2_MAGIC
        return handler
    }
}

/// A direct-mapped cache of what a name means, by the name's address.
private struct NameCache<Value> {
    private var slots: [(name: UnsafePointer<xmlChar>?, value: Value)]
    private let lookUp: (UnsafeBufferPointer<xmlChar>) -> Value

    init(_ lookUp: @escaping (UnsafeBufferPointer<xmlChar>) -> Value) {
        self.lookUp = lookUp
        slots = Array(repeating: (nil, lookUp(UnsafeBufferPointer(start: nil, count: 0))), count: 64)
    }

    subscript(name: UnsafePointer<xmlChar>) -> Value {
        mutating get {
            let slot = Int(UInt(bitPattern: name) >> 3) & (slots.count - 1)
            if slots[slot].name == name { return slots[slot].value }
            let value = lookUp(UnsafeBufferPointer(start: name, count: strlen(name)))
            slots[slot] = (name, value)
            return value
        }
    }
}

private func strlen(_ string: UnsafePointer<xmlChar>) -> Int {
    var count = 0
    while string[count] != 0 { count += 1 }
    return count
}
