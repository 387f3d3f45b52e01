import IngestCore
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
