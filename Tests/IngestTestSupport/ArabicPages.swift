import Foundation
import IngestCore

/// An article wrapped in the page layouts of Arabic news sites: menus, share bars, "اقرأ أيضاً"
/// and most-read boxes, tags, comments and comment forms, cookie banners, newsletter forms, ads,
/// captions, footers; a legacy Windows-1256 page laid out in tables; a page with JSON-LD. The
/// article's own text is what ingestd must extract from each, and nothing else.
public enum ArabicPageLayout: String, CaseIterable, Sendable, CustomStringConvertible {
    case newsSite, legacyTables, linkedData, blog, bare

    public var description: String { rawValue }

    /// The metadata each layout's page gives.
    public static let url = "https://news.example/2016/12/01/aleppo-story"
    public static let published = "2016-12-01T09:30:00+03:00"
    public static let author = "فريق التحرير"

    /// The page's bytes for an article with `title` ("" for none) and body `lines`.
    public func page(title: String, lines: [String]) -> [UInt8] {
        let html: String
        switch self {
        case .newsSite: html = Self.newsSite(title: title, lines: lines)
        case .legacyTables: html = Self.legacyTables(title: title, lines: lines)
        case .linkedData: html = Self.linkedData(title: title, lines: lines)
        case .blog: html = Self.blog(title: title, lines: lines)
        case .bare: html = Self.bare(title: title, lines: lines)
        }
        if self == .legacyTables { return try! Iconv.convert(Array(html.utf8), from: "UTF-8", to: "WINDOWS-1256") }
        return Array(html.utf8)
    }

    /// A seed's title and body lines, as the text parser reads them.
    public static func seedArticle(_ index: Int) -> (title: String, lines: [String]) {
        let article = try! ArticleParser.parse(Seeds.bytes(index), fileName: "seed.txt").get()
        return (article.title, article.body.split(separator: "\n").map(String.init).filter { !$0.allSatisfy(\.isWhitespace) })
    }

    // MARK: - Layouts

    private static func newsSite(title: String, lines: [String]) -> String {
        """
        <!DOCTYPE html>
        <html lang="ar" dir="rtl"><head>
        <meta charset="utf-8">
        <title>\(escaped(title.isEmpty ? "البيان" : title + " | البيان"))</title>
        <meta property="og:site_name" content="البيان">
        \(title.isEmpty ? "" : "<meta property=\"og:title\" content=\"\(escaped(title))\">")
        <meta property="article:published_time" content="\(published)">
        <meta name="author" content="\(author)">
        <link rel="canonical" href="\(url)">
        <link rel="stylesheet" href="/css/site.css">
        <script>window.dataLayer = [{"section": "عربي ودولي"}]; function share(n) { return "<div>" + n + "</div>"; }</script>
        <style>.share a { color: #333 } .menu li { display: inline }</style>
        </head><body class="article-page">
        <header class="site-header"><a href="/" class="logo">البيان</a>
        <nav class="main-menu"><ul><li><a href="/">الرئيسية</a></li><li><a href="/local">محليات</a></li>
        <li><a href="/world">عربي ودولي</a></li><li><a href="/economy">اقتصاد</a></li><li><a href="/sport">رياضة</a></li>
        <li><a href="/culture">ثقافة</a></li><li><a href="/opinion">رأي</a></li><li><a href="/video">فيديو</a></li></ul></nav>
        <div class="breaking"><span>عاجل</span> <a href="/n/1">مجلس الأمن يعقد جلسة طارئة بشأن الوضع الإنساني في حلب</a></div>
        </header>
        <div class="breadcrumb"><a href="/">الرئيسية</a> › <a href="/world">عربي ودولي</a> › <a href="/world/syria">سوريا</a></div>
        <main><div class="row"><div class="col-main">
        <article>
        \(title.isEmpty ? "" : "<h1 class=\"headline\">\(escaped(title))</h1>")
        <div class="article-meta"><span class="date">التاريخ: 01 ديسمبر 2016</span> <span class="source">المصدر: وكالات</span></div>
        <div class="share-bar"><a href="#" class="font-up">ت +</a> <a href="#" class="font-down">ت -</a> <a href="#">الحجم الطبيعي</a>
        <a href="https://facebook.com/sharer">فيسبوك</a> <a href="https://twitter.com/share">تويتر</a> <a href="#">شارك</a> <a href="#" onclick="print()">طباعة</a> <a href="mailto:">أرسل لصديق</a></div>
        <div class="article-body">
        \(paragraphs(lines, insertingAfter: 2, "<div class=\"ad-slot\"><span>إعلان</span><ins class=\"adsbygoogle\"></ins></div>"))
        </div>
        <div class="read-also"><h3>اقرأ أيضاً</h3><ul>
        <li><a href="/n/2">لافروف: موسكو ستواصل عملياتها في شرق حلب حتى خروج المسلحين</a></li>
        <li><a href="/n/3">الأمم المتحدة تحذر من كارثة إنسانية في الأحياء المحاصرة</a></li>
        <li><a href="/n/4">تركيا تستضيف محادثات بين المعارضة السورية ومسؤولين روس</a></li></ul></div>
        <div class="tags"><span>الوسوم:</span> <a href="/tag/syria">سوريا</a> <a href="/tag/aleppo">حلب</a> <a href="/tag/russia">روسيا</a> <a href="/tag/turkey">تركيا</a></div>
        </article>
        <section id="comments" class="comments"><h3>التعليقات</h3>
        <div class="comment"><span class="comment-author">أبو محمد</span> <span class="comment-date">منذ ساعتين</span>
        <p>نسأل الله أن يحفظ أهل حلب ويرفع عنهم هذا البلاء، فقد طال الانتظار وعظمت المعاناة ولم يعد في الصبر متسع.</p></div>
        <div class="comment"><span class="comment-author">سارة</span> <span class="comment-date">منذ 3 ساعات</span>
        <p>المجتمع الدولي يتفرج على المأساة منذ سنوات، والاجتماعات لا تنتج إلا بيانات لا تغير شيئاً على الأرض.</p></div>
        <form class="comment-form" action="/comment" method="post"><h4>أضف تعليق</h4><label>الاسم</label><input name="name">
        <label>البريد الإلكتروني</label><input name="email"><textarea name="text">اكتب تعليقك هنا</textarea><button>إرسال</button></form>
        </section>
        </div>
        <aside class="sidebar"><div class="most-read"><h3>الأكثر قراءة</h3><ol>
        <li><a href="/n/5">أسعار الذهب تتراجع مع صعود الدولار في التعاملات المبكرة</a></li>
        <li><a href="/n/6">منتخب الإمارات يستعد لمواجهة حاسمة في تصفيات كأس العالم</a></li>
        <li><a href="/n/7">افتتاح معرض الكتاب بمشاركة أكثر من ألف دار نشر عربية وأجنبية</a></li>
        <li><a href="/n/8">توقعات بأمطار متفرقة على المناطق الشمالية خلال عطلة نهاية الأسبوع</a></li>
        </ol></div>
        <div class="newsletter"><h4>النشرة البريدية</h4><p>اشترك في النشرة البريدية ليصلك أهم الأخبار والتحليلات يومياً على بريدك الإلكتروني مجاناً.</p>
        <form><input type="email" placeholder="بريدك الإلكتروني"><button>اشترك</button></form></div>
        </aside></div></main>
        <footer class="site-footer"><ul><li><a href="/about">من نحن</a></li><li><a href="/contact">اتصل بنا</a></li>
        <li><a href="/privacy">سياسة الخصوصية</a></li><li><a href="/ads">أعلن معنا</a></li></ul>
        <p>جميع الحقوق محفوظة © 2016 مؤسسة دبي للإعلام. لا يجوز نسخ أو إعادة نشر أي جزء من محتوى الموقع دون إذن كتابي مسبق.</p></footer>
        <div class="cookie-banner"><p>نستخدم ملفات تعريف الارتباط (الكوكيز) لتحسين تجربتك على موقعنا. بمتابعة التصفح فإنك توافق على سياسة الخصوصية الخاصة بنا.</p><button>موافق</button></div>
        </body></html>
        """
    }

    private static func legacyTables(title: String, lines: [String]) -> String {
        let site = "صحيفة الوطن"
        return """
        <HTML dir="rtl"><HEAD>
        <META http-equiv="Content-Type" content="text/html; charset=windows-1256">
        <META name="application-name" content="\(site)">
        <TITLE>\(escaped(title.isEmpty ? site : title + " - " + site))</TITLE>
        <SCRIPT language="JavaScript">function MM_openBrWindow(u) { window.open(u, 'x', 'width=400'); }</SCRIPT>
        </HEAD>
        <BODY bgcolor="#FFFFFF" topmargin="0">
        <TABLE width="780" border="0" cellpadding="0" cellspacing="0">
        <TR><TD colspan="2"><IMG src="/images/logo.gif" alt="\(site)"> <FONT size="2">الخميس 1 ديسمبر 2016 م</FONT></TD></TR>
        <TR><TD colspan="2" bgcolor="#003366"><MARQUEE direction="right"><FONT color="#FFFFFF">عاجل: انقطاع التيار الكهربائي عن عدة أحياء في المدينة</FONT></MARQUEE></TD></TR>
        <TR><TD width="160" valign="top">
        <TABLE width="100%"><TR><TD><A href="/index.asp">الصفحة الأولى</A></TD></TR><TR><TD><A href="/local.asp">محليات</A></TD></TR>
        <TR><TD><A href="/arab.asp">عربي ودولي</A></TD></TR><TR><TD><A href="/econ.asp">اقتصاد</A></TD></TR>
        <TR><TD><A href="/sport.asp">رياضة</A></TD></TR><TR><TD><A href="/archive.asp">الأرشيف</A></TD></TR></TABLE>
        <BR><FONT size="2"><B>استطلاع الرأي</B><BR>هل تتوقع نجاح مفاوضات الهدنة؟<BR>
        <INPUT type="radio" name="v"> نعم <INPUT type="radio" name="v"> لا <INPUT type="submit" value="تصويت"></FONT>
        </TD>
        <TD valign="top"><TABLE width="100%">
        <TR><TD>\(title.isEmpty ? "" : "<FONT size=\"5\" color=\"#990000\"><B>\(escaped(title))</B></FONT>")</TD></TR>
        <TR><TD><FONT size="2" color="#666666">\(author) - 01/12/2016</FONT></TD></TR>
        <TR><TD><FONT size="3">\(lines.map(escaped).joined(separator: "<BR><BR>\n"))</FONT>
        <BR><BR><A href="javascript:window.print()">طباعة</A> | <A href="javascript:MM_openBrWindow('send.asp')">أرسل لصديق</A>
        <BR><BR><TABLE width="100%" bgcolor="#EEEEEE"><TR><TD><B>أخبار ذات صلة</B></TD></TR>
        <TR><TD><A href="/n.asp?id=11">الجيش السوري يتقدم في أحياء حلب الشرقية</A></TD></TR>
        <TR><TD><A href="/n.asp?id=12">واشنطن وموسكو تبحثان وقف إطلاق النار في سوريا</A></TD></TR></TABLE>
        </TD></TR></TABLE></TD></TR>
        <TR><TD colspan="2" align="center"><FONT size="1">جميع الحقوق محفوظة لـ\(site) © 2016 | <A href="/contact.asp">اتصل بنا</A> | تصميم وتطوير قسم تقنية المعلومات</FONT></TD></TR>
        </TABLE></BODY></HTML>
        """
    }

    private static func linkedData(title: String, lines: [String]) -> String {
        var object: [String: Any] = [
            "@context": "https://schema.org", "@type": "NewsArticle", "datePublished": published,
            "author": [["@type": "Person", "name": author]], "articleBody": lines.joined(separator: "\n"),
            "publisher": ["@type": "Organization", "name": "الشرق"], "mainEntityOfPage": ["@id": url],
        ]
        if !title.isEmpty { object["headline"] = title }
        let json = String(decoding: try! JSONSerialization.data(withJSONObject: ["@graph": [object]], options: [.sortedKeys]), as: UTF8.self)
        return """
        <!doctype html><html lang="ar" dir="rtl"><head><meta charset="UTF-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>الشرق</title>
        <meta property="og:site_name" content="الشرق">
        <script type="application/ld+json">\(json)</script>
        <script src="/static/app.3f9a.js" defer></script>
        </head><body>
        <div id="app"><div class="cookie-consent" role="dialog"><p>يستخدم هذا الموقع ملفات تعريف الارتباط لتقديم أفضل تجربة ممكنة وتحليل الزيارات وعرض الإعلانات المناسبة لك.</p><button>قبول الكل</button> <button>الإعدادات</button></div>
        <header><div class="top-bar"><a href="/">الشرق</a><nav aria-label="الأقسام"><a href="/politics">سياسة</a> <a href="/economy">اقتصاد</a> <a href="/sports">رياضة</a> <a href="/tech">تكنولوجيا</a> <a href="/health">صحة</a></nav>
        <form class="search" role="search"><input type="search" placeholder="ابحث"><button>بحث</button></form></div></header>
        <main id="main">
        <div class="layout"><article class="story">
        \(title.isEmpty ? "" : "<h1>\(escaped(title))</h1>")
        <div class="byline"><a href="/authors/1" rel="author">\(author)</a> · <time datetime="\(published)">1 ديسمبر 2016</time> · <span>قراءة 4 دقائق</span></div>
        <figure class="lead-image"><img src="/img/aleppo.jpg" alt="حلب"><figcaption>جانب من الدمار في أحياء حلب الشرقية بعد القصف (أرشيفية - رويترز)</figcaption></figure>
        \(paragraphs(lines, insertingAfter: 3, """
        <div class="inline-related"><strong>اقرأ أيضا</strong> <a href="/s/44">ماذا بقي من حلب القديمة بعد خمس سنوات من الحرب؟</a></div>
        """))
        <div class="newsletter-signup"><h3>النشرة اليومية</h3><p>أهم أخبار الشرق الأوسط والعالم كل صباح في بريدك، اشترك الآن مجاناً ولا تفوت أي خبر.</p><form><input type="email"><button>اشترك</button></form></div>
        </article>
        <aside><section><h2>الأكثر قراءة</h2>
        <article class="card"><a href="/s/1"><h3>تراجع أسعار النفط بعد قرار أوبك خفض الإنتاج</h3></a><p>انخفضت العقود الآجلة لخام برنت في التعاملات المبكرة اليوم.</p></article>
        <article class="card"><a href="/s/2"><h3>إطلاق أول قمر صناعي عربي لرصد التغير المناخي</h3></a><p>نجح الإطلاق من قاعدة في غويانا الفرنسية فجر اليوم.</p></article>
        </section><div class="ad-container"><div id="div-gpt-ad-1">إعلان</div></div></aside></div>
        </main>
        <footer><p>© 2016 الشرق. جميع الحقوق محفوظة.</p><nav><a href="/terms">الشروط والأحكام</a> <a href="/privacy">الخصوصية</a> <a href="/rss">RSS</a></nav></footer>
        </div></body></html>
        """
    }

    private static func blog(title: String, lines: [String]) -> String {
        let site = "مدونة حلب اليوم"
        return """
        <!DOCTYPE html>
        <html dir="rtl" lang="ar"><head><meta http-equiv="Content-Type" content="text/html; charset=UTF-8" />
        <title>\(escaped(title.isEmpty ? site : title + " – " + site))</title>
        <meta property="og:site_name" content="\(site)" />
        <link rel="canonical" href="\(url)" />
        <style id="wp-block-library-inline-css">.wp-block-button{margin:0}</style>
        </head>
        <body class="post-template-default single single-post postid-1042 single-format-standard has-sidebar">
        <div id="page" class="site"><a class="skip-link screen-reader-text" href="#content">انتقل إلى المحتوى</a>
        <header id="masthead" class="site-header"><p class="site-title"><a href="/">\(site)</a></p>
        <p class="site-description">يوميات من المدينة المحاصرة</p>
        <nav id="site-navigation" class="main-navigation"><ul id="primary-menu" class="menu"><li><a href="/">الرئيسية</a></li><li><a href="/category/news">أخبار</a></li><li><a href="/category/diaries">يوميات</a></li><li><a href="/about">عن المدونة</a></li></ul></nav></header>
        <div id="content" class="site-content"><div id="primary" class="content-area"><main id="main" class="site-main">
        <article id="post-1042" class="post-1042 post type-post status-publish format-standard hentry category-news">
        <header class="entry-header">\(title.isEmpty ? "" : "<h1 class=\"entry-title\">\(escaped(title))</h1>")
        <div class="entry-meta"><span class="posted-on"><a href="\(url)"><time class="entry-date published" datetime="\(published)">1 ديسمبر 2016</time></a></span> <span class="byline">بواسطة <a class="url fn n" href="/author/admin">\(author)</a></span></div></header>
        <div class="entry-content">
        \(paragraphs(lines, insertingAfter: 1, "<div class=\"wp-block-image\"><figure><img src=\"/uploads/2016/12/aleppo.jpg\"><figcaption>صورة من حي الشعار صباح اليوم</figcaption></figure></div>"))
        <div class="sharedaddy sd-sharing-enabled"><h3 class="sd-title">شارك هذا:</h3><ul><li><a href="?share=twitter">تويتر</a></li><li><a href="?share=facebook">فيسبوك</a></li></ul></div>
        <div id="jp-relatedposts" class="jp-relatedposts"><h3 class="jp-relatedposts-headline"><em>مواضيع ذات صلة</em></h3>
        <div class="jp-relatedposts-post"><h4><a href="/2016/11/28/east-aleppo">ليلة أخرى تحت القصف في الأحياء الشرقية</a></h4><p>لم ينم أحد في الحي هذه الليلة، فالطائرات لم تغادر السماء منذ المغرب وحتى الفجر.</p><p class="date">28 نوفمبر 2016</p></div>
        <div class="jp-relatedposts-post"><h4><a href="/2016/11/20/bread">طوابير الخبز</a></h4><p>يقف الناس منذ ساعات الصباح الأولى أمام الفرن الوحيد الذي ما زال يعمل في الحي.</p><p class="date">20 نوفمبر 2016</p></div></div>
        </div>
        <footer class="entry-footer"><span class="cat-links">نشرت في <a href="/category/news">أخبار</a></span> <span class="tags-links">الوسوم <a href="/tag/aleppo">حلب</a>، <a href="/tag/siege">حصار</a></span></footer>
        </article>
        <nav class="navigation post-navigation"><div class="nav-previous"><a href="/2016/11/30/prev">المقال السابق: الأمم المتحدة تطالب بهدنة إنسانية عاجلة في حلب</a></div><div class="nav-next"><a href="/2016/12/02/next">المقال التالي: عائلات تنزح سيراً على الأقدام نحو الأحياء الغربية</a></div></nav>
        <div id="comments" class="comments-area"><h2 class="comments-title">3 تعليقات على المقال</h2><ol class="comment-list">
        <li class="comment"><article class="comment-body"><footer class="comment-meta"><b class="fn">ليلى</b> <time>1 ديسمبر 2016 الساعة 10:12 ص</time></footer><div class="comment-content"><p>شكراً لكم على نقل الصورة كما هي، فالإعلام الكبير لم يعد يذكر ما يجري في المدينة إلا بسطر أو سطرين.</p></div></article></li>
        <li class="comment"><article class="comment-body"><footer class="comment-meta"><b class="fn">عمر</b> <time>1 ديسمبر 2016 الساعة 11:40 ص</time></footer><div class="comment-content"><p>أتمنى أن تنجح المفاوضات هذه المرة وأن يسمح بخروج الجرحى والأطفال قبل أن يشتد البرد أكثر من ذلك.</p></div></article></li>
        </ol><div id="respond" class="comment-respond"><h3 id="reply-title" class="comment-reply-title">اترك تعليقاً</h3><form id="commentform" class="comment-form"><p class="comment-notes">لن يتم نشر عنوان بريدك الإلكتروني. الحقول الإلزامية مشار إليها بـ *</p><p><label for="comment">التعليق</label><textarea id="comment"></textarea></p><p class="form-submit"><input type="submit" value="إرسال التعليق"></p></form></div></div>
        </main></div>
        <aside id="secondary" class="widget-area"><section class="widget widget_recent_entries"><h2 class="widget-title">أحدث المقالات</h2><ul><li><a href="/a">رسالة من حلب إلى العالم</a></li><li><a href="/b">المدارس تغلق أبوابها</a></li></ul></section>
        <section class="widget widget_categories"><h2 class="widget-title">التصنيفات</h2><ul><li><a href="/category/news">أخبار</a></li><li><a href="/category/diaries">يوميات</a></li></ul></section></aside></div>
        <footer id="colophon" class="site-footer"><div class="site-info"><a href="https://wordpress.org/">فخور باستخدام ووردبريس</a></div></footer></div>
        </body></html>
        """
    }

    /// No article hints in the markup: class names that say nothing, no `<article>`, no `<main>`.
    private static func bare(title: String, lines: [String]) -> String {
        let site = "أخبار اليوم"
        return """
        <html><head><meta charset="utf-8"><title>\(escaped(title.isEmpty ? site : site + " | " + title))</title>
        <meta name="application-name" content="\(site)"></head><body>
        <div class="x1"><div class="x2"><a href="/">\(site)</a></div>
        <div class="x3"><a href="/a">أخبار محلية</a> | <a href="/b">أخبار عالمية</a> | <a href="/c">اقتصاد</a> | <a href="/d">رياضة</a> | <a href="/e">فن</a> | <a href="/f">اتصل بنا</a></div></div>
        <div class="x4"><div class="x5">
        <div class="x6">\(title.isEmpty ? "" : "<h2>\(escaped(title))</h2>")<div class="x7">\(author) | 01/12/2016</div></div>
        <div class="x12">\(lines.map { "<div class=\"x8\">\(escaped($0))</div>" }.joined(separator: "\n"))</div>
        <div class="x9"><b>اقرأ أيضا</b><div><a href="/n/31">الهلال الأحمر يدخل قافلة مساعدات إلى ريف حلب الغربي</a></div><div><a href="/n/32">مجلس الأمن يفشل في تبني قرار بشأن الهدنة</a></div><div><a href="/n/33">النازحون من حلب يروون تفاصيل رحلة الخروج من الأحياء الشرقية</a></div></div>
        </div>
        <div class="x10"><b>الأكثر قراءة</b><div><a href="/n/41">ارتفاع أسعار الخضار في الأسواق مع بداية فصل الشتاء</a></div><div><a href="/n/42">نتائج مباريات الدوري وترتيب الفرق بعد الجولة العاشرة</a></div><div><a href="/n/43">طريقة تحضير المقلوبة الفلسطينية خطوة بخطوة</a></div></div>
        </div>
        <div class="x11">© 2016 \(site) — <a href="/privacy">سياسة الخصوصية</a> — <a href="/terms">شروط الاستخدام</a></div>
        </body></html>
        """
    }

    /// The lines as paragraphs: a short line that does not end like a sentence is a subheading.
    /// `insert` goes after paragraph `position` when the article is that long.
    private static func paragraphs(_ lines: [String], insertingAfter position: Int, _ insert: String) -> String {
        var html: [String] = []
        for (index, line) in lines.enumerated() {
            let isSubheading = line.count <= 40 && !".؟?!:،".contains(line.last ?? ".")
            html.append(isSubheading ? "<h2>\(escaped(line))</h2>" : "<p>\(escaped(line))</p>")
            if index + 1 == position { html.append(insert) }
        }
        return html.joined(separator: "\n")
    }

    private static func escaped(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
