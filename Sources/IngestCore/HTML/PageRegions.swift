import HTMLParsing

/// Which parts of a page are never article text: elements that are never content by their tag
/// (see ``HTMLTag/isNeverContent``), hidden elements, the landmarks of navigation, banners,
/// sidebars and footers (`role`), and elements whose class or id names boilerplate (menus, share
/// bars, comments, related and most-read lists, cookie banners, ads; see ``BoilerplateNames``).
///
/// Names are only a hint. An element that holds an `<article>` or a sign of the article body
/// (`itemprop="articleBody"` or an article-body class) is never removed for its name, nor are
/// `html`, `body` and `main`; nor is an element that holds half of the page's paragraph text,
/// unless its name says comments: a page wrapper named `content-with-sidebar` holds the article.
struct PageRegions {
    private var removed: [Bool]

    init(document: HTMLDocument, byName: Bool = true) {
        removed = Array(repeating: false, count: document.elements.count)
        let protected = byName ? Self.ancestorsOfArticleBodies(in: document) : []
        let prose = byName ? Self.paragraphCharacters(in: document) : (perElement: [], total: 0)
        for element in document.elements.indices {
            if Self.isNeverContent(element, in: document) {
                removed[element] = true
            } else if byName, !protected.contains(element), let name = Self.boilerplateName(element, in: document) {
                removed[element] = name == .comments || prose.perElement[element] * 2 < prose.total
            }
        }
    }

    /// Whether the element and everything in it is left out.
    func isRemoved(_ element: Int) -> Bool { removed[element] }

    static func isNeverContent(_ element: Int, in document: HTMLDocument) -> Bool {
        let tag = document.elements[element].tag
        if tag.isNeverContent { return true }
        if document.has(.hidden, element) { return true }
        if let hidden = document.attribute(.ariaHidden, of: element), hidden.elementsEqual("true".utf8) { return true }
        if let role = document.attribute(.role, of: element), BoilerplateNames.isBoilerplateRole(role) { return true }
        if let style = document.attribute(.style, of: element), BoilerplateNames.hidesElement(style) { return true }
        return false
    }

    private static func boilerplateName(_ element: Int, in document: HTMLDocument) -> BoilerplateNames.Kind? {
        switch document.elements[element].tag {
        case .html, .body, .main: return nil
        default: break
        }
        let names = [document.attribute(.class, of: element), document.attribute(.id, of: element)].compactMap { $0 }
        return names.isEmpty ? nil : BoilerplateNames.kind(names)
    }

    /// For each element, the characters of the text under it that is in a `<p>` and not in a
    /// link; and the page's total.
    private static func paragraphCharacters(in document: HTMLDocument) -> (perElement: [Int], total: Int) {
        var characters = [Int](repeating: 0, count: document.elements.count)
        var total = 0
        for run in document.runs.indices where isParagraphText(run, in: document) {
            let count = document.bytes(of: run).reduce(0) { $0 + ($1 & 0xC0 == 0x80 || $1 <= 0x20 ? 0 : 1) }
            total += count
            var element = Int(document.runs[run].element)
            while element >= 0 {
                characters[element] += count
                element = Int(document.elements[element].parent)
            }
        }
        return (characters, total)
    }

    /// Whether the innermost block around a run is a `<p>`, with no link in between.
    private static func isParagraphText(_ run: Int, in document: HTMLDocument) -> Bool {
        var element = Int(document.runs[run].element)
        while element >= 0 {
            let tag = document.elements[element].tag
            if tag == .a { return false }
            if tag.isBlock { return tag == .p }
            element = Int(document.elements[element].parent)
        }
        return false
    }

    /// Elements that hold an `<article>` or an article-body hint, and their ancestors.
    private static func ancestorsOfArticleBodies(in document: HTMLDocument) -> Set<Int> {
        var protected = Set<Int>()
        for element in document.elements.indices
        where document.elements[element].tag == .article || ArticleHints.isArticleBody(element, in: document) {
            var ancestor = element
            while ancestor >= 0, protected.insert(ancestor).inserted {
                ancestor = Int(document.elements[ancestor].parent)
            }
        }
        return protected
    }
}
