import Foundation
import IngestTestSupport

/// `--baseline BINARY`: the burst and the latency of an earlier binary and of this one, in turns
/// within the same run (baseline first in even rounds, this one first in odd ones), so that the
/// machine's drift falls on both alike.
extension IngestBench {
    static func compareWithBaseline(
        _ options: Options, work: String, files: [[UInt8]], staging: String, corpus: Corpus,
        into table: inout [(String, String, String)]
    ) throws {
        guard let baseline = options.baseline else { return }
        var measured: [String: (rates: [Double], p99s: [Double])] = ["this": ([], []), "baseline": ([], [])]
        for round in 0..<options.baselineRounds {
            let turns = [("baseline", baseline), ("this", options.binary)]
            for (name, binary) in round % 2 == 0 ? turns : turns.reversed() {
                var run = options
                run.binary = binary
                run.latencySamples = 200
                try? FileManager.default.removeItem(atPath: staging)
                try writeFiles(files, to: staging)
                let burst = try burstThroughput(run, work: work, staging: staging, count: files.count, name: "compare-\(name)-\(round)")
                let latency = try latencies(run, work: work, corpus: corpus, name: "compare-latency-\(name)-\(round)")
                measured[name]!.rates.append(burst.rate)
                measured[name]!.p99s.append(latency.p99)
                progress("round \(round + 1), \(name): \(Int(burst.rate)) files/s, p99 \(format(latency.p99)) ms")
            }
        }
        let this = measured["this"]!, before = measured["baseline"]!
        let rounds = options.baselineRounds
        // Each round's own ratio as well: the two turns of a round share the machine's state.
        let rateRatios = zip(this.rates, before.rates).map { $0 / $1 }
        let p99Ratios = zip(this.p99s, before.p99s).map { $0 / $1 }
        table.append(("burst, this binary (median of \(rounds), min–max)", spread(this.rates, unit: "files/s"), ""))
        table.append(("burst, baseline \(baseline) in the same rounds", spread(before.rates, unit: "files/s"), ""))
        table.append(("burst, this / baseline (median of the rounds' ratios, min–max)", spread(rateRatios, unit: ""), "≥ 1 within noise"))
        table.append(("latency p99, this binary (median of \(rounds), min–max)", spread(this.p99s, unit: "ms"), ""))
        table.append(("latency p99, baseline", spread(before.p99s, unit: "ms"), ""))
        table.append(("latency p99, this / baseline (median of the rounds' ratios, min–max)", spread(p99Ratios, unit: ""), "≤ 1 within noise"))
    }

    static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
    }

    /// "median (min–max)", with the unit after the median.
    static func spread(_ values: [Double], unit: String) -> String {
        "\(format(median(values)))\(unit.isEmpty ? "" : " " + unit) (\(format(values.min() ?? 0))–\(format(values.max() ?? 0)))"
    }
}
