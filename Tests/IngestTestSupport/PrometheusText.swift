import Foundation

/// Reads the samples of a file in Prometheus's text exposition format, for tests.
public enum PrometheusText {
    /// `name{labels}` → value, comments left out; nil when a line is not `series value`.
    public static func samples(ofFile path: String) throws -> [String: Double]? {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        var samples: [String: Double] = [:]
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            let parts = line.split(separator: " ")
            guard parts.count == 2, let value = Double(parts[1]) else { return nil }
            samples[String(parts[0])] = value
        }
        return samples
    }
}
