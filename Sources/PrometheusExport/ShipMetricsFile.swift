import IngestIO
import Logging
import Prometheus
import Synchronization

/// The shipper's metrics (`ingestd ship --metrics-file`), written like the daemon's (see
/// ``MetricsFile``): how far the host's journal is shipped, the lag, and whether PostgreSQL can be
/// reached.
public final class ShipMetricsFile: Sendable {
    private let shippedSeq: Gauge
    private let lag: Gauge
    private let reachable: Gauge
    private let shipped: Counter
    private let counted = Atomic(0)
    private let writer: MetricsFile.Writer

    public init(path: String, logger: Logger) throws(SystemError) {
        let registry = PrometheusCollectorRegistry()
        shippedSeq = registry.makeGauge(name: "ingestd_ship_shipped_seq", help: "The last seq of this host's journal shipped to the fleet's PostgreSQL.")
        lag = registry.makeGauge(name: "ingestd_ship_lag_records", help: "Records read from the journal and not shipped yet.")
        reachable = registry.makeGauge(name: "ingestd_ship_database_reachable", help: "1 while PostgreSQL can be reached, 0 while the shipper retries.")
        shipped = registry.makeCounter(name: "ingestd_ship_records_total", help: "Records shipped since the shipper started.")
        writer = try MetricsFile.Writer(path: path, logger: logger, registry: registry)
    }

    /// Takes where shipping stands (see `FleetShipper.Progress`): the last seq shipped, the lag,
    /// whether the server can be reached, and the records shipped since start.
    public func update(shippedSeq seq: UInt64, lag records: UInt64, reachable isReachable: Bool, shipped total: Int) {
        shippedSeq.set(Int64(seq))
        lag.set(Int64(records))
        reachable.set(Int64(isReachable ? 1 : 0))
        let before = counted.exchange(total, ordering: .relaxed)
        if total > before { shipped.increment(by: Int64(total - before)) }
    }

    /// Writes the file a last time and stops its thread.
    public func stop() {
        writer.stop()
    }
}
