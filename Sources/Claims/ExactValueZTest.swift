import NumericsCore

/// The rule of the claims that compare Monte Carlo estimates with values known exactly: every
/// |z| = |estimate − exact|/SE at most the two-sided Bonferroni quantile t* = t_ν⁻¹(1 − α/(2K))
/// of Student's t with ν = M − 1 (M the samples behind each mean) for K estimates at
/// family-wise level α = 0.001, so a true claim is rejected at most 0.1% of the time when the
/// samples are normal (the claim calibration measures it).
struct ExactValueZTest {
    static let familyLevel = 0.001
    let count: Int
    let degreesOfFreedom: Int

    /// t* for `count` estimates.
    var threshold: Double {
        Distributions.studentTQuantile(1 - Self.familyLevel / (2 * Double(max(count, 1))), degreesOfFreedom: Double(max(degreesOfFreedom, 1)))
    }

    func passes(_ zScores: [Double]) -> Bool { zScores.allSatisfy { abs($0) <= threshold } }

    var rule: String { "every |z| = |estimate − exact|/SE ≤ \(short(threshold)) (Student t, \(degreesOfFreedom) degrees of freedom, Bonferroni over \(count) estimates: family-wise level 0.1%)" }
    static let errorRate = "0.1% family-wise false rejection for normal estimates (Bonferroni); measured by `rbm-study check --calibrate`"
}
