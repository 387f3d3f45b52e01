import Foundation

extension JournalStats {
    /// The stats as one JSON object for scripts: `records`, `first_time`, `last_time`, `since`,
    /// `unreadable_lines`, `total` (counts as in each group), `by_source`/`by_day`/`by_hour` for
    /// the groupings asked for (every group, with its `key`), `reused_sources` and `rejects`.
    /// Keys are sorted, so the output of the same journal is the same text.
    public func json(groupings: [Grouping]) -> String {
        var object: [String: Any] = [
            "records": total.records,
            "total": Self.object(total),
            "unreadable_lines": unreadableLines,
            "rejects": rejectReasons.map { ["reason": $0.reason, "count": $0.count] },
        ]
        object["first_time"] = firstTime ?? NSNull()
        object["last_time"] = lastTime ?? NSNull()
        object["since"] = since ?? NSNull()
        for grouping in groupings {
            object["by_\(grouping.rawValue)"] = groups(by: grouping).map { group -> [String: Any] in
                var entry = Self.object(group.counts)
                entry["key"] = group.key
                return entry
            }
        }
        if hasReuse {
            object["reused_sources"] = reusedSources.map {
                ["source": $0.source, "passages": $0.passages, "words": $0.words, "articles": $0.articles,
                 "by_other_sources": $0.byOtherSources] as [String: Any]
            }
        }
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    private static func object(_ counts: Counts) -> [String: Any] {
        ["records": counts.records, "articles": counts.articles, "duplicates": counts.duplicates, "rejected": counts.rejected,
         "near_duplicates": counts.nearDuplicates, "reusing": counts.reusing, "bytes": counts.bytes]
    }
}
