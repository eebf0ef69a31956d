import Estimators
import Foundation
import NumericsCore

/// The settings of a variance sweep (`rbm-study variance-sweep`): which systems, which estimators
/// at which sizes (or at which matched costs), how many draws per fixed configuration and how many
/// independent configurations. Validated before any work starts (``validate()``).
public struct VarianceSweepConfiguration: Codable, Sendable {
    /// "smooth", "linear" (particle interaction sums) or "attention" (``attention``).
    public var systems: [String] = ["smooth"]
    /// N particles or tokens (attention: ignored with a token file).
    public var particles: Int = 128
    /// d (nil: 2 for particle systems, 8 for attention).
    public var dimension: Int? = nil
    /// Estimator names (nil: every estimator of the system, see ``defaultEstimators(system:)``).
    public var estimators: [String]? = nil
    /// The size parameter (p, π, m or c) applied to every estimator; nil: each estimator's defaults.
    public var sizes: [Double]? = nil
    /// Target expected costs (pair interactions or scores per particle); each estimator's size is
    /// chosen to hit each cost. Exclusive with ``sizes``.
    public var matchCost: [Double]? = nil
    /// Draws per configuration (each draw is made twice: see ``EstimatorDrawStatistics``).
    public var draws: Int = 1_000
    /// Independent fixed configurations (particles or tokens).
    public var configurations: Int = 2
    public var seed: UInt64 = 20_251_123
    public var threads: Int = 1
    /// The attention model (normalisation, β, tokens, maps, geometry); its N and d are set from
    /// ``particles`` and ``dimension``.
    public var attention = AttentionSetup()
    /// τ, the bits per YOSO hash.
    public var yosoBits: Int = YOSOAttention.defaultBits
    /// Kurtosis κ above which a row carries a warning (relative SE of the variance √((κ−1)/R)).
    public var kurtosisWarning: Double = 20

    public init() {}

    public static let systemNames = ["smooth", "linear", "attention"]

    public static func defaultEstimators(system: String) -> [String] {
        system == "attention"
            ? ["rba", "rba-corrected", "bernoulli", "yoso", "yoso-normalized", "uniform-columns", "importance-columns", "skeinformer"]
            : InteractionSumEstimatorCatalog.names
    }

    /// The estimators measured on `system`: with several systems, each listed name applies to the
    /// systems that have it (every name must exist in at least one, see ``validate()``).
    public func estimatorNames(system: String) -> [String] {
        guard let estimators else { return Self.defaultEstimators(system: system) }
        guard systems.count > 1 else { return estimators }
        let known = system == "attention" ? AttentionEstimatorCatalog.names : InteractionSumEstimatorCatalog.names
        return estimators.filter(known.contains)
    }

    /// d for a system.
    public func dimension(system: String) -> Int { dimension ?? (system == "attention" ? 8 : 2) }

    /// The attention setup with N and d filled in.
    public var resolvedAttention: AttentionSetup {
        var setup = attention
        setup.tokens = particles
        setup.dimension = dimension(system: "attention")
        return setup
    }

    /// N for a system (attention with a token file: N of the file).
    public func count(system: String) throws -> Int {
        system == "attention" ? try resolvedAttention.resolvedShape().tokens : particles
    }

    /// Throws ``InvalidInput`` naming the first offending option.
    public func validate() throws {
        try require(!systems.isEmpty && systems.allSatisfy(Self.systemNames.contains), "--system",
                    "must be a comma list of \(Self.systemNames.joined(separator: ", ")) (got '\(systems.joined(separator: ","))')")
        try require(Set(systems).count == systems.count, "--system", "lists a system twice")
        try require(particles >= 3 && particles <= 1_000_000, "--particles", "must be an integer in [3, 1000000] (got \(particles))")
        if let dimension { try require(dimension >= 1 && dimension <= 4096, "--dim", "must be an integer in [1, 4096] (got \(dimension))") }
        try require(draws >= 4 && draws <= 1_000_000, "--draws", "must be an integer in [4, 1000000] (got \(draws))")
        try require(configurations >= 1 && configurations <= 100_000, "--configurations", "must be an integer in [1, 100000] (got \(configurations))")
        try require(threads >= 1 && threads <= 1024, "--threads", "must be an integer in [1, 1024] (got \(threads))")
        try require(yosoBits >= 1 && yosoBits <= 20, "--bits", "must be an integer in [1, 20] (got \(yosoBits))")
        try require(kurtosisWarning.isFinite && kurtosisWarning > 1, "--kurtosis-warning", "must be a finite number > 1 (got \(kurtosisWarning))")
        try require(sizes == nil || matchCost == nil, "--match-cost", "cannot be combined with --sizes")
        if let sizes { try require(!sizes.isEmpty, "--sizes", "must list at least one size") }
        if let matchCost {
            try require(!matchCost.isEmpty && matchCost.allSatisfy { $0.isFinite && $0 > 0 }, "--match-cost",
                        "must be a comma list of positive finite costs (got \(matchCost))")
        }
        if let estimators {
            try require(!estimators.isEmpty, "--estimators", "must name at least one estimator")
            let known = Set(systems.flatMap { $0 == "attention" ? AttentionEstimatorCatalog.names : InteractionSumEstimatorCatalog.names })
            for name in estimators where !known.contains(name) {
                throw InvalidInput(option: "--estimators", "unknown estimator '\(name)' for --system \(systems.joined(separator: ",")); choose from \(known.sorted().joined(separator: ", "))")
            }
        }
        if systems.contains("attention") {
            try resolvedAttention.validate()
            let (n, _) = try resolvedAttention.resolvedShape()
            try require(n >= 3, "--tokens-file", "needs at least 3 tokens (got \(n))")
        }
        for system in systems {
            let n = try count(system: system)
            for name in estimatorNames(system: system) {
                for size in try plannedSizes(system: system, estimator: name, count: n) { _ = size }
            }
        }
    }

    /// Pair interactions of every unit of the sweep, from the configuration, keyed like
    /// ``VarianceSweepStudy/Unit/key`` ("system/estimator/size/configuration"): the R draws, each
    /// made twice (``EstimatorDrawStatistics``), at the estimator's expected cost c(size) per
    /// particle, plus the exact target (or the term moments) at N²: 2·R·c·N + N² per unit. The work
    /// of a sweep is the sum over the units it still has to measure.
    public func pairInteractionsPerUnit() throws -> [(key: String, system: String, pairs: Double)] {
        var units: [(key: String, system: String, pairs: Double)] = []
        for system in systems {
            let n = try count(system: system)
            for name in estimatorNames(system: system) {
                let entry = try SweepEstimatorEntry(system: system, name: name, option: "--estimators", yosoBits: yosoBits,
                                                    normalization: attention.normalization)
                for size in try plannedSizes(system: system, estimator: name, count: n) {
                    let pairs = 2 * Double(draws) * entry.cost(size: size, count: n) * Double(n) + Double(n) * Double(n)
                    units += (0..<configurations).map { ("\(system)/\(entry.name)/\(size)/\($0)", system, pairs) }
                }
            }
        }
        return units
    }

    /// The sizes measured for one estimator: ``sizes``, the sizes matching ``matchCost``, or the
    /// estimator's defaults. Validates names and sizes.
    func plannedSizes(system: String, estimator name: String, count n: Int) throws -> [Double] {
        let entry = try SweepEstimatorEntry(system: system, name: name, option: "--estimators", yosoBits: yosoBits,
                                            normalization: attention.normalization)
        if let sizes {
            for size in sizes { try entry.validate(size: size, count: n, option: "--sizes") }
            return sizes
        }
        if let matchCost { return try matchCost.map { try entry.size(forCost: $0, count: n) } }
        let defaults = entry.defaultSizes(n)
        return defaults.filter { (try? entry.validate(size: $0, count: n, option: "--sizes")) != nil }
    }
}

/// One estimator of either kind, as the sweep uses it.
struct SweepEstimatorEntry {
    enum Kind { case particle(EstimatorEntry<any InteractionSumEstimator>), attention(EstimatorEntry<any AttentionEstimator>) }
    let kind: Kind
    let yosoBits: Int
    let normalization: AttentionNormalization

    init(system: String, name: String, option: String, yosoBits: Int, normalization: AttentionNormalization) throws {
        kind = system == "attention"
            ? .attention(try AttentionEstimatorCatalog.entry(named: name, option: option))
            : .particle(try InteractionSumEstimatorCatalog.entry(named: name, option: option))
        self.yosoBits = yosoBits
        self.normalization = normalization
    }

    var name: String {
        switch kind { case .particle(let e): return e.name; case .attention(let e): return e.name }
    }

    var sizeName: String {
        switch kind { case .particle(let e): return e.sizeName; case .attention(let e): return e.sizeName }
    }

    var integerSize: Bool {
        switch kind { case .particle(let e): return e.integerSize; case .attention(let e): return e.integerSize }
    }

    func sizeRange(_ n: Int) -> ClosedRange<Double> {
        switch kind { case .particle(let e): return e.sizeRange(n); case .attention(let e): return e.sizeRange(n) }
    }

    func defaultSizes(_ n: Int) -> [Double] {
        switch kind { case .particle(let e): return e.defaultSizes(n); case .attention(let e): return e.defaultSizes(n) }
    }

    func validate(size: Double, count n: Int, option: String) throws {
        switch kind {
        case .particle(let e): try e.validate(size: size, count: n, option: option)
        case .attention(let e):
            if let problem = AttentionEstimatorCatalog.tokenCountProblem(estimator: e.name, tokens: n) {
                throw InvalidInput(option: "--particles", problem)
            }
            try e.validate(size: size, count: n, option: option)
        }
    }

    func particleEstimator(_ size: Double) -> (any InteractionSumEstimator)? {
        if case .particle(let e) = kind { return e.make(size) }
        return nil
    }

    /// The attention estimator, with YOSO rebuilt at the configured τ.
    func attentionEstimator(_ size: Double) -> (any AttentionEstimator)? {
        guard case .attention(let e) = kind else { return nil }
        let estimator = e.make(size)
        if estimator is YOSOAttention { return YOSOAttention(hashes: Int(size), bits: yosoBits) }
        if estimator is NormalizedYOSOAttention { return NormalizedYOSOAttention(hashes: Int(size), bits: yosoBits) }
        return estimator
    }

    func cost(size: Double, count n: Int) -> Double {
        if let e = particleEstimator(size) { return e.expectedCost(particles: n) }
        return attentionEstimator(size)!.expectedCost(tokens: n)
    }

    func declaredUnbiased(size: Double) -> Bool {
        if let e = particleEstimator(size) { return e.isUnbiased }
        return attentionEstimator(size)!.isUnbiased(for: normalization)
    }

    /// The size whose expected cost is closest to `target` (costs increase with size): bisection
    /// for continuous sizes, the nearer of two neighbouring integers otherwise. Bad input when
    /// the cost is out of reach by more than 25%.
    func size(forCost target: Double, count n: Int) throws -> Double {
        let range = sizeRange(n)
        var lo = range.lowerBound, hi = range.upperBound
        let lowCost = cost(size: lo, count: n), highCost = cost(size: hi, count: n)
        let reach = "\(name) reaches costs \(String(format: "%.4g", lowCost))…\(String(format: "%.4g", highCost)) for N = \(n) (asked \(String(format: "%.4g", target)))"
        try require(target >= lowCost / 1.25 && target <= highCost * 1.25, "--match-cost", reach)
        if integerSize {
            var a = Int(lo.rounded(.up)), b = Int(hi.rounded(.down))
            while b - a > 1 {
                let mid = (a + b) / 2
                if cost(size: Double(mid), count: n) < target { a = mid } else { b = mid }
            }
            let ca = cost(size: Double(a), count: n), cb = cost(size: Double(b), count: n)
            return abs(log(ca / target)) <= abs(log(cb / target)) ? Double(a) : Double(b)
        }
        for _ in 0..<100 {
            let mid = (lo + hi) / 2
            if cost(size: mid, count: n) < target { lo = mid } else { hi = mid }
        }
        return (lo + hi) / 2
    }
}
