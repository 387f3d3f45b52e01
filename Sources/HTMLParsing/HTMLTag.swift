/// An element's name, for the elements that mean something to a reader of pages; every other
/// name (custom elements, SVG's inner elements, typos) is ``other``.
public enum HTMLTag: UInt8, Sendable, CaseIterable {
    case other
    // Document and metadata
    case html, head, body, title, meta, link, base, script, style, noscript, template
    // Embedded content
    case svg, math, canvas, iframe, frame, frameset, noframes, object, embed, applet, param
    case video, audio, source, track, picture, img, map, area
    // Forms
    case form, fieldset, legend, label, input, button, select, option, optgroup, textarea
    case datalist, output, progress, meter
    // Sections
    case nav, aside, header, footer, main, article, section, address, hgroup, search, dialog
    case h1, h2, h3, h4, h5, h6
    // Grouping
    case div, p, hr, pre, blockquote, ol, ul, li, dl, dt, dd, menu, dir, figure, figcaption
    case center, details, summary, listing, xmp, plaintext
    // Tables
    case table, caption, colgroup, col, thead, tbody, tfoot, tr, td, th
    // Text-level
    case a, em, strong, small, s, cite, q, dfn, abbr, ruby, rt, rp, data, time, code, `var`
    case samp, kbd, sub, sup, i, b, u, mark, bdi, bdo, span, br, wbr, ins, del
    case font, big, tt, strike, nobr, blink, marquee

    /// The tag for a lowercase element name, as the parser reports it.
    public init(name: some Collection<UInt8>) {
        self = Self.byPackedName[Self.packed(name)] ?? .other
    }

    /// The element name.
    public var name: String {
        switch self {
        case .other: "*"
        case .var: "var"
        default: String(describing: self)
        }
    }

    /// Names of up to 16 bytes packed into two integers, so that a lookup hashes two words rather
    /// than a string; longer names are not in the table and get 0, which no name packs to.
    static func packed(_ name: some Collection<UInt8>) -> Packed {
        guard name.count <= 16, !name.isEmpty else { return Packed(low: 0, high: 0) }
        var low: UInt64 = 0, high: UInt64 = 0
        for (offset, byte) in name.enumerated() {
            if offset < 8 { low |= UInt64(byte) << (offset * 8) } else { high |= UInt64(byte) << ((offset - 8) * 8) }
        }
        return Packed(low: low, high: high)
    }

    struct Packed: Hashable { var low: UInt64, high: UInt64 }

    private static let byPackedName: [Packed: HTMLTag] = Dictionary(
        uniqueKeysWithValues: allCases.filter { $0 != .other }.map { (packed(Array($0.name.utf8)), $0) })
}
