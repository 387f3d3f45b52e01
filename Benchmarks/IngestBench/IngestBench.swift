import Foundation
import Glibc
import IngestCore
import IngestTestSupport

/// `make bench`: runs the release binary as a separate process and prints a table of burst
/// throughput against sha256sum on the same files, latency, index memory and restart time.
@main
struct IngestBench {
    struct Options {
        var binary = ".build/release/ingestd"
        var corpus: String?
        var files = 20_000
        var latencySamples = 300
        var indexArticles = 200_000
        var restartRecords = [220_000, 1_000_000]
        var parseOnly = false
        /// Web pages dropped in the HTML burst.
        var htmlFiles = 4_000
        /// The Python with trafilatura, which the HTML section times against.
        var python = ".build/bench-venv/bin/python"
        /// An earlier binary to time against this one, interleaved (`--baseline`).
        var baseline: String?
        var baselineRounds = 4
        /// Pairs of bursts, without shared passages and with them, whose ratios are compared: a
        /// burst takes about a second, and one pair's ratio moves by a tenth from round to round.
        var reuseRounds = 7
        /// What to measure besides the parse cost; all of it by default.
        var sections: Set<String> = ["burst", "latency", "memory", "quality", "passages", "restart", "html", "stats", "fleet"]
        /// Records in the journal `ingestd ship` ships.
        var fleetRecords = 100_000
        /// Only write the burst's files to this directory (for profiling the daemon by hand).
        var writeFilesTo: String?
        /// Only write the corpus's articles to this directory, named in their order, for
        /// `--corpus` to read back as they are (`make bench-instructions`, under valgrind, which
        /// cannot run the unzip that reads SaudiNewsNet).
        var writeArticlesTo: String?
        /// Records in the journal `ingestd stats` reads.
        var statsRecords = 1_000_000
    }

    static func main() throws {
        let options = try parse(CommandLine.arguments.dropFirst())
        let root = FileManager.default.currentDirectoryPath
        let work = try makeWorkDirectory()
        defer { try? FileManager.default.removeItem(atPath: work) }
        let corpus = try Corpus.load(directory: options.corpus, repositoryRoot: root)
        progress("corpus: \(corpus.origin), median \(corpus.medianBytes) bytes")
        var table: [(String, String, String)] = []

        if let directory = options.writeArticlesTo {
            try writeFiles(corpus.articles, to: directory, names: { String(format: "%05d.txt", $0) })
            progress("wrote \(corpus.articles.count) articles to \(directory)")
            return
        }
        let files = corpus.files(options.files)
        if let directory = options.writeFilesTo {
            try writeFiles(files, to: directory)
            progress("wrote \(files.count) files to \(directory)")
            return
        }
        let staging = work + "/staging"
        try writeFiles(files, to: staging)
        progress("wrote \(files.count) files; timing sha256sum and the burst")
        let parse = parseCost(files)
        progress("parsing: \(format(parse)) µs per file on one core")
        table.append(("parse, canonical text and ids, one core", "\(format(parse)) µs per file", ""))
        if options.sections.contains("burst") || options.sections.contains("passage-cost") {
            let withShingles = parseCost(files, passageWords: PassageSettings().minimumWords)
            progress("parsing with shared passages' shingles: \(format(withShingles)) µs per file on one core")
            table.append(("the same with shared passages' shingles (--reuse)", "\(format(withShingles)) µs per file", ""))
        }
        if options.parseOnly { printTable(table); return }
        if options.sections.contains("burst") || options.sections.contains("passage-cost") {
            let shingling = shingleCost(files)
            progress("shared passages: shingling \(format(shingling)) µs per file on one core")
            table.append(("shared passages' shingles alone (the readers' part), one core", "\(format(shingling)) µs per file", "report"))
            let cost = passageCost(files)
            progress("shared passages: \(format(cost.microseconds)) µs per file on the loop, \(cost.passages) passages")
            table.append(("shared passages on the loop: found and indexed, one core", "\(String(format: "%.1f", cost.microseconds)) µs per file", "report"))
        }
        if options.sections.contains("burst") {
            let core = coreCost(files)
            progress("the core on one thread: \(format(core.plain)) µs per file, with shared passages \(format(core.reuse))")
            table.append(("the core's work per file on one thread (parse, record, JSON line), without / with --reuse",
                          "\(format(core.plain)) / \(format(core.reuse)) µs, ratio \(format(core.plain / core.reuse))", "report"))
            try measureBurst(options, work: work, files: files, staging: staging, into: &table)
        }
        if options.baseline != nil {
            try compareWithBaseline(options, work: work, files: files, staging: staging, corpus: corpus, into: &table)
        }
        if options.sections.contains("html") {
            try measureHTML(options, work: work, into: &table)
        }
        if options.sections.contains("latency") {
            let latency = try latencies(options, work: work, corpus: corpus)
            progress("latency p50 \(format(latency.p50)) ms, p99 \(format(latency.p99)) ms")
            table.append(("latency rename → journal line, p50", "\(format(latency.p50)) ms", ""))
            table.append(("latency rename → journal line, p99", "\(format(latency.p99)) ms", "≤ 5 ms"))
        }
        if options.sections.contains("memory") {
            let memory = try indexBytesPerArticle(options, work: work)
            progress("index: \(Int(memory.exact)) bytes per article, near-duplicate index \(Int(memory.near))")
            table.append(("dedup index RSS per article (\(options.indexArticles) articles)", "\(Int(memory.exact)) bytes", "≤ 128"))
            table.append(("near-duplicate index RSS per article", "\(Int(memory.near)) bytes", "≤ 512"))
        }
        if options.sections.contains("quality"), let quality = try nearDuplicateQuality() {
            progress("near-duplicates: \(quality)")
            table.append(("near-duplicates, SaudiNewsNet \(quality.articles) distinct articles: pairs with J ≥ 0.7", "\(quality.truePairs)", ""))
            table.append(("near-duplicates: recall (J ≥ 0.7)", format(quality.recall), "≥ 0.90"))
            table.append(("near-duplicates: precision (reported pairs with J ≥ 0.5)", format(quality.precision), "≥ 0.95"))
        }
        if options.sections.contains("passages") {
            try measurePassages(into: &table)
        }
        for records in options.restartRecords where options.sections.contains("restart") {
            let restart = try restartTimes(options, work: work, records: records)
            progress("\(records) records: cold \(format(restart.cold)) s, restart \(format(restart.warm)) s")
            table.append(("READY after start, \(records) records, no checkpoint", "\(format(restart.cold)) s", ""))
            table.append(("READY after restart, \(records) records", "\(format(restart.warm)) s", records <= 220_000 ? "≤ 1 s" : "report"))
            let withReuse = try restartTimes(options, work: work, records: records, arguments: ["--reuse"])
            progress("\(records) records with --reuse: cold \(format(withReuse.cold)) s, restart \(format(withReuse.warm)) s")
            table.append(("READY after restart, \(records) records, with --reuse", "\(format(withReuse.warm)) s", records <= 220_000 ? "≤ 1 s" : "report"))
        }
        if options.sections.contains("stats") {
            let stats = try statsTime(options, work: work, records: options.statsRecords)
            progress("ingestd stats: \(format(stats.seconds)) s over \(options.statsRecords) records (\(Int(stats.megabytes)) MB)")
            table.append(("ingestd stats, \(options.statsRecords) records (\(Int(stats.megabytes)) MB), best of 3",
                          "\(format(stats.seconds)) s", "≤ 2 s"))
        }
        if options.sections.contains("fleet"), let fleet = try measureFleet(options, work: work, files: files, records: options.fleetRecords) {
            table.append(("ingestd ship --once, \(options.fleetRecords) records into a local PostgreSQL", "\(Int(fleet.originals)) records/s", "≥ 5000"))
            table.append(("the same records from a second host (all fleet duplicates)", "\(Int(fleet.copies)) records/s", "report"))
            table.append(("burst of \(files.count) files, shipper following: lag when the last is journaled", "\(fleet.lagAtBurstEnd) records", "report"))
            table.append(("  then all shipped after", "\(format(fleet.catchUpSeconds)) s", "report"))
            table.append(("  burst's records shipped per second, first drop to last shipped", "\(Int(fleet.burstShipRate)) records/s", "report"))
            table.append(("PostgreSQL tables and indexes per record shipped", "\(Int(fleet.bytesPerRecord)) bytes", "report"))
            table.append(("  of which the band table (near-duplicates)", "\(Int(fleet.bandBytesPerRecord)) bytes", "report"))
        }
        printTable(table)
    }

    /// The burst against sha256sum, with near-duplicate detection and without.
    static func measureBurst(
        _ options: Options, work: String, files: [[UInt8]], staging: String, into table: inout [(String, String, String)]
    ) throws {
        let totalBytes = files.reduce(0) { $0 + $1.count }
        let hashRate = try sha256sumRate(staging, count: files.count)
        progress("sha256sum: \(Int(hashRate)) files/s")
        func staged(_ arguments: [String] = [], name: String = "burst") throws -> (rate: Double, seconds: Double, peakRSSKB: Int) {
            if (try? FileManager.default.contentsOfDirectory(atPath: staging).count) != files.count {
                try? FileManager.default.removeItem(atPath: staging)
                try writeFiles(files, to: staging)
            }
            return try burstThroughput(options, work: work, staging: staging, count: files.count, arguments: arguments, name: name)
        }
        // Shared passages' cost is a ratio of two bursts, and the machine's speed drifts between
        // bursts by as much as the target's margin: the two are run in turns, a pair a round
        // (this order in even rounds, the other in odd ones), and the rounds' own ratios compared.
        var plainRuns: [(rate: Double, seconds: Double, peakRSSKB: Int)] = [], reuseRuns: [Double] = []
        for round in 0..<options.reuseRounds {
            for reuse in round % 2 == 0 ? [false, true] : [true, false] {
                if reuse {
                    reuseRuns.append(try staged(["--reuse"], name: "burst\(round)").rate)
                } else {
                    plainRuns.append(try staged(name: "burst\(round)"))
                }
            }
            progress("round \(round + 1): \(Int(plainRuns[round].rate)) files/s, with shared passages \(Int(reuseRuns[round]))")
        }
        let burst = plainRuns.sorted { $0.rate < $1.rate }[plainRuns.count / 2]
        let plain = try staged(["--no-near-duplicates"])
        progress("burst without near-duplicates: \(Int(plain.rate)) files/s")
        let withMetrics = try staged(["--metrics-file", work + "/ingestd.prom"])
        progress("burst with a metrics file: \(Int(withMetrics.rate)) files/s")
        let rounds = options.reuseRounds
        table.append(("burst: files journaled durably (the median of \(rounds))",
                      "\(Int(burst.rate)) files/s, \(format(Double(totalBytes) / burst.seconds / 1e6)) MB/s", ""))
        table.append(("sha256sum on the same files", "\(Int(hashRate)) files/s", ""))
        table.append(("ratio to sha256sum", format(burst.rate / hashRate), "≥ 0.50"))
        table.append(("peak RSS during the burst", "\(burst.peakRSSKB / 1024) MiB", "bounded"))
        table.append(("burst with --no-near-duplicates", "\(Int(plain.rate)) files/s", ""))
        table.append(("burst with near-duplicates / without", format(burst.rate / plain.rate), "≥ 0.70"))
        table.append(("burst with --reuse (shared passages), median of \(rounds), min–max", spread(reuseRuns, unit: "files/s"), ""))
        table.append(("burst with shared passages / without (median of the rounds' ratios, min–max)",
                      spread(zip(reuseRuns, plainRuns).map { $0 / $1.rate }, unit: ""), "≥ 0.75"))
        table.append(("burst with --metrics-file / without", format(withMetrics.rate / burst.rate), "report"))
    }

    // MARK: - Measurements

    /// CPU time per file of what the daemon computes for a file once it has its bytes (decode, parse,
    /// canonicalise, hash), in this process on one thread: the part that no syscall hides.
    static func parseCost(_ files: [[UInt8]], passageWords: Int? = nil) -> Double {
        let sample = files.prefix(4_000)
        let paths = sample.indices.map { RelativePath("p\($0).txt") }
        var articles = 0
        // Thread CPU time, best of five: other processes taking the core do not count.
        let best = (0..<5).map { _ in
            threadCPUTime {
                for (path, content) in zip(paths, sample) {
                    if case .article = FileAnalysis(file: path, content: content, passageWords: passageWords).outcome { articles += 1 }
                }
            }
        }.min()!
        precondition(articles > 0, "the corpus has no articles")
        return best / Double(sample.count) * 1e6
    }

    static func sha256sumRate(_ directory: String, count: Int) throws -> Double {
        let best = try (0..<3).map { _ in
            try timed { try shell("cd '\(directory)' && ls -f | grep -v '^\\.' | xargs sha256sum > /dev/null") }
        }.min()!
        return Double(count) / best
    }

    /// `name` tells the state directory apart from other bursts' in the same run.
    static func burstThroughput(_ options: Options, work: String, staging: String, count: Int, arguments: [String] = [],
                                name: String = "burst") throws -> (rate: Double, seconds: Double, peakRSSKB: Int)
    {
        let state = work + "/" + name + arguments.joined().replacingOccurrences(of: "/", with: "_")
        let (daemon, _) = try BenchDaemon.start(binary: options.binary, stateDir: state, socketPath: work + "/burst.sock",
                                                arguments: arguments)
        defer { daemon.stop() }
        let journal = JournalWatch(path: state + "/journal.jsonl")
        let names = try FileManager.default.contentsOfDirectory(atPath: staging)
        let cpuBefore = daemon.threadCPUSeconds(), machineBefore = machineCPUTicks()
        let seconds = try timed {
            for name in names where rename(staging + "/" + name, state + "/inbox/" + name) != 0 {
                throw BenchError("rename \(name): errno \(errno)")
            }
            guard journal.wait(until: count, timeout: 600) else { throw BenchError("burst: only \(journal.lines) of \(count) journaled") }
        }
        progress("\(name)\(arguments.joined(separator: " ")): daemon CPU per file by thread: "
                 + cpuPerFile(before: cpuBefore, after: daemon.threadCPUSeconds(), files: count)
                 + "; the machine's cores busy \(Int(machineBusyShare(since: machineBefore) * 100))%")
        return (Double(count) / seconds, seconds, daemon.memoryKB("VmHWM"))
    }

    /// The machine's busy and idle (idle and iowait) clock ticks so far, all cores.
    static func machineCPUTicks() -> (busy: Double, idle: Double) {
        let stat = (try? String(contentsOfFile: "/proc/stat", encoding: .utf8)) ?? ""
        let fields = stat.split(separator: "\n").first?.split(separator: " ").dropFirst().compactMap { Double($0) } ?? []
        guard fields.count >= 5 else { return (0, 0) }
        let idle = fields[3] + fields[4]
        return (fields.prefix(8).reduce(0, +) - idle, idle)
    }

    static func machineBusyShare(since before: (busy: Double, idle: Double)) -> Double {
        let now = machineCPUTicks()
        let busy = now.busy - before.busy, idle = now.idle - before.idle
        return busy / max(1, busy + idle)
    }

    /// "loop 20 µs, reader 30 µs, …, all 80 µs": each thread's CPU over the burst, per file.
    static func cpuPerFile(before: [String: Double], after: [String: Double], files: Int) -> String {
        let spent = after.map { ($0.key, ($0.value - (before[$0.key] ?? 0)) / Double(files) * 1e6) }
            .filter { $0.1 >= 0.5 }.sorted { $0.1 > $1.1 }
        let total = spent.reduce(0) { $0 + $1.1 }
        return (spent.map { "\($0.0) \(Int($0.1)) µs" } + ["all \(Int(total)) µs"]).joined(separator: ", ")
    }

    static func latencies(_ options: Options, work: String, corpus: Corpus, name: String = "latency") throws -> (p50: Double, p99: Double) {
        let state = work + "/" + name
        let (daemon, _) = try BenchDaemon.start(binary: options.binary, stateDir: state, socketPath: work + "/latency.sock")
        defer { daemon.stop() }
        let journal = JournalWatch(path: state + "/journal.jsonl")
        var samples: [Double] = []
        for index in 0..<options.latencySamples {
            let staged = work + "/latency-\(index).txt"
            try Data(corpus.articles[index % corpus.articles.count] + Array("\n\(index)".utf8)).write(to: URL(fileURLWithPath: staged))
            usleep(20_000)  // idle between files
            let seconds = try timed {
                guard rename(staged, state + "/inbox/l\(index).txt") == 0 else { throw BenchError("rename: errno \(errno)") }
                guard journal.wait(until: index + 1, timeout: 10) else { throw BenchError("latency: file \(index) not journaled") }
            }
            samples.append(seconds * 1000)
        }
        samples.sort()
        return (samples[samples.count / 2], samples[min(samples.count - 1, samples.count * 99 / 100)])
    }

    /// RSS with `indexArticles` articles in the index (loaded from a checkpoint) minus RSS with none:
    /// the dedup index alone (near-duplicate detection off), and what the near-duplicate index adds.
    static func indexBytesPerArticle(_ options: Options, work: String) throws -> (exact: Double, near: Double) {
        let empty = work + "/memory-empty", full = work + "/memory-full", exactOnly = work + "/memory-exact"
        let off = ["--no-near-duplicates"]
        try FileManager.default.createDirectory(atPath: empty, withIntermediateDirectories: true)
        try writeJournal(records: options.indexArticles, to: full)
        try FileManager.default.copyItem(atPath: full, toPath: exactOnly)
        // The first starts replay the journal and write checkpoints: with sketches, and without.
        try startAndStop(options, state: full, socket: work + "/memory.sock")
        try startAndStop(options, state: exactOnly, socket: work + "/memory.sock", arguments: off)
        let baseline = try residentKB(options, state: empty, socket: work + "/memory.sock", arguments: off)
        let exact = try residentKB(options, state: exactOnly, socket: work + "/memory.sock", arguments: off)
        let both = try residentKB(options, state: full, socket: work + "/memory.sock")
        let perArticle = { (kilobytes: Int) in Double(kilobytes) * 1024 / Double(options.indexArticles) }
        return (perArticle(exact - baseline), perArticle(both - exact))
    }

    /// Recall and precision of near-duplicate detection on the SaudiNewsNet sample; nil without it.
    static func nearDuplicateQuality() throws -> NearDuplicateQuality? {
        guard let files = try SaudiNewsNet.jsonFiles() else { return nil }
        let texts = files.enumerated().compactMap { index, bytes -> [UInt8]? in
            guard case .success(let article) = ArticleParser.parse(bytes, fileName: "a\(index).json") else { return nil }
            return article.canonicalText
        }
        return NearDuplicateQuality.measure(canonicalTexts: texts)
    }

    static func restartTimes(_ options: Options, work: String, records: Int, arguments: [String] = []) throws -> (cold: Double, warm: Double) {
        let state = work + "/restart-\(records)" + arguments.joined()
        try writeJournal(records: records, to: state)
        let socket = work + "/restart.sock"
        let cold = try startAndStop(options, state: state, socket: socket, arguments: arguments)
        let warm = try startAndStop(options, state: state, socket: socket, arguments: arguments)
        try? FileManager.default.removeItem(atPath: state)
        return (cold, warm)
    }

    // MARK: - Helpers

    @discardableResult
    static func startAndStop(_ options: Options, state: String, socket: String, arguments: [String] = []) throws -> Double {
        let (daemon, ready) = try BenchDaemon.start(binary: options.binary, stateDir: state, socketPath: socket, arguments: arguments)
        daemon.stop()
        return seconds(ready)
    }

    static func residentKB(_ options: Options, state: String, socket: String, arguments: [String] = []) throws -> Int {
        let (daemon, _) = try BenchDaemon.start(binary: options.binary, stateDir: state, socketPath: socket, arguments: arguments)
        defer { daemon.stop() }
        usleep(300_000)
        return daemon.memoryKB("RssAnon")  // the heap; file-backed code pages vary with what ran
    }

    /// A journal of `records` short articles, as the daemon would have written it.
    static func writeJournal(records: Int, to state: String) throws {
        try FileManager.default.createDirectory(atPath: state, withIntermediateDirectories: true)
        guard FileManager.default.createFile(atPath: state + "/journal.jsonl", contents: nil),
              let handle = FileHandle(forWritingAtPath: state + "/journal.jsonl")
        else { throw BenchError("cannot write a journal in \(state)") }
        defer { try? handle.close() }
        var ingestor = Ingestor()
        var buffer: [UInt8] = []
        // Forty words from a vocabulary of a thousand: sketches as varied as real articles', so
        // that the near-duplicate index is neither flattered nor swamped by identical band keys.
        let vocabulary = (0..<1000).map { "كلمة\($0)" }
        var random = SeededGenerator(seed: 7)
        for index in 0..<records {
            let words = (0..<40).map { _ in vocabulary.randomElement(using: &random)! }.joined(separator: " ")
            let analysis = FileAnalysis(file: RelativePath("f\(index).txt"), content: Array("خبر \(index)\n\(words)".utf8))
            buffer += ingestor.record(for: analysis, time: "2026-11-21T00:00:00.000Z").jsonLine()
            if buffer.count > 1 << 22 { handle.write(Data(buffer)); buffer.removeAll(keepingCapacity: true) }
        }
        handle.write(Data(buffer))
    }

    static func writeFiles(_ files: [[UInt8]], to directory: String,
                           names: (Int) -> String = { "a\($0).txt" }) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        for (index, bytes) in files.enumerated() {
            try Data(bytes).write(to: URL(fileURLWithPath: "\(directory)/\(names(index))"))
        }
        sync()
    }

    static func makeWorkDirectory() throws -> String {
        var template = Array("/var/tmp/ingestd-bench.XXXXXX".utf8CString)
        guard let made = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else {
            throw BenchError("mkdtemp failed")
        }
        return String(cString: made)
    }

    static func shell(_ command: String) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", command]
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw BenchError("failed: \(command)") }
    }

    static func timed(_ body: () throws -> Void) rethrows -> Double {
        let start = ContinuousClock.now
        try body()
        return seconds(ContinuousClock.now - start)
    }

    static func threadCPUTime(_ body: () -> Void) -> Double {
        func now() -> Double {
            var time = timespec()
            clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
            return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
        }
        let start = now()
        body()
        return now() - start
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    static func progress(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }

    static func format(_ value: Double) -> String { String(format: value < 10 ? "%.2f" : "%.0f", value) }

    static func printTable(_ rows: [(String, String, String)]) {
        print("\n| measure | result | target |\n| --- | --- | --- |")
        for (measure, result, target) in rows { print("| \(measure) | \(result) | \(target) |") }
    }

    static func parse(_ arguments: ArraySlice<String>) throws -> Options {
        var options = Options()
        var iterator = arguments.makeIterator()
        while let argument = iterator.next() {
            guard let value = iterator.next() else { throw BenchError("\(argument) needs a value") }
            switch argument {
            case "--binary": options.binary = value
            case "--corpus": options.corpus = value
            case "--files": options.files = Int(value) ?? options.files
            case "--latency-samples": options.latencySamples = Int(value) ?? options.latencySamples
            case "--index-articles": options.indexArticles = Int(value) ?? options.indexArticles
            case "--write-files-to": options.writeFilesTo = value
            case "--write-articles-to": options.writeArticlesTo = value
            case "--fleet-records": options.fleetRecords = Int(value) ?? options.fleetRecords
            case "--stats-records": options.statsRecords = Int(value) ?? options.statsRecords
            case "--restart-records": options.restartRecords = value.split(separator: ",").compactMap { Int($0) }
            case "--parse-only": options.parseOnly = value == "yes"
            case "--sections": options.sections = Set(value.split(separator: ",").map(String.init))
            case "--html-files": options.htmlFiles = Int(value) ?? options.htmlFiles
            case "--python": options.python = value
            case "--baseline": options.baseline = value
            case "--baseline-rounds": options.baselineRounds = Int(value) ?? options.baselineRounds
            case "--reuse-rounds": options.reuseRounds = max(1, Int(value) ?? options.reuseRounds)
            default: throw BenchError("unknown option \(argument); see Benchmarks/IngestBench/IngestBench.swift")
            }
        }
        return options
    }
}
