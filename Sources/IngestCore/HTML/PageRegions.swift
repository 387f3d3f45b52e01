import HTMLParsing

/// Which parts of a page are never article text: elements that are never content by their tag
/// (see ``HTMLTag/isNeverContent``), hidden elements, the landmarks of navigation, banners,
/// sidebars and footers (`role`), and elements whose class or id names boilerplate (menus, share
/// bars, comments, related and most-read lists, cookie banners, ads; see ``ElementNames``).
///
/// Names are only a hint. An element that holds an `<article>` or a sign of the article body
/// (`itemprop="articleBody"` or an article-body class) is never removed for its name, nor are
/// `html`, `body` and `main`; nor is an element that holds half of the page's paragraph text,
/// unless its name says comments: a page wrapper named `content-with-sidebar` holds the article.
struct PageRegions {
    private var removed: [Bool]

    /// Without `names`, class names and ids are not used.
    init(document: HTMLDocument, names: ElementNames?) {
        removed = document.elements.indices.map { Self.isNeverContent($0, in: document) }
        guard let names else { return }
        let protected = Self.ancestorsOfArticleBodies(in: document, names: names)
        let prose = Self.paragraphCharacters(in: document, outside: removed)
        for element in document.elements.indices
        where !removed[element] && !protected[element] && Self.mayBeRemovedForItsName(element, in: document) {
            switch names.meaning(of: element) {
            case .comments: removed[element] = true
            case .boilerplate: removed[element] = prose.perElement[element] * 2 < prose.total
            case .none, .articleBody: break
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
        if let role = document.attribute(.role, of: element), NamePatterns.isBoilerplateRole(role) { return true }
        if let style = document.attribute(.style, of: element), NamePatterns.hidesElement(style) { return true }
        return false
    }

    private static func mayBeRemovedForItsName(_ element: Int, in document: HTMLDocument) -> Bool {
        switch document.elements[element].tag {
        case .html, .body, .main: false
        default: true
        }
    }

    /// For each element, the characters of the text under it that is in a `<p>` and not in a
    /// link; and the page's total. Text under `removed` elements does not count.
    private static func paragraphCharacters(in document: HTMLDocument, outside removed: [Bool]) -> (perElement: [Int], total: Int) {
        var inRemoved = removed
        for element in document.elements.indices where !inRemoved[element] {
            let parent = Int(document.elements[element].parent)
            if parent >= 0 && inRemoved[parent] { inRemoved[element] = true }
        }
        var characters = [Int](repeating: 0, count: document.elements.count)
        var total = 0
        for run in document.runs.indices where !isInRemoved(run, inRemoved, document) && isParagraphText(run, in: document) {
            let count = document.bytes(of: run).reduce(0) { $0 + ($1 & 0xC0 == 0x80 || $1 <= 0x20 ? 0 : 1) }
            total += count
            characters[Int(document.runs[run].element)] += count
        }
        // Children come after their parents: one pass from the end adds each element's total to
        // its parent's.
        for element in document.elements.indices.reversed() {
            let parent = Int(document.elements[element].parent)
            if parent >= 0 { characters[parent] += characters[element] }
        }
        return (characters, total)
    }

    private static func isInRemoved(_ run: Int, _ inRemoved: [Bool], _ document: HTMLDocument) -> Bool {
        let element = Int(document.runs[run].element)
        return element >= 0 && inRemoved[element]
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

    /// Elements that hold an `<article>` or an article-body hint, or are one.
    private static func ancestorsOfArticleBodies(in document: HTMLDocument, names: ElementNames) -> [Bool] {
        var protected = [Bool](repeating: false, count: document.elements.count)
        for element in document.elements.indices
        where document.elements[element].tag == .article || names.isArticleBody(element) {
            var ancestor = element
            while ancestor >= 0, !protected[ancestor] {
                protected[ancestor] = true
                ancestor = Int(document.elements[ancestor].parent)
            }
        }
        return protected
    }
}
