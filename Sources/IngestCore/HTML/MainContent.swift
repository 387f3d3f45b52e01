import HTMLParsing

/// Finds the element that holds a page's article and the blocks of it that are article text.
///
/// Every block gets a weight: positive for text that reads like prose (long, few links), negative
/// for what reads like navigation (links, short labels). An element's score is the sum of the
/// weights of the blocks in it, each weight counted in full in the block's own element and its
/// parent and by 0.8 less at each level above: the best-scoring element holds the paragraphs and
/// stops before the menus and lists around them, and an ancestor does not win by gathering the
/// teasers of other stories from all over the page. An article-body name (see ``ElementNames``)
/// raises an element's score by a quarter. The weights and the decay were chosen on the article
/// extraction benchmark (docs/benchmarks.md).
struct MainContent {
    let document: HTMLDocument
    let names: ElementNames
    let blocks: [TextBlock]

    /// The index of the element that holds the article, or nil when no block reads like prose.
    func container() -> Int? {
        var scores = decayedScores()
        for element in scores.indices where scores[element] > 0 && names.isArticleBody(element) {
            scores[element] *= Self.articleBodyBonus
        }
        var best: Int?
        for element in scores.indices where scores[element] > 0 {
            if best == nil || scores[element] >= scores[best!] { best = element }
        }
        return best
    }

    /// Each element's score: the weights of the blocks of its own and its children in full, those
    /// further down by `decay` less a level. Children come after their parents, so one pass from
    /// the end passes each element's sums up: its own blocks (`own`) and, decayed, the rest.
    private func decayedScores() -> [Double] {
        var own = [Double](repeating: 0, count: document.elements.count)
        for block in blocks where block.container >= 0 { own[block.container] += Self.weight(of: block) }
        var scores = own
        for element in document.elements.indices.reversed() {
            let parent = Int(document.elements[element].parent)
            guard parent >= 0 else { continue }
            scores[parent] += own[element] + Self.decay * (scores[element] - own[element])
        }
        return scores
    }

    /// The blocks inside the article's elements (disjoint, in document order), without link lists
    /// and boilerplate lines; a block the page states as its body keeps its links.
    func articleBlocks(in elements: [Int]) -> [TextBlock] {
        elements.flatMap { blocks(in: $0) }.compactMap { block in
            if block.isStated { return block.keepingLines { line, _ in !HTMLBoilerplate.isBoilerplate(line) } }
            guard block.linkCharacters * 2 <= block.characters else { return nil }
            return block.keepingLines(Self.isArticleText)
        }
    }

    /// The blocks inside `element`: found by their position among the blocks between it and its
    /// end, without a pass over all of them (a page may have thousands of siblings).
    func blocks(in element: Int) -> [TextBlock] {
        let end = Int(document.elements[element].end)
        let first = firstBlock(atOrAfter: element + 1), last = firstBlock(atOrAfter: end + 1)
        return blocks[first..<last].filter { (element..<end).contains($0.container) }
    }

    /// The index of the first block whose position is at least `position`.
    private func firstBlock(atOrAfter position: Int) -> Int {
        var low = 0, high = blocks.count
        while low < high {
            let middle = (low + high) / 2
            if blocks[middle].position < position { low = middle + 1 } else { high = middle }
        }
        return low
    }

    private static let decay = 0.8
    private static let articleBodyBonus = 1.25

    /// Stated by the page as its body: its length. Mostly links: minus its length. Short (under 40
    /// characters: a label, a byline, a date): a little less than nothing. Otherwise its length,
    /// less two and a half times its links.
    static func weight(of block: TextBlock) -> Double {
        let characters = Double(block.characters), links = Double(block.linkCharacters)
        if block.isStated { return characters }
        if block.linkDensity > 0.5 { return -characters }
        if block.characters < 40 { return -0.25 * characters - links }
        return characters - 2.5 * links
    }

    /// Whether a line of a block is article text: not a short row of links ("Print | Send to a
    /// friend"), not a boilerplate phrase. (A block that is mostly links is left out whole.)
    static func isArticleText(_ line: Substring, _ counts: TextBlock.LineCounts) -> Bool {
        if counts.links >= 2 && counts.linkCharacters * 2 > counts.characters && counts.characters < 80 { return false }
        return !HTMLBoilerplate.isBoilerplate(line)
    }
}
