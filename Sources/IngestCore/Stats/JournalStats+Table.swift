import Foundation

extension JournalStats {
    /// Sources listed in a table at most; `--json` lists them all.
    public static let tableSourceLimit = 20

    /// The stats as a table for a person: totals, then one breakdown per grouping, then the
    /// sources most reused and the rejects by reason.
    public func table(groupings: [Grouping]) -> String {
        var lines = summary()
        guard total.records > 0 else { return lines.joined(separator: "\n") + "\n" }
        for grouping in groupings { lines += [""] + breakdown(grouping) }
        if hasReuse { lines += [""] + reusedSourcesTable() }
        if total.rejected > 0 { lines += [""] + rejectsTable() }
        return lines.joined(separator: "\n") + "\n"
    }

    private func summary() -> [String] {
        var lines: [String] = []
        if let firstTime, let lastTime {
            lines.append("\(Self.number(total.records)) records from \(Self.readable(firstTime)) to \(Self.readable(lastTime)) UTC")
        } else {
            lines.append(since == nil ? "No records." : "No records since \(Self.readable(since!)) UTC.")
        }
        if unreadableLines > 0 { lines.append("\(Self.number(unreadableLines)) lines are not journal records (ingestd verify finds them).") }
        guard total.records > 0 else { return lines }
        var rows: [[String]] = [
            ["articles", Self.number(total.articles), Self.percent(total.articles, of: total.records), "of records"],
            ["duplicates", Self.number(total.duplicates), Self.percent(total.duplicates, of: total.records), "of records"],
            ["rejected", Self.number(total.rejected), Self.percent(total.rejected, of: total.records), "of records"],
        ]
        if hasNearDuplicates {
            rows.append(["articles with near-duplicates", Self.number(total.nearDuplicates),
                         Self.percent(total.nearDuplicates, of: total.articles), "of articles"])
        }
        if hasReuse {
            rows.append(["articles reusing passages", Self.number(total.reusing), Self.percent(total.reusing, of: total.articles), "of articles"])
        }
        return lines + [""] + Self.aligned(rows, rightAligned: [1, 2])
    }

    private func breakdown(_ grouping: Grouping) -> [String] {
        let groups = self.groups(by: grouping)
        let shown = grouping == .source ? Array(groups.prefix(Self.tableSourceLimit)) : groups
        var header = ["by \(grouping.rawValue)", "records", "articles", "duplicates", "rejected"]
        if hasNearDuplicates { header.append("near-dup.") }
        if hasReuse { header.append("reusing") }
        var rows = [header]
        for (key, counts) in shown {
            var row = [grouping == .hour ? Self.readable(key + ":00") : key, Self.number(counts.records), Self.number(counts.articles),
                       Self.number(counts.duplicates), Self.number(counts.rejected)]
            if hasNearDuplicates { row.append(Self.percent(counts.nearDuplicates, of: counts.articles)) }
            if hasReuse { row.append(Self.percent(counts.reusing, of: counts.articles)) }
            rows.append(row)
        }
        var lines = Self.aligned(rows, rightAligned: Set(1..<header.count))
        if groups.count > shown.count { lines.append("  … \(Self.number(groups.count - shown.count)) more sources (--json lists them all)") }
        if grouping == .source { lines.append("  (a duplicate counts under the source of the article it repeats)") }
        return lines
    }

    private func reusedSourcesTable() -> [String] {
        let sources = reusedSources
        guard !sources.isEmpty else { return ["No passages reused."] }
        var rows = [["passages reused, by source of the earliest article", "passages", "words", "in articles", "by other sources"]]
        for source in sources.prefix(Self.tableSourceLimit) {
            rows.append([source.source, Self.number(source.passages), Self.number(source.words), Self.number(source.articles),
                         Self.percent(source.byOtherSources, of: source.passages)])
        }
        return Self.aligned(rows, rightAligned: [1, 2, 3, 4])
    }

    private func rejectsTable() -> [String] {
        Self.aligned([["rejected", "reason"]] + rejectReasons.map { [Self.number($0.count), $0.reason] }, rightAligned: [0])
    }

    // MARK: - Formatting

    /// Columns padded to their widest cell (counted in characters, so Arabic names line up in a
    /// terminal that shows them left to right), two spaces apart.
    static func aligned(_ rows: [[String]], rightAligned: Set<Int>) -> [String] {
        let columns = rows.map(\.count).max() ?? 0
        let widths = (0..<columns).map { column in rows.map { column < $0.count ? $0[column].count : 0 }.max() ?? 0 }
        return rows.map { row in
            row.enumerated().map { column, cell in
                let padding = String(repeating: " ", count: widths[column] - cell.count)
                return rightAligned.contains(column) ? padding + cell : (column == row.count - 1 ? cell : cell + padding)
            }.joined(separator: "  ")
        }
    }

    /// 1234567 → "1,234,567".
    public static func number(_ value: Int) -> String {
        let digits = String(value.magnitude)
        var grouped = ""
        for (index, digit) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { grouped.append(",") }
            grouped.append(digit)
        }
        return (value < 0 ? "-" : "") + grouped
    }

    /// "12.5%", or "–" when there is nothing to take a share of.
    static func percent(_ part: Int, of whole: Int) -> String {
        guard whole > 0 else { return "–" }
        let tenths = (part * 1000 + whole / 2) / whole
        return "\(tenths / 10).\(tenths % 10)%"
    }

    /// "2026-11-27T13:57:28.695Z" → "2026-11-27 13:57".
    static func readable(_ time: String) -> String {
        String(time.prefix(16)).replacingOccurrences(of: "T", with: " ")
    }
}
