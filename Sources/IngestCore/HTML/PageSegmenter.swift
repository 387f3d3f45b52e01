import HTMLParsing

/// Splits a page into ``TextBlock``s in document order, leaving out what is never article text
/// (see ``PageRegions``).
struct PageSegmenter {
    let document: HTMLDocument
    let regions: PageRegions

    private var found: [TextBlock] = []
    private var builder = TextBlockBuilder()
    /// Open elements, innermost last.
    private var open: [Int] = []
    /// Open block-level elements, innermost last.
    private var openBlocks: [Int] = []
    private var openLinks = 0
    private var nextRun = 0
    /// The next element to open, and where the text of the block being built started.
    private var nextElement = 0
    private var blockPosition = 0

    init(document: HTMLDocument, regions: PageRegions) {
        self.document = document
        self.regions = regions
    }

    mutating func blocks() -> [TextBlock] {
        let elements = document.elements
        var element = 0
        while element < elements.count {
            nextElement = element
            appendRuns(before: Int(elements[element].firstRun))
            closeElements(outside: Int(elements[element].parent))
            if regions.isRemoved(element) {
                if elements[element].tag.isBlock { finishBlock() }
                nextRun = Int(elements[element].endRun)
                element = Int(elements[element].end)
                continue
            }
            openElement(element)
            element += 1
        }
        nextElement = elements.count
        appendRuns(before: document.runs.count)
        closeElements(outside: -1)
        finishBlock()
        return found
    }

    private mutating func appendRuns(before limit: Int) {
        while nextRun < limit {
            let run = document.runs[nextRun]
            closeElements(outside: Int(run.element))
            let wasEmpty = builder.isEmpty
            builder.append(document.bytes(of: nextRun), inLink: openLinks > 0)
            if wasEmpty && !builder.isEmpty { blockPosition = nextElement }
            nextRun += 1
        }
    }

    private mutating func openElement(_ element: Int) {
        let tag = document.elements[element].tag
        if tag.isBlock {
            finishBlock()
            openBlocks.append(element)
        }
        if tag == .a {
            openLinks += 1
            builder.noteLink()
        }
        if tag == .br { builder.appendLineBreak() }
        open.append(element)
    }

    /// Closes open elements until `element` is the innermost (all of them for -1).
    private mutating func closeElements(outside element: Int) {
        while let innermost = open.last, innermost != element {
            let tag = document.elements[innermost].tag
            if tag.isBlock {
                finishBlock()
                openBlocks.removeLast()
            }
            if tag == .a { openLinks -= 1 }
            open.removeLast()
        }
    }

    private mutating func finishBlock() {
        let container = openBlocks.last ?? -1
        let tag = container >= 0 ? document.elements[container].tag : .other
        if var block = builder.take(container: container, tag: tag) {
            block.position = blockPosition
            found.append(block)
        }
    }
}
