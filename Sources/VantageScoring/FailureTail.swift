import Foundation

/// Tail probabilities of failure counts (protocol/SPEC.md §13.2): how improbable it is to see at
/// least `k` failures when each vantage point's measurements fail at its baseline rate — a rate it
/// learned from its own history, so known only as well as that history allows. Each vantage point's
/// count is beta-binomial (its baseline a Beta of the failures and trials it learned from), and the
/// counts of several vantage points are independent, so their sum is found by convolution. Above
/// `exactTrialLimit` trials in all, the test is scaled down to that many (`approximately`): memory
/// and time stay bounded whatever counts a summary claims.
enum FailureTail {
    /// The most trials in one test computed exactly; more are approximated (SPEC §13.2).
    static let exactTrialLimit = 4_096

    /// One vantage point's share of a test: `trials` measurements, judged against a baseline that
    /// saw `learnedFailures` in `learnedTrials` (prior included).
    struct Group: Sendable {
        var trials: Int
        var learnedFailures: Double
        var learnedTrials: Double
    }

    /// P(at least `k` failures in all the groups together).
    static func atLeast(_ k: Int, in groups: [Group]) -> Double {
        guard k > 0 else { return 1 }
        let trials = groups.reduce(0) { $0 + max(0, $1.trials) }
        guard trials <= exactTrialLimit else { return approximately(atLeast: k, in: groups) }
        var total: [Double] = [1]
        for group in groups { total = convolve(total, pmf(group)) }
        guard k < total.count else { return 0 }
        return min(1, total[k...].reduce(0, +))
    }

    /// P(at least `k` failures) with every group's trials, and `k`, scaled down by one factor so
    /// that they total `exactTrialLimit`: the failure share tested stays what it was, and a
    /// baseline's uncertainty, which dominates at large counts, is kept; the binomial part is
    /// wider than the true one, so the approximation errs towards "not anomalous".
    static func approximately(atLeast k: Int, in groups: [Group]) -> Double {
        let total = groups.reduce(0) { $0 + max(0, $1.trials) }
        let scaled = groups.map { group in
            Group(trials: max(0, group.trials) * exactTrialLimit / total, learnedFailures: group.learnedFailures, learnedTrials: group.learnedTrials)
        }
        let kept = scaled.reduce(0) { $0 + $1.trials }
        let scaledK = Int((Double(k) * Double(kept) / Double(total)).rounded(.up))
        return atLeast(max(1, scaledK), in: scaled)
    }

    /// The beta-binomial probabilities of 0…trials failures, in log space (no underflow).
    static func pmf(_ group: Group) -> [Double] {
        let n = group.trials
        let alpha = max(group.learnedFailures, 1e-9), beta = max(group.learnedTrials - group.learnedFailures, 1e-9)
        let logNormaliser = logBeta(alpha, beta)
        let logNFactorial = logFactorial(n)
        return (0...n).map { i in
            let logChoose = logNFactorial - logFactorial(i) - logFactorial(n - i)
            let logTerm: Double = logChoose + logBeta(Double(i) + alpha, Double(n - i) + beta) - logNormaliser
            return Foundation.exp(logTerm)
        }
    }

    static func logFactorial(_ n: Int) -> Double {
        n < logFactorials.count ? logFactorials[n] : Foundation.lgamma(Double(n) + 1)
    }

    /// log(n!) for the counts of most cells, computed once.
    private static let logFactorials: [Double] = (0..<1024).map { Foundation.lgamma(Double($0) + 1) }

    static func logBeta(_ a: Double, _ b: Double) -> Double {
        Foundation.lgamma(a) + Foundation.lgamma(b) - Foundation.lgamma(a + b)
    }

    private static func convolve(_ a: [Double], _ b: [Double]) -> [Double] {
        var result = Array(repeating: 0.0, count: a.count + b.count - 1)
        for (i, x) in a.enumerated() where x > 0 {
            for (j, y) in b.enumerated() { result[i + j] += x * y }
        }
        return result
    }
}

/// Benjamini–Hochberg: of `pValues` (by key), the keys whose discoveries keep the expected share
/// of false ones at or below `rate`. Deterministic: ties are broken by key.
enum FalseDiscovery {
    static func discoveries<Key: Comparable>(_ pValues: [(key: Key, p: Double)], rate: Double) -> Set<Key> where Key: Hashable {
        let sorted = pValues.sorted { ($0.p, $0.key) < ($1.p, $1.key) }
        let m = Double(sorted.count)
        var last = -1
        for (i, entry) in sorted.enumerated() where entry.p <= Double(i + 1) * rate / m { last = i }
        return Set(sorted.prefix(last + 1).map(\.key))
    }
}
