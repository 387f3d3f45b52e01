import Foundation
import Glibc
import IngestTestSupport
import Testing

extension EndToEnd {
    /// Three hosts, each with its daemon and its shipper, one PostgreSQL, and a consumer following
    /// the fleet; 2,000 articles dropped across the hosts, copies and near-copies on several of
    /// them, while daemons, shippers and the consumer are killed with SIGKILL at random moments,
    /// PostgreSQL is stopped with `pg_ctl -m immediate` and started again, and a second shipper
    /// takes over one host. Where the machine allows (root, iproute2), each host's shipper runs in
    /// a network namespace of its own, and one host is cut off from PostgreSQL for 8 s by a
    /// network partition; elsewhere the hosts share the loopback interface. Then every invariant
    /// of the fleet must hold.
    @Suite(.enabled(if: PostgresServer.isInstalled, "PostgreSQL's server is not installed (apt-get install postgresql)"))
    struct FleetChaosTests {
        @Test func everyRecordOnceAndOneOriginalPerContentWhateverIsKilled() async throws {
            let seed = ProcessInfo.processInfo.environment["INGESTD_CHAOS_SEED"].flatMap(UInt64.init) ?? UInt64.random(in: 1...1_000_000)
            let fleet = try await ChaosFleet(hosts: 3)
            let drops = ChaosDrops(count: 2_000, hosts: 3, seed: seed)
            var random = SeededGenerator(seed: seed)
            let context = "seed \(seed) (INGESTD_CHAOS_SEED=\(seed) runs it again), "
                + (fleet.hosts[1].namespace != nil ? "hosts in network namespaces" : "hosts on loopback")
            var fenced: DaemonProcess?
            var partition: (started: ContinuousClock.Instant, othersShipped: Int)?
            for (round, files) in drops.rounds(of: 50).enumerated() {
                for drop in files { try fleet.hosts[drop.host].harness.dropByRename(drop.bytes, as: drop.name) }
                try await Task.sleep(for: .milliseconds(Int(random.next() % 200)))
                // While crawler-2 is cut off, its shipper is left alone: it must notice by itself.
                let drawn = Int(random.next() % 3)
                let host = partition != nil && (31...33).contains(round) && drawn == 1 ? 0 : drawn
                switch round {
                case 14: try fleet.server.stop(immediate: true)
                case 17: try fleet.server.start()
                case 10: try await fleet.restartConsumer()
                case 24: fenced = try fleet.hosts[0].startShipper()
                case 30 where fleet.hosts[1].namespace != nil:
                    partition = (.now, try fleet.shipped(besides: fleet.hosts[1]))
                    try fleet.hosts[1].namespace?.partition()
                case 33:
                    guard let started = partition?.started else { break }
                    try await Task.sleep(until: started + .seconds(8))
                    let othersShipped = try fleet.shipped(besides: fleet.hosts[1])
                    try fleet.hosts[1].namespace?.heal()
                    #expect(othersShipped > partition!.othersShipped, "\(context): the other hosts shipped nothing while crawler-2 was cut off")
                    #expect(fleet.hosts[1].shipperLogs.contains { $0.contains("did not answer") || $0.contains("Cannot reach PostgreSQL") },
                            "\(context): crawler-2's shipper did not notice the partition")
                case _ where round % 4 == 1: try await fleet.hosts[host].restartDaemon()
                case _ where round % 4 == 3: try await fleet.hosts[host].restartShipper()
                default: break
                }
            }
            try await fleet.waitUntilEverythingIsShipped(drops, context: context)

            try fleet.expectEachHostJournaledEachFileOnce(drops, context: context)
            try fleet.expectOneRowPerJournalRecord(context: context)
            try fleet.expectOneOriginalPerContentID(context: context)
            try fleet.expectNearCopiesListed(drops, context: context)
            try await fleet.expectConsumersSawEveryPositionOnce(context: context)
            fleet.expectTheOutageWasRiddenOut(context: context)
            if let fenced {
                #expect(await fenced.waitForExit() == 1, "\(context): the first shipper of crawler-1 was not fenced:\n\(fenced.log)")
                #expect(fenced.log.contains("took over"), "\(context)")
            }
            try await fleet.stop(context: context)
        }
    }
}

/// The dropped files: stories of 120 to 250 words drawn from the seeds' vocabulary (Arabic), exact
/// copies of them and near-copies (one word changed), each dropped on one of the hosts.
private struct ChaosDrops {
    struct Drop {
        let name: String
        let bytes: [UInt8]
        let host: Int
        let story: Int
        let isNearCopy: Bool
    }

    let all: [Drop]

    init(count: Int, hosts: Int, seed: UInt64) {
        var random = SeededGenerator(seed: seed)
        let vocabulary = Array(Set((0..<5).flatMap { Seeds.text($0).split(whereSeparator: \.isWhitespace).map(String.init) })).sorted()
        let storyCount = count * 3 / 5
        var stories: [[String]] = (0..<storyCount).map { _ in
            (0..<(120 + Int(random.next() % 131))).map { _ in vocabulary[Int(random.next() % UInt64(vocabulary.count))] }
        }
        var drops: [Drop] = []
        func text(_ words: [String]) -> [UInt8] { Array((words[..<8].joined(separator: " ") + "\n" + words.joined(separator: " ")).utf8) }
        for story in 0..<storyCount {
            drops.append(Drop(name: "s\(story)-base.txt", bytes: text(stories[story]), host: Int(random.next() % UInt64(hosts)),
                              story: story, isNearCopy: false))
        }
        var nearCopies = [Int](repeating: 0, count: storyCount)
        while drops.count < count {
            let story = Int(random.next() % UInt64(storyCount))
            let host = Int(random.next() % UInt64(hosts))
            if random.next() % 2 == 0 || nearCopies[story] >= 3 {
                drops.append(Drop(name: "s\(story)-copy\(drops.count).txt", bytes: text(stories[story]), host: host, story: story, isNearCopy: false))
            } else {
                var words = stories[story]
                words[8 + Int(random.next() % UInt64(words.count - 8))] = "تعديل\(drops.count)"
                nearCopies[story] += 1
                drops.append(Drop(name: "s\(story)-near\(drops.count).txt", bytes: text(words), host: host, story: story, isNearCopy: true))
            }
        }
        stories.removeAll()
        all = drops.shuffled(using: &random)
    }

    func rounds(of size: Int) -> [ArraySlice<Drop>] {
        stride(from: 0, to: all.count, by: size).map { all[$0..<min($0 + size, all.count)] }
    }

    func count(onHost host: Int) -> Int { all.count { $0.host == host } }
}

/// One host: its daemon (a state directory of its own) and its shipper (`--host crawler-N`).
private final class ChaosHost: @unchecked Sendable {
    let name: String
    let harness: DaemonHarness
    let server: PostgresServer
    /// Where its shipper runs, when the machine allows network namespaces.
    let namespace: NetworkNamespace?
    private(set) var shipper: DaemonProcess?
    private var shippers = 0

    init(name: String, server: PostgresServer, namespace: NetworkNamespace?) async throws {
        self.name = name
        self.server = server
        self.namespace = namespace
        harness = try DaemonHarness()
        try await harness.start()
        shipper = try startShipper()
    }

    /// Starts a shipper for this host (a later one fences the one before).
    func startShipper() throws -> DaemonProcess {
        let previous = shipper
        shippers += 1
        // --timeout 3: a transaction cut off by the partition is given up within the test's time.
        shipper = try DaemonProcess(
            arguments: ["ship", "--database", namespace.map { server.url(host: $0.hostAddress) } ?? server.url,
                        "--password-file", server.passwordFile, "--journal", harness.journal, "--host", name, "--batch", "50",
                        "--timeout", "3"],
            environment: [:], stderrPath: harness.root.file("ship-\(shippers).log"), launcher: namespace?.launcher ?? [])
        return previous ?? shipper!
    }

    /// What this host's shippers logged, one text each.
    var shipperLogs: [String] {
        (1...shippers).compactMap { FileManager.default.contents(atPath: harness.root.file("ship-\($0).log")) }
            .map { String(decoding: $0, as: UTF8.self) }
    }

    func restartDaemon() async throws {
        await harness.kill9()
        try await harness.start()
    }

    func restartShipper() async throws {
        shipper?.signal(SIGKILL)
        _ = await shipper?.waitForExit()
        shipper = nil
        _ = try startShipper()
    }
}

/// The fleet under test, and the checks made of it at the end.
private final class ChaosFleet: @unchecked Sendable {
    let server: PostgresServer
    let hosts: [ChaosHost]
    private let output = TemporaryDirectory("ingestd-consume")
    private var consumer: DaemonProcess?
    private var consumers = 0

    init(hosts count: Int) async throws {
        let namespaces = NetworkNamespace.isAvailable ? try (1...count).map { try NetworkNamespace(index: $0) } : nil
        server = try PostgresServer(listeningAlsoOn: namespaces?.map(\.hostAddress) ?? [])
        var hosts: [ChaosHost] = []
        for index in 1...count {
            hosts.append(try await ChaosHost(name: "crawler-\(index)", server: server, namespace: namespaces?[index - 1]))
        }
        self.hosts = hosts
        try startConsumer(after: 0)
    }

    private var consumed: String { output.file("consumed.jsonl") }

    /// `ingestd consume --follow` from a position, its lines appended to one file.
    private func startConsumer(after position: Int) throws {
        consumers += 1
        consumer = try DaemonProcess(
            arguments: ["consume", "--database", server.url, "--password-file", server.passwordFile, "--after", "\(position)", "--follow"],
            environment: [:], stderrPath: output.file("consume-\(consumers).log"),
            launcher: ["/bin/sh", "-c", "exec \"$0\" \"$@\" >>'\(consumed)'"])
    }

    /// Kills the consumer with SIGKILL and starts another after the last whole line printed, as a
    /// downstream system that keeps its position would.
    func restartConsumer() async throws {
        consumer?.signal(SIGKILL)
        _ = await consumer?.waitForExit()
        let bytes = FileManager.default.contents(atPath: consumed) ?? Data()
        let whole = bytes.lastIndex(of: UInt8(ascii: "\n")).map { bytes[...$0] } ?? Data()
        try whole.write(to: URL(fileURLWithPath: consumed))
        try startConsumer(after: try consumedPositions().last ?? 0)
    }

    private func consumedPositions() throws -> [Int] {
        let text = String(decoding: FileManager.default.contents(atPath: consumed) ?? Data(), as: UTF8.self)
        return try text.split(separator: "\n").map { line in
            let record = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            return try #require(record["position"] as? Int)
        }
    }

    private func sql(_ statement: String) throws -> String { try server.sql(statement) }

    /// Records shipped by the hosts other than `host`.
    func shipped(besides host: ChaosHost) throws -> Int {
        Int(try sql("SELECT count(*) FROM ingestd_records WHERE host <> '\(host.name)'").dropLast()) ?? 0
    }

    /// Waits until every host journaled every file dropped on it, the fleet has every record, and
    /// the consumer printed them all.
    func waitUntilEverythingIsShipped(_ drops: ChaosDrops, context: String) async throws {
        for (index, host) in hosts.enumerated() {
            _ = try await JournalLines.waitFor(drops.count(onHost: index), in: host.harness.journal, timeout: .seconds(120))
        }
        do {
            try await poll("every record in PostgreSQL") { try self.sql("SELECT count(*) FROM ingestd_records") == "\(drops.all.count)\n" }
        } catch let timedOut as TimedOut {
            let shipped = (try? sql("SELECT host, count(*), max(seq) FROM ingestd_records GROUP BY host ORDER BY host")) ?? ""
            let logs = hosts.map { "\($0.name) (\(drops.count(onHost: hosts.firstIndex { $0 === $0 }!))):\n\($0.shipper?.log.suffix(3000) ?? "no shipper")" }
            throw TimedOut(what: "\(timedOut.what) (\(context)); shipped:\n\(shipped)\n\(logs.joined(separator: "\n"))", after: timedOut.after)
        }
        try await poll("the consumer's last line (\(context))") { try self.consumedPositions().last == drops.all.count }
    }

    /// Each look runs psql or parses the consumer's output: four a second.
    private func poll(_ what: String, _ condition: () throws -> Bool) async throws {
        try await eventually(what, within: .seconds(120), every: .milliseconds(250), asking: condition)
    }

    // MARK: - The invariants

    func expectEachHostJournaledEachFileOnce(_ drops: ChaosDrops, context: String) throws {
        for (index, host) in hosts.enumerated() {
            #expect(host.harness.journalProblem() == nil, "\(context): \(host.name)")
            let files = try JournalLines.read(host.harness.journal).compactMap { $0.string("file") }
            #expect(files.count == drops.count(onHost: index) && Set(files) == Set(drops.all.filter { $0.host == index }.map(\.name)),
                    "\(context): \(host.name) journaled \(files.count) records for \(drops.count(onHost: index)) files")
        }
    }

    /// One row per journal record of every host, no (host, seq) twice, positions 1…N, and each
    /// row the record it stands for.
    func expectOneRowPerJournalRecord(context: String) throws {
        var expected: [String] = []
        for host in hosts {
            for record in try JournalLines.read(host.harness.journal) {
                expected.append("\(host.name)|\(record.int("seq")!)|\(record.string("event")!)|\(record.string("id") ?? "")")
            }
        }
        let rows = try sql("SELECT host, seq, event, coalesce(content_id, '') FROM ingestd_records ORDER BY host, seq")
        #expect(rows.split(separator: "\n").map(String.init) == expected, "\(context)")
        let total = expected.count
        #expect(try sql("SELECT count(*), count(DISTINCT (host, seq)), min(position), max(position) FROM ingestd_records")
                == "\(total)|\(total)|1|\(total)\n", "\(context)")
        let cursors = try sql("SELECT host, shipped_seq FROM ingestd_hosts ORDER BY host")
        let journaled = try hosts.map { "\($0.name)|\(try JournalLines.read($0.harness.journal).count)" }
        #expect(cursors == journaled.joined(separator: "\n") + "\n", "\(context)")
    }

    /// Exactly one fleet original per content id, the first shipped, and every duplicate
    /// pointing at it.
    func expectOneOriginalPerContentID(context: String) throws {
        #expect(try sql("SELECT count(*) FROM ingestd_records WHERE (content_id IS NULL) <> (fleet_event IS NULL)") == "0\n", "\(context)")
        #expect(try sql("""
            SELECT count(*) FROM (SELECT content_id FROM ingestd_records WHERE content_id IS NOT NULL GROUP BY content_id
            HAVING count(*) FILTER (WHERE fleet_event = 'article') <> 1 OR min(position) <> min(position) FILTER (WHERE fleet_event = 'article')) AS wrong
            """) == "0\n", "\(context)")
        #expect(try sql("""
            SELECT count(*) FROM ingestd_records AS record JOIN ingestd_originals AS original USING (content_id)
            WHERE record.original_host <> original.host OR record.original_seq <> original.seq
               OR (record.fleet_event = 'article') <> (record.position = original.position)
            """) == "0\n", "\(context)")
        let copies = try sql("SELECT count(*) FROM ingestd_records WHERE fleet_event = 'duplicate' AND original_host <> host")
        #expect((Int(copies.dropLast()) ?? 0) > 100, "\(context): copies across hosts: \(copies)")
    }

    /// A near-copy and its story's original, both fleet originals: the later one lists the
    /// earlier one in near_duplicates, whichever hosts they are on.
    func expectNearCopiesListed(_ drops: ChaosDrops, context: String) throws {
        struct Row { let host: String, seq: Int, position: Int, near: Set<String> }
        var byFile: [String: Row] = [:]
        let rows = try sql("""
            SELECT record->>'file', host, seq, position, coalesce((SELECT string_agg((n->>'host') || ' ' || (n->>'seq'), ',')
                FROM jsonb_array_elements(near_duplicates) AS n), '')
            FROM ingestd_records WHERE fleet_event = 'article'
            """)
        for line in rows.split(separator: "\n") {
            let fields = line.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
            byFile[fields[0]] = Row(host: fields[1], seq: Int(fields[2])!, position: Int(fields[3])!,
                                    near: Set(fields[4].split(separator: ",").map(String.init)))
        }
        let originalOfStory = Dictionary(grouping: drops.all.filter { !$0.isNearCopy }.compactMap { drop in byFile[drop.name].map { (drop.story, $0) } },
                                         by: \.0).mapValues { $0[0].1 }
        var checked = 0
        for drop in drops.all where drop.isNearCopy {
            guard let copy = byFile[drop.name], let original = originalOfStory[drop.story] else { continue }
            let (earlier, later) = copy.position < original.position ? (copy, original) : (original, copy)
            #expect(later.near.contains("\(earlier.host) \(earlier.seq)"), "\(context): \(drop.name) and story \(drop.story)'s original")
            checked += 1
        }
        #expect(checked > 300, "\(context): near-copies checked: \(checked)")
    }

    /// The consumer, killed and restarted mid-run, printed positions 1…N once each; and
    /// `consume --after K` prints exactly the positions after K.
    func expectConsumersSawEveryPositionOnce(context: String) async throws {
        let total = Int(try sql("SELECT count(*) FROM ingestd_records").dropLast())!
        #expect(try consumedPositions() == Array(1...total), "\(context)")
        let after = total / 3
        let (status, text) = try runIngestd(["consume", "--database", server.url, "--password-file", server.passwordFile, "--after", "\(after)"])
        #expect(status == 0, "\(context): \(text.prefix(500))")
        let positions = try text.split(separator: "\n").map { line in
            try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])["position"] as? Int
        }
        #expect(positions == Array(after + 1...total), "\(context)")
    }

    /// The shippers and the consumer that ran while PostgreSQL was down said so, and went on.
    func expectTheOutageWasRiddenOut(context: String) {
        let shippers = hosts.flatMap(\.shipperLogs)
        #expect(shippers.contains { $0.contains("Cannot reach PostgreSQL") || $0.contains("Lost the connection") }, "\(context)")
        let last = String(decoding: FileManager.default.contents(atPath: output.file("consume-\(consumers).log")) ?? Data(), as: UTF8.self)
        #expect(last.contains("Lost PostgreSQL") && last.contains("following resumes"), "\(context): \(last.suffix(1000))")
    }

    /// Stops the shippers and the consumer with SIGTERM; each must exit 0.
    func stop(context: String) async throws {
        for host in hosts {
            host.shipper?.signal(SIGTERM)
            #expect(await host.shipper?.waitForExit() == 0, "\(context): \(host.name)'s shipper:\n\(host.shipper?.log.suffix(2000) ?? "")")
        }
        consumer?.signal(SIGTERM)
        #expect(await consumer?.waitForExit() == 0, "\(context): the consumer:\n\(consumer?.log.suffix(2000) ?? "")")
        for host in hosts { _ = await host.harness.stop() }
    }
}
