@testable import IngestCore
import Testing

@Suite struct CanonicalTextTests {
    @Test(arguments: [
        ("مُحَمَّدٌ", "محمد"),                       // diacritics
        ("الـــسلام", "السلام"),                     // tatweel
        ("أحمد إبراهيم آمنة ٱلله", "احمد ابراهيم امنه الله"),  // hamza forms, alef wasla, teh marbuta
        ("مستشفى", "مستشفي"),                        // alef maqsura
        ("فارسی کتاب", "فارسي كتاب"),                 // Persian yeh and keheh
        ("قتل ٢٦ عنصراً و۱۷ مواطناً", "قتل 26 عنصرا و17 مواطنا"),  // Arabic-Indic and Persian digits
        ("«فزع» تركي", "فزع تركي"),                  // guillemets
        ("“اتفقا” على، وقف؟", "اتفقا علي وقف"),        // curly quotes, Arabic comma and question mark
        ("Hello, WORLD!", "hello world"),             // ASCII punctuation and case
        ("  a \t\n b  ", "a b"),                      // white space collapsed and trimmed
        ("a\u{200F}b\u{200B}c\u{FEFF}d\u{00AD}e\u{061C}f\u{2067}g", "abcdefg"),  // invisible format characters
        ("ﻻ ﺃﺣﻤﺪ", "لا احمد"),                         // presentation forms (NFKC)
        ("ｆｕｌｌ①", "full1"),                         // compatibility forms (NFKC)
        ("$100 + 5% = ١٠٥", "100 5 105"),             // symbols become spaces, digits stay
        ("", ""),
    ])
    func canonicalForm(input: String, expected: String) {
        #expect(CanonicalText.canonicalize(input) == expected)
    }

    @Test func neverDropsDigitsOrWords() {
        #expect(CanonicalText.canonicalize("قتل 26 شخصا") != CanonicalText.canonicalize("قتل 27 شخصا"))
        #expect(CanonicalText.canonicalize("في حلب") != CanonicalText.canonicalize("حلب"))
    }

    @Test func decomposedAndComposedHamzaAreEqual() {
        // أ written as alef + combining hamza above (U+0654) composes under NFKC, then folds.
        #expect(CanonicalText.canonicalize("\u{0627}\u{0654}حمد") == "احمد")
        #expect(CanonicalText.canonicalize("\u{0627}\u{0653}منه") == "امنه")
    }

    @Test func idempotent() {
        for index in Seeds.names.indices {
            let once = CanonicalText.canonicalize(Seeds.text(index))
            #expect(CanonicalText.canonicalize(once) == once)
        }
    }
}

import IngestTestSupport

@Suite struct CanonicalFastPathTests {
    /// Every scalar the fast path accepts, alone and in random strings (with the composing marks
    /// and letters it must refuse mixed in), gives the same canonical form as the rule with NFKC.
    @Test func fastPathAgreesWithNFKC() {
        let neutral = (UInt32(0)...0x206F).filter { CanonicalText.isNFKCNeutral($0) }.compactMap(Unicode.Scalar.init)
        for scalar in neutral {
            let text = "a" + String(scalar) + "ب"
            #expect(CanonicalText.canonicalUTF8(fastPath: text) == CanonicalText.canonicalUTF8(normalizing: text), "U+\(String(scalar.value, radix: 16))")
        }
        let alphabet = Array("اأإآءؤئةىيوهبتلمن ٠١٢«»،.؟\u{064E}\u{0651}\u{0640}\u{200F}\u{2026}\u{00A0}eZÉé".unicodeScalars)
            + [Unicode.Scalar(0x0654)!, Unicode.Scalar(0x0653)!, Unicode.Scalar(0x0675)!]
        var random = SeededGenerator(seed: 5)
        for _ in 0..<20_000 {
            let scalars = (0..<Int.random(in: 1...12, using: &random)).map { _ in alphabet.randomElement(using: &random)! }
            let text = String(String.UnicodeScalarView(scalars))
            let form = CanonicalText.canonicalForm(joining: [text])
            #expect(form.text == CanonicalText.canonicalUTF8(normalizing: text), "\(scalars.map { String($0.value, radix: 16) })")
            #expect(form.wordHashes == MinHashSketch.wordHashes(form.text))
        }
    }

    @Test func composingMarksTakeTheSlowPath() {
        #expect(CanonicalText.canonicalUTF8(fastPath: "و\u{0654}") == nil)
        #expect(CanonicalText.canonicalize("و\u{0654}") == "ؤ")
    }

    @Test(arguments: [
        (["عنوان الخبر", "نص  الخبر، هنا."], [2, 3]),
        (["", "نص الخبر"], [0, 2]),
        (["«»", "نص"], [0, 1]),
        (["عنوان", ""], [1, 0]),
        (["", ""], [0, 0]),
        (["وَ\u{0654}", "ﻻ ﺃﺣﻤﺪ!"], [1, 2]),  // both on the NFKC path
    ])
    func joinedPartsCountTheirOwnWords(parts: [String], words: [Int]) {
        let joined = CanonicalText.canonicalForm(joining: parts)
        #expect(joined.text == CanonicalText.canonicalUTF8(parts.joined(separator: " ")))
        #expect(joined.words == words)
        #expect(joined.wordHashes == MinHashSketch.wordHashes(joined.text))
    }

    @Test func identityEqualsCanonicalOfTheWhole() {
        for index in Seeds.names.indices {
            let article = try! ArticleParser.parse(Seeds.bytes(index), fileName: "a.txt").get()
            let whole = CanonicalText.canonicalUTF8(article.title.isEmpty ? article.body : article.title + " " + article.body)
            #expect(article.id == ContentID(digestOf: whole))
        }
    }
}
