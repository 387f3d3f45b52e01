import HTMLParsing

extension MainContent {
    /// The article's element and the elements beside it that continue its text: an article split
    /// into sections by a picture, a pull quote or an advertisement is one article.
    ///
    /// From `container` up a few levels, the siblings next to the part found so far are taken
    /// while they read like more of it: mostly prose, few links, and paragraphs shaped like the
    /// article's (the same element and class). A sibling with no text is passed over; a heading
    /// or a short line between two parts is taken with them; the first sibling that is neither
    /// ends the search on that side, since an article's text is contiguous.
    func continuation(of container: Int) -> [Int] {
        let shapes = Set(blocks(in: container).filter(Self.isProse).map(shape))
        guard !shapes.isEmpty else { return [container] }
        var taken = [container]
        var node = container
        var open = (before: true, after: true)
        for _ in 0..<Self.continuationLevels {
            let parent = Int(document.elements[node].parent)
            guard parent >= 0, open.before || open.after, document.elements[parent].tag != .body else { break }
            let siblings = children(of: parent)
            let position = siblings.firstIndex(of: node)!
            if open.before {
                let found = extend(siblings[..<position].reversed(), shapes: shapes)
                taken += found.taken
                open.before = !found.stopped
            }
            if open.after {
                let found = extend(siblings[(position + 1)...], shapes: shapes)
                taken += found.taken
                open.after = !found.stopped
            }
            node = parent
        }
        return taken.sorted()
    }

    private static let continuationLevels = 6

    /// Siblings taken, in the order given, until one that does not continue the article.
    private func extend(_ siblings: some Sequence<Int>, shapes: Set<Shape>) -> (taken: [Int], stopped: Bool) {
        var taken: [Int] = [], bridging: [Int] = []
        for sibling in siblings {
            let inside = blocks(in: sibling)
            if inside.isEmpty { continue }
            if continuesArticle(inside, shapes: shapes) {
                taken += bridging + [sibling]
                bridging = []
            } else if bridges(inside) {
                bridging.append(sibling)
            } else {
                return (taken, true)
            }
        }
        return (taken, false)
    }

    /// Mostly prose, few links, and prose shaped like the article's.
    private func continuesArticle(_ inside: [TextBlock], shapes: Set<Shape>) -> Bool {
        let characters = inside.reduce(0) { $0 + $1.characters }
        let links = inside.reduce(0) { $0 + $1.linkCharacters }
        let prose = inside.filter(Self.isProse)
        let proseCharacters = prose.reduce(0) { $0 + $1.characters }
        return links * 4 < characters && proseCharacters * 2 >= characters
            && prose.contains { shapes.contains(shape(of: $0)) }
    }

    /// A subheading or a short line without links: kept when article text follows it.
    private func bridges(_ inside: [TextBlock]) -> Bool {
        inside.count <= 2 && inside.allSatisfy { $0.linkCharacters == 0 && $0.characters < 200 }
    }

    static func isProse(_ block: TextBlock) -> Bool {
        block.characters >= 80 && block.linkCharacters * 4 < block.characters
    }

    /// What a paragraph of the article looks like: its element's tag and class.
    struct Shape: Hashable {
        var tag: HTMLTag
        var className: [UInt8]
    }

    private func shape(of block: TextBlock) -> Shape {
        Shape(tag: block.tag, className: block.container >= 0 ? Array(document.attribute(.class, of: block.container) ?? []) : [])
    }

    private func children(of element: Int) -> [Int] {
        var children: [Int] = []
        var child = element + 1
        while child < Int(document.elements[element].end) {
            children.append(child)
            child = Int(document.elements[child].end)
        }
        return children
    }
}
