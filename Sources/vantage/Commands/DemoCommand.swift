import ArgumentParser
import Foundation
import VantageAgent
import VantageDemo
import VantageProbes
import VantageScoring

/// `vantage demo [--exit] [--json] [--step D] [--keep]`: the whole system on one machine in a minute.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Run a throwaway mesh of 12 real nodes on 127.0.0.1 through a recorded-style day of nation-wide blocking.",
        discussion: """
            Creates a mesh in a temporary folder, starts 10 nodes in 10 simulated Pakistani ISPs and \
            2 controls abroad as real `vantage agent` processes over mutual TLS, and replays \
            20 January 2024 hour by hour: from 13:00 to 17:30 UTC facebook, instagram, x and youtube \
            are blocked in 9 of the 10 ISPs. It shows nodes joining, batches gossiping, digests \
            agreeing and verdicts appearing, then the national view as a heat map and the verdicts, \
            and keeps serving the dashboard until Ctrl-C.
            """
    )

    @Flag(name: .long, help: "Stop the nodes and exit at the end instead of serving the dashboard.")
    var exit = false

    @Flag(name: .long, help: "Print one JSON object at the end instead of the story.")
    var json = false

    @Flag(name: .long, help: "Keep the mesh folder afterwards.")
    var keep = false

    @Option(name: .long, help: ArgumentHelp("Time per replayed hour (default 2s: about a minute in all).", valueName: "DURATION"))
    var step = "2s"

    func validate() throws {
        guard DurationText.milliseconds(step) != nil else { throw ValidationError("--step: '\(step)' is not a duration such as 2s") }
    }

    func run() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("vantage-demo-\(UUID().uuidString.prefix(8))").path
        let executable = Bundle.main.executableURL ?? URL(fileURLWithPath: CommandLine.arguments[0])
        let demo = DemoRun(executable: executable, folder: folder, stepMs: DurationText.milliseconds(step)!)
        let style = TextStyle(enabled: !json && isatty(1) == 1)
        // Each line is written as it happens, into a file or a pipe too (`vantage demo | tee demo.log`).
        let say: (String) -> Void = { line in
            guard !json else { return }
            print(line)
            fflush(nil)
        }
        defer {
            demo.stop()
            if !keep { try? FileManager.default.removeItem(atPath: folder) }
        }
        let started = Date()
        try await demo.start { event in
            switch event {
            case .meshCreated(let path): say(style.bold("Vantage demo") + " — a throwaway mesh in \(path)")
            case .nodeStarted(let name, let isp, let country, let asn):
                say("  node \(name.padding(toLength: 11, withPad: " ", startingAt: 0)) joined  \(country) AS\(asn) \(isp)")
            default: break
            }
        }
        say("12 real agents gossip over mutual TLS on 127.0.0.1; the two controls abroad are the archivers, which keep every raw")
        say("batch, the ten ISPs keep their own and everyone's window summaries. Replaying 2024-01-20, one hour every \(step):")
        try await demo.replay { event in
            guard case .hourReplayed(let hour, let batches, let agreeing, let nodes, let verdicts) = event else { return }
            let digests = agreeing == nodes ? style.green("summaries \(agreeing)/\(nodes) equal") : "summaries \(agreeing)/\(nodes) equal"
            let verdict = verdicts.first { $0.scope == .nation }.map { style.red($0.sentence) } ?? "no nation-scale verdict"
            say(String(format: "  %02d:00 UTC  %4d raw batches archived  ", hour, batches) + digests + "  " + verdict)
        }
        let outcome = try await demo.finish()
        if json { return try printJSON(outcome) }
        let isps = Dictionary(uniqueKeysWithValues: DemoDay.points.map { ($0.profile.asn, $0.profile.isp) })
        say("")
        say(TerminalHeatMap.render(outcome.view, isps: isps, colour: style.enabled))
        say("")
        say(style.bold("Verdicts") + " (identical on every node once digests agree):")
        for verdict in outcome.verdicts.verdicts { say("  " + (verdict.scope == .nation ? style.red(verdict.sentence) : verdict.sentence)) }
        if let report = outcome.report {
            say("")
            say(style.bold("Report") + " exported from \(report.exportedBy), an ordinary node: \(report.summaryBatches) summary batches, \(report.rawBatches) raw batches "
                + "(other nodes' fetched from the archivers), \(report.attestations) attestations — "
                + (report.verified ? style.green("VERIFIED") + " against the mesh key" : "not verified: \(report.failing.first ?? "")"))
        }
        let archived = outcome.nodes.filter(\.archiver).map(\.rawBatches).max() ?? 0
        say(String(format: "\n%@ after %.0f s: %d nodes, summary tier %@; the archivers hold %d raw batches, each ISP node its own %d.",
                   outcome.digestsEqual ? "All digests agree" : "Digests still differ", Date().timeIntervalSince(started), outcome.nodes.count,
                   String(outcome.nodes[0].summaryDigest.prefix(16)), archived, outcome.nodes.first { !$0.archiver }?.rawBatches ?? 0))
        if exit { return }
        say("Dashboard: \(outcome.nodes[0].dashboard)  (every node serves one). Ctrl-C stops the mesh.")
        await waitForInterrupt()
    }

    /// Returns on SIGINT or SIGTERM.
    func waitForInterrupt() async {
        signal(SIGINT, SIG_IGN)
        signal(SIGTERM, SIG_IGN)
        let flag = LockedFlag()
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let sources = [SIGINT, SIGTERM].map { DispatchSource.makeSignalSource(signal: $0, queue: .global()) }
            for source in sources {
                // Each handler holds the sources, so they live until a signal arrives.
                source.setEventHandler { if flag.claim() { _ = sources; continuation.resume() } }
                source.resume()
            }
        }
    }
}
