import Foundation
import IngestCore
import IngestTestSupport
import Testing

/// Seeded random and mutated inputs through everything that reads untrusted bytes: no crash, no
/// hang, and the invariants hold.
@Suite struct FuzzTests {
    static let inputs = 100_000

    @Test(.timeLimit(.minutes(5))) func parserAndDecoderSurviveRandomAndMutatedInput() throws {
        var random = SeededGenerator(seed: 0x1A2B_3C4D)
        let corpus = Seeds.names.indices.map(Seeds.bytes) + [
            Array(#"{"title":"عنوان","content":"نص","source":"spa"}"#.utf8), [0xEF, 0xBB, 0xBF], [0xFF, 0xFE], [0xFE, 0xFF],
        ]
        var articles = 0
        for round in 0..<Self.inputs {
            let bytes = Self.input(round, corpus: corpus, random: &random)
            let name = round % 3 == 0 ? "f.json" : "f.txt"
            let first = ArticleParser.parse(bytes, fileName: name)
            #expect(first == ArticleParser.parse(bytes, fileName: name), "parsing is deterministic")
            guard case .success(let article) = first else { continue }
            articles += 1
            let canonical = CanonicalText.canonicalize(article.title + " " + article.body)
            #expect(CanonicalText.canonicalize(canonical) == canonical, "canonical form is idempotent")
            if round % 10 == 0 {
                let analysis = FileAnalysis(file: RelativePath(bytes: Array(bytes.prefix(12))), content: bytes)
                var ingestor = Ingestor()
                let line = ingestor.record(for: analysis, time: "t").jsonLine()
                #expect((try? JSONSerialization.jsonObject(with: Data(line))) != nil, "every record is valid JSON")
            }
        }
        #expect(articles > Self.inputs / 10, "the mutations must leave many inputs parseable")
    }

    /// Pages in the layouts of Arabic news sites, cut and mutated with markup bytes, through the
    /// HTML path: no crash, no hang, the same result twice, valid records.
    @Test(.timeLimit(.minutes(5))) func webPagesSurviveMutatedMarkup() throws {
        var random = SeededGenerator(seed: 0x5EED_4A7E)
        let pages = ArabicPageLayout.allCases.flatMap { layout in
            Seeds.names.indices.map { index in
                let seed = ArabicPageLayout.seedArticle(index)
                return layout.page(title: seed.title, lines: seed.lines)
            }
        }
        let markup: [UInt8] = Array("<>/=\"'&!-;#x[] \n".utf8) + [0, 0xC3, 0xD8, 0xFF]
        var articles = 0
        for _ in 0..<3_000 {
            let page = pages.randomElement(using: &random)!
            let start = Int.random(in: 0..<page.count / 2, using: &random)
            var bytes = Array(page[start..<min(page.count, start + Int.random(in: 100...20_000, using: &random))])
            for _ in 0..<Int.random(in: 0...12, using: &random) {
                let position = Int.random(in: 0..<bytes.count, using: &random)
                if Bool.random(using: &random) {
                    bytes.insert(markup.randomElement(using: &random)!, at: position)
                } else {
                    Self.mutate(&bytes, random: &random)
                }
            }
            let result = ArticleParser.parse(bytes, fileName: "p.html")
            #expect(result == ArticleParser.parse(bytes, fileName: "p.html"), "parsing is deterministic")
            guard case .success(let article) = result else { continue }
            articles += 1
            #expect(!article.body.isEmpty)
            var ingestor = Ingestor()
            let line = ingestor.record(for: FileAnalysis(file: RelativePath("p.html"), content: bytes), time: "t").jsonLine()
            #expect((try? JSONSerialization.jsonObject(with: Data(line))) != nil, "every record is valid JSON")
        }
        #expect(articles > 750, "the mutations must leave many pages with an article")
    }

    @Test(.timeLimit(.minutes(2))) func journalScannerAndVerifierSurviveGarbage() {
        var random = SeededGenerator(seed: 99)
        var ingestor = Ingestor()
        let valid = (0..<20).flatMap { ingestor.record(for: FileAnalysis(file: RelativePath("\($0)"), content: Array("خبر \($0 % 7)".utf8)), time: "t").jsonLine() }
        for _ in 0..<5_000 {
            var bytes = valid
            for _ in 0..<Int.random(in: 1...8, using: &random) {
                Self.mutate(&bytes, random: &random)
            }
            var scanner = JournalScanner()
            var entries = 0
            var offset = 0
            while offset < bytes.count {
                let end = min(bytes.count, offset + Int.random(in: 1...300, using: &random))
                entries += scanner.feed(bytes[offset..<end]).count
                offset = end
            }
            let plan = scanner.finish()
            #expect(plan.keep + plan.cut == bytes.count)
            #expect(plan.keep == 0 || bytes[plan.keep - 1] == UInt8(ascii: "\n"))
            var verifier = JournalVerifier()
            _ = verifier.check(journal: bytes)
        }
    }

    /// Random bytes, random Arabic-heavy text, or a mutated slice of a real article.
    static func input(_ round: Int, corpus: [[UInt8]], random: inout SeededGenerator) -> [UInt8] {
        switch round % 4 {
        case 0:
            return (0..<Int.random(in: 0...300, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) }
        case 1:
            let alphabet = Array("ابتثجحخدذرزسشصضطظعغفقكلمنهوي أإآةىءًٌٍَُِّْـ٠١٢٣«»،؛؟.\n\r\t \"{}[]:,\u{200F}\u{FEFF}".unicodeScalars)
            let scalars = (0..<Int.random(in: 0...200, using: &random)).map { _ in alphabet.randomElement(using: &random)! }
            return Array(String(String.UnicodeScalarView(scalars)).utf8)
        default:
            let source = corpus.randomElement(using: &random)!
            let start = source.isEmpty ? 0 : Int.random(in: 0..<source.count, using: &random)
            var bytes = Array(source[start..<min(source.count, start + Int.random(in: 0...600, using: &random))])
            for _ in 0..<Int.random(in: 0...6, using: &random) { mutate(&bytes, random: &random) }
            return bytes
        }
    }

    static func mutate(_ bytes: inout [UInt8], random: inout SeededGenerator) {
        let interesting: [UInt8] = [0, 0x0A, 0x0D, 0x22, 0x5C, 0x7B, 0x7D, 0x80, 0xBF, 0xC0, 0xD8, 0xE2, 0xEF, 0xFE, 0xFF]
        let position = bytes.isEmpty ? 0 : Int.random(in: 0..<bytes.count, using: &random)
        switch Int.random(in: 0..<5, using: &random) {
        case 0 where !bytes.isEmpty: bytes[position] ^= UInt8(1) << UInt8.random(in: 0...7, using: &random)
        case 1: bytes.insert(interesting.randomElement(using: &random)!, at: position)
        case 2 where !bytes.isEmpty: bytes.remove(at: position)
        case 3 where !bytes.isEmpty: bytes[position] = interesting.randomElement(using: &random)!
        default: bytes.insert(contentsOf: bytes[position...].prefix(Int.random(in: 0...40, using: &random)), at: position)
        }
    }
}
