/// The attributes a page's reader looks at: what an element is for (`class`, `id`, `role`,
/// `itemprop`), whether it is shown (`hidden`, `aria-hidden`, `style`), and the page's metadata
/// (`meta`'s `property`, `name` and `content`, `link`'s `rel` and `href`, `time`'s `datetime`,
/// `script`'s `type`). Others are not kept.
public enum HTMLAttribute: UInt8, Sendable, CaseIterable {
    case id, `class`, role, itemprop, itemtype, rel, href, property, name, content, datetime, type
    case style, hidden, ariaHidden, charset

    /// The attribute's name in HTML.
    public var name: String {
        switch self {
        case .ariaHidden: "aria-hidden"
        case .class: "class"
        default: String(describing: self)
        }
    }

    /// The attribute for a lowercase name, as the parser reports it; nil for attributes not kept.
    init?(name: some Collection<UInt8>) {
        guard let attribute = Self.byPackedName[HTMLTag.packed(name)] else { return nil }
        self = attribute
    }

    private static let byPackedName: [HTMLTag.Packed: HTMLAttribute] = Dictionary(
        uniqueKeysWithValues: allCases.map { (HTMLTag.packed(Array($0.name.utf8)), $0) })
}
