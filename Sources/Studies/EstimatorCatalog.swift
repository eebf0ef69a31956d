import Estimators

/// One selectable estimator of the command line: its name, its size parameter and how to build
/// it. `Estimator` is ``AttentionEstimator`` or ``InteractionSumEstimator``.
public struct EstimatorEntry<Estimator>: Sendable {
    /// Command-line name, e.g. "rba-corrected".
    public let name: String
    /// The size parameter's symbol and meaning, e.g. "p (batch size)".
    public let sizeName: String
    /// True when the size must be an integer.
    public let integerSize: Bool
    /// The size parameter's symbol alone ("p", "π", "m", "c", "F"), for table headers and CSV.
    public var sizeSymbol: String { Studies.sizeSymbol(of: sizeName) }
    /// Allowed sizes for N tokens/particles, as a closed interval (a one-line error names it).
    public let sizeRange: @Sendable (_ count: Int) -> ClosedRange<Double>
    /// The sizes swept when the user gives none.
    public let defaultSizes: @Sendable (_ count: Int) -> [Double]
    /// The estimator at a size (already validated).
    public let make: @Sendable (_ size: Double) -> Estimator

    public init(name: String, sizeName: String, integerSize: Bool,
                sizeRange: @escaping @Sendable (Int) -> ClosedRange<Double>,
                defaultSizes: @escaping @Sendable (Int) -> [Double], make: @escaping @Sendable (Double) -> Estimator) {
        self.name = name
        self.sizeName = sizeName
        self.integerSize = integerSize
        self.sizeRange = sizeRange
        self.defaultSizes = defaultSizes
        self.make = make
    }

    /// Throws ``InvalidInput`` naming `option` unless `size` is allowed for N = `count`.
    public func validate(size: Double, count: Int, option: String) throws {
        let range = sizeRange(count)
        try require(size.isFinite && range.contains(size) && (!integerSize || size == size.rounded()), option,
                    "\(name) needs \(sizeName) \(integerSize ? "an integer " : "")in [\(format(range.lowerBound)), \(format(range.upperBound))] for N = \(count) (got \(format(size)))")
    }

    private func format(_ x: Double) -> String { x == x.rounded() && abs(x) < 1e15 ? String(Int(x)) : String(x) }
}

/// Every attention estimator selectable by name. Sampling schemes and structured
/// approximations register in their own files (``samplingSchemes``, ``structuredApproximations``).
public enum AttentionEstimatorCatalog {
    public static var entries: [EstimatorEntry<any AttentionEstimator>] {
        randomBatch + samplingSchemes + structuredApproximations
    }

    public static var names: [String] { entries.map(\.name) }

    /// The entry called `name`, or ``InvalidInput`` naming `option` and listing the choices.
    public static func entry(named name: String, option: String) throws -> EstimatorEntry<any AttentionEstimator> {
        guard let entry = entries.first(where: { $0.name == name }) else {
            throw InvalidInput(option: option, "unknown estimator '\(name)'; choose from \(names.joined(separator: ", "))")
        }
        return entry
    }

    /// Batch sizes 2, 4, 8, … up to N/2 (at least p = 2).
    static func powersOfTwo(upTo limit: Int) -> [Double] {
        var sizes: [Double] = [], p = 2
        while p <= max(2, limit) { sizes.append(Double(p)); p *= 2 }
        return sizes
    }

    static let randomBatch: [EstimatorEntry<any AttentionEstimator>] = RandomBatchAttention.Weighting.allCases.map { weighting in
        EstimatorEntry(name: RandomBatchAttention(batchSize: 2, weighting: weighting).name, sizeName: "p (batch size)",
                       integerSize: true, sizeRange: { n in 2...Double(n) },
                       defaultSizes: { n in powersOfTwo(upTo: n / 2) },
                       make: { p in RandomBatchAttention(batchSize: Int(p), weighting: weighting) })
    }
}

/// The symbol of a size name: its first word ("π (keep probability, in (0, 1])" → "π").
public func sizeSymbol(of sizeName: String) -> String { String(sizeName.prefix { $0 != " " }) }
