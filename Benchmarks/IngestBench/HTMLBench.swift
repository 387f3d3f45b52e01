import Foundation
import Glibc
import IngestCore
import IngestTestSupport

/// Web pages: the article extraction benchmark's 181 pages, scored by its evaluate.py, timed on
/// one core against trafilatura (from PyPI, in the Python that `--python` names) in the same run,
/// and dropped into the daemon as a burst against sha256sum on the same files.
extension IngestBench {
    static func measureHTML(_ options: Options, work: String, into table: inout [(String, String, String)]) throws {
        guard BenchmarkPages.isPresent else {
            progress("html: \(BenchmarkPages.directory) is absent; skipped")
            return
        }
        let pages = try BenchmarkPages.all()
        let averageKiB = pages.reduce(0) { $0 + $1.html.count } / pages.count / 1024
        let scores = try BenchmarkPages.evaluate(Dictionary(uniqueKeysWithValues: pages.map { ($0.id, extractedBody($0)) }))
        progress("html: article extraction benchmark \(scores)")
        table.append(("web pages: extraction benchmark (181 pages), F1", format3(scores.f1), "≥ 0.96"))
        table.append(("web pages: precision / recall", "\(format3(scores.precision)) / \(format3(scores.recall))", ""))

        let ours = extractionRate(pages)
        let reference = pythonRates(options.python)
        let oursAgain = extractionRate(pages)
        let rate = max(ours, oursAgain)
        progress("html: ingestd \(Int(rate)) pages/s on one core; \(reference.map { "trafilatura \(Int($0.trafilatura)) pages/s, lxml parse \(Int($0.lxml)) pages/s" } ?? "trafilatura not run")")
        table.append(("web pages: extraction, one core (pages of \(averageKiB) KiB on average)", "\(Int(rate)) pages/s", ""))
        if let reference {
            table.append(("trafilatura \(reference.version) on the same pages, one core", "\(Int(reference.trafilatura)) pages/s", ""))
            table.append(("lxml's parse alone on the same pages", "\(Int(reference.lxml)) pages/s", ""))
            table.append(("ingestd extraction / trafilatura", String(format: "%.1f", rate / reference.trafilatura), "≥ 10"))
        }
        try measureHTMLBurst(options, work: work, pages: pages, into: &table)
    }

    private static func extractedBody(_ page: BenchmarkPages.Page) -> String {
        guard case .success(let article) = ArticleParser.parse(page.html, fileName: "\(page.id).html") else { return "" }
        return article.body
    }

    /// Pages per second of CPU time on one thread, best of three rounds over all pages: what the
    /// daemon computes for a page once it has its bytes (character set, parse, extraction, id).
    private static func extractionRate(_ pages: [BenchmarkPages.Page]) -> Double {
        let paths = pages.map { RelativePath("\($0.id).html") }
        var articles = 0
        let best = (0..<3).map { _ in
            threadCPUTime {
                for (path, page) in zip(paths, pages) {
                    if case .article = FileAnalysis(file: path, content: page.html).outcome { articles += 1 }
                }
            }
        }.min()!
        precondition(articles > 0, "no page gave an article")
        return Double(pages.count) / best
    }

    private struct PythonRates: Decodable {
        var trafilatura: Double
        var lxml: Double
        var version: String
    }

    /// trafilatura.extract and lxml's parse over the same pages, CPU time of the Python process;
    /// nil when that Python has no trafilatura.
    private static func pythonRates(_ python: String) -> PythonRates? {
        let script = """
            import glob, gzip, json, sys, time
            import lxml.html, trafilatura
            pages = [gzip.open(p).read() for p in sorted(glob.glob(sys.argv[1] + '/html/*.html.gz'))]
            def rate(extract, rounds):
                best = None
                for _ in range(rounds):
                    start = time.process_time()
                    for page in pages:
                        extract(page)
                    spent = time.process_time() - start
                    best = spent if best is None else min(best, spent)
                return len(pages) / best
            print(json.dumps({"trafilatura": rate(trafilatura.extract, 2), "lxml": rate(lxml.html.fromstring, 3),
                              "version": trafilatura.__version__}))
            """
        guard let output = try? CommandOutput.of("/usr/bin/env", [python, "-c", script, BenchmarkPages.directory]),
              let rates = try? JSONDecoder().decode(PythonRates.self, from: output) else {
            progress("html: \(python) could not run trafilatura (make bench installs it into .build/bench-venv)")
            return nil
        }
        return rates
    }

    /// The pages, each copy made distinct by a comment, renamed into the inbox at once.
    private static func measureHTMLBurst(
        _ options: Options, work: String, pages: [BenchmarkPages.Page], into table: inout [(String, String, String)]
    ) throws {
        let staging = work + "/html-staging"
        try FileManager.default.createDirectory(atPath: staging, withIntermediateDirectories: true)
        for index in 0..<options.htmlFiles {
            let page = pages[index % pages.count]
            try Data(page.html + Array("\n<!-- copy \(index) -->\n".utf8)).write(to: URL(fileURLWithPath: "\(staging)/p\(index).html"))
        }
        sync()
        let hashRate = try sha256sumRate(staging, count: options.htmlFiles)
        let burst = try burstThroughput(options, work: work, staging: staging, count: options.htmlFiles, name: "html-burst")
        progress("html burst: \(Int(burst.rate)) pages/s; sha256sum: \(Int(hashRate)) files/s")
        table.append(("web pages: burst of \(options.htmlFiles) pages journaled durably", "\(Int(burst.rate)) pages/s", ""))
        table.append(("sha256sum on the same pages", "\(Int(hashRate)) files/s", ""))
        table.append(("web pages: ratio to sha256sum", format(burst.rate / hashRate), "report"))
        try? FileManager.default.removeItem(atPath: staging)
    }

    static func format3(_ value: Double) -> String { String(format: "%.3f", value) }
}
