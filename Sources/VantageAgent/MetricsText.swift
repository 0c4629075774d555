import Foundation

/// What `/metrics` says beyond swift-metrics' series: a HELP line for every series (swift-metrics
/// carries no help text, so the texts have their home here) and the process metrics Prometheus
/// clients usually export (resident memory, open files, CPU seconds, start time).
enum MetricsText {
    /// Help text by series name.
    static let help: [String: String] = [
        "vantage_batches_in_total": "Batches received from peers and admitted.",
        "vantage_batches_out_total": "Batches sent to peers (deltas and pushes).",
        "vantage_bytes_in_total": "Frame bytes received from peers.",
        "vantage_bytes_out_total": "Frame bytes sent to peers.",
        "vantage_sync_rounds_total": "Anti-entropy rounds started.",
        "vantage_sync_exchanges_total": "Anti-entropy exchanges finished, by outcome.",
        "vantage_refusals_total": "Inputs refused, by reason (protocol/SPEC.md section 9).",
        "vantage_ledger_batches": "Raw batches in the ledger.",
        "vantage_ledger_measurements": "Measurements in the ledger's raw batches.",
        "vantage_ledger_origins": "Origins with a raw log in the ledger.",
        "vantage_peers_connected": "Peers connected now.",
        "vantage_recovering": "1 while the node waits for its peers to return its own log (its store was lost).",
        "vantage_stored_batches_decoded_total": "Batches read back from the store and decoded.",
        "vantage_signatures_verified_total": "Envelope signatures verified.",
        "vantage_store_bytes": "Size of the ledger's SQLite files (database and write-ahead log).",
        "vantage_active_verdicts": "Verdicts over closed windows now, by scope, kind and target.",
        "vantage_propagation_lag_seconds": "Arrival time minus the batch's creation time, for batches admitted from peers.",
        "vantage_probe_outcomes_total": "Probe results of this node, by target, probe kind and outcome.",
        "process_resident_memory_bytes": "Resident memory size in bytes.",
        "process_open_fds": "Number of open file descriptors.",
        "process_cpu_seconds_total": "Total user and system CPU time spent in seconds.",
        "process_start_time_seconds": "Start time of the process since the Unix epoch in seconds.",
    ]

    /// `text` (Prometheus exposition) with a HELP line before each TYPE line, and the process
    /// metrics appended.
    static func complete(_ text: String, startTime: Date) -> String {
        var lines: [String] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("# TYPE "), let name = line.split(separator: " ").dropFirst(2).first, let help = help[String(name)] {
                lines.append("# HELP \(name) \(help)")
            }
            lines.append(String(line))
        }
        var result = lines.joined(separator: "\n")
        if !result.hasSuffix("\n") { result += "\n" }
        return result + process(startTime: startTime)
    }

    /// The process metrics, read from /proc (Linux); empty elsewhere.
    static func process(startTime: Date) -> String {
        var out = ""
        func add(_ name: String, _ type: String, _ value: String) {
            out += "# HELP \(name) \(help[name] ?? "")\n# TYPE \(name) \(type)\n\(name) \(value)\n"
        }
        if let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
           let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
           let kb = line.split(separator: " ").dropFirst().first.flatMap({ Int($0) }) {
            add("process_resident_memory_bytes", "gauge", "\(kb * 1024)")
        }
        if let fds = try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd") {
            add("process_open_fds", "gauge", "\(fds.count)")
        }
        if let stat = try? String(contentsOfFile: "/proc/self/stat", encoding: .utf8),
           let close = stat.lastIndex(of: ")") {
            // Fields after the command name: state is field 3; utime and stime are 14 and 15.
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            if fields.count > 13, let user = Double(fields[11]), let system = Double(fields[12]) {
                let ticks = Double(sysconf(Int32(_SC_CLK_TCK)))
                add("process_cpu_seconds_total", "counter", String(format: "%.2f", (user + system) / ticks))
            }
        }
        add("process_start_time_seconds", "gauge", String(format: "%.0f", startTime.timeIntervalSince1970))
        return out
    }
}
