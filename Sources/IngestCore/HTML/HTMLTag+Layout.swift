import HTMLParsing

extension HTMLTag {
    /// Elements whose content is never article text: the head's, scripts and styles, embedded
    /// media, form controls, and the page's navigation, sidebars, footers and dialogs.
    var isNeverContent: Bool { Self.neverContent[Int(rawValue)] }

    /// Elements that start a line of their own: text before and after them is not one block.
    var isBlock: Bool { Self.blocks[Int(rawValue)] }

    var isHeading: Bool { self == .h1 || self == .h2 || self == .h3 || self == .h4 || self == .h5 || self == .h6 }

    private static let neverContentTags: [HTMLTag] = [
        .head, .title, .meta, .link, .base, .script, .style, .noscript, .template,
        .svg, .math, .canvas, .iframe, .frame, .frameset, .noframes, .object, .embed, .applet, .param,
        .video, .audio, .source, .track, .picture, .img, .map, .area,
        .input, .button, .select, .option, .optgroup, .textarea, .datalist, .output, .progress, .meter, .label,
        .nav, .aside, .footer, .dialog, .menu, .search, .figure, .figcaption, .header,
    ]

    private static let blockTags: [HTMLTag] = [
        .html, .body, .div, .p, .h1, .h2, .h3, .h4, .h5, .h6, .ul, .ol, .li, .dl, .dt, .dd, .dir,
        .blockquote, .pre, .table, .caption, .thead, .tbody, .tfoot, .tr, .td, .th, .section, .article,
        .main, .header, .footer, .address, .figure, .figcaption, .details, .summary, .center, .hr,
        .form, .fieldset, .legend, .hgroup, .listing, .xmp, .plaintext, .search, .dialog, .nav, .aside,
    ]

    private static let neverContent = table(neverContentTags)
    private static let blocks = table(blockTags)

    private static func table(_ tags: [HTMLTag]) -> [Bool] {
        var table = [Bool](repeating: false, count: Int(UInt8.max) + 1)
        for tag in tags { table[Int(tag.rawValue)] = true }
        return table
    }
}
