import HTMLParsing

/// Signs a page gives of where its article's body is.
enum ArticleHints {
    /// `itemprop="articleBody"`, or a class or id that names an article's body
    /// (`article-body`, `story-body`, `entry-content`, …; see ``BoilerplateNames/articleBodyParts``).
    static func isArticleBody(_ element: Int, in document: HTMLDocument) -> Bool {
        if let itemprop = document.attribute(.itemprop, of: element),
           BoilerplateNames.tokens(of: itemprop).contains(Array("articlebody".utf8)) {
            return true
        }
        for name in [HTMLAttribute.class, .id] {
            guard let value = document.attribute(name, of: element) else { continue }
            for token in BoilerplateNames.tokens(of: value)
            where BoilerplateNames.articleBodyParts.contains(where: { BoilerplateNames.contains(token, $0) }) {
                return true
            }
        }
        return false
    }
}
