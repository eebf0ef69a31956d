/// A checkable property of a method or model: what it states, where it comes from, the error
/// rate of the rule that decides it, and how to gather the evidence.
///
/// A claim is a value: construct it with the configuration (and, for statistical claims, the
/// tolerance) you want, then call ``check(seed:threads:)``. The catalogue
/// (``CatalogueClaim``) holds one ready-made claim per theorem or closed form the toolkit
/// implements; the generic claim types (``ConvergenceOrderClaim``, ``BatchSizeRatioClaim``,
/// ``ConsistencyLemmaClaim``, …) check the same properties on a model of your own.
public protocol Claim: Sendable {
    /// A short stable identifier (the catalogue's ids are kebab-case).
    var id: String { get }
    /// The property, in one line.
    var statement: String { get }
    /// Paper and arXiv id (or textbook) the property comes from.
    var reference: String { get }
    /// The configuration the evidence is computed on, in words.
    var configuration: String { get }
    /// Gathers the evidence with the keyed random streams of `seed` (results do not depend on
    /// `threads`) and decides. Throws for invalid configurations (`InvalidInput`) and
    /// numerical failures; a claim the data cannot decide returns ``ClaimVerdict/inconclusive``.
    func check(seed: UInt64, threads: Int) throws -> ClaimOutcome
}
