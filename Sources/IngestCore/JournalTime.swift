import Foundation

/// RFC 3339 timestamps for journal records: UTC with milliseconds, e.g. `2026-11-21T14:57:43.125Z`.
public enum JournalTime {
    /// Formats a time given as seconds and nanoseconds since the Unix epoch.
    public static func rfc3339(seconds: Int64, nanoseconds: Int64) -> String {
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let secondOfDay = seconds - days * 86_400
        let (year, month, day) = civilDate(daysSinceEpoch: days)
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))T\(pad(secondOfDay / 3600, 2)):"
            + "\(pad(secondOfDay / 60 % 60, 2)):\(pad(secondOfDay % 60, 2)).\(pad(nanoseconds / 1_000_000, 3))Z"
    }

    /// The time `--since` names, as the journal writes times, so that records compare with it as
    /// strings: an RFC 3339 UTC time or a prefix of one (`2026-11-27`, `2026-11-27T13:00`, a space
    /// for the T), a time ago (`90m`, `24h`, `7d`), `today` or `yesterday` (UTC). Nil otherwise.
    public static func since(_ text: String, now: Int64) -> String? {
        switch text {
        case "today": return rfc3339(seconds: now - ((now % 86_400) + 86_400) % 86_400, nanoseconds: 0)
        case "yesterday": return rfc3339(seconds: now - ((now % 86_400) + 86_400) % 86_400 - 86_400, nanoseconds: 0)
        default: break
        }
        let units: [Character: Int64] = ["s": 1, "m": 60, "h": 3600, "d": 86_400, "w": 604_800]
        if let unit = text.last.flatMap({ units[$0] }), let count = Int64(text.dropLast()), count >= 0 {
            return rfc3339(seconds: now - count * unit, nanoseconds: 0)
        }
        // A prefix of the full form, completed with its earliest time.
        let full = Array("0000-01-01T00:00:00.000Z")
        var given = Array(text.replacingOccurrences(of: " ", with: "T"))
        if given.last == "Z" { given.removeLast() }
        // Whole fields only: year, month, day, hour, minute, second, milliseconds.
        guard [4, 7, 10, 13, 16, 19, 23].contains(given.count) else { return nil }
        for (index, character) in given.enumerated() {
            let expected = full[index]
            guard expected.isNumber ? character.isNumber : character == expected else { return nil }
        }
        return String(given + full[given.count...])
    }

    /// Howard Hinnant's days-to-civil algorithm (proleptic Gregorian calendar).
    static func civilDate(daysSinceEpoch: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let z = daysSinceEpoch + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    private static func pad(_ value: Int64, _ width: Int) -> String {
        let digits = String(value)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }
}
