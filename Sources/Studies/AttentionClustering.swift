import AttentionAsDynamics
import Estimators
import Foundation
import NumericsCore
import ParticleSystems

/// One exact trajectory of attention dynamics with its clustering observables sampled over time
///: the energy E_β (nondecreasing on the sphere with V = I), min and mean pairwise
/// inner product, and the cluster count (``AttentionObservables/clusterCount(_:tokens:dimension:threshold:)``).
public struct ClusteringSample: Codable, Sendable {
    public var time: Double
    public var energy: Double
    public var minimumInnerProduct: Double
    public var meanInnerProduct: Double
    public var clusters: Int
}

public enum AttentionClustering {
    /// Integrates `dynamics` from `initial` with RK4 at step `dt` (retracting onto the sphere),
    /// recording the observables every `every` steps up to `horizon`. Exact attention drift:
    /// cost O(steps·N²·d).
    public static func trajectory(_ dynamics: AttentionDynamics, initial: [Double], horizon: Double,
                                  timeStep dt: Double = 0.05, every: Int = 10) -> [ClusteringSample] {
        let n = dynamics.tokens, d = dynamics.dimension
        let drift = AttentionDrift(dynamics: dynamics, estimator: ExactAttention())
        let workspace = IntegratorWorkspace(particles: n, dimension: d)
        let unused = RandomStream(seed: 0, purpose: .estimatorDraws)
        var x = initial
        func sample(_ t: Double) -> ClusteringSample {
            let inner = AttentionObservables.pairwiseInnerProducts(x, tokens: n, dimension: d)
            return ClusteringSample(time: t, energy: AttentionObservables.energy(x, tokens: n, dimension: d, beta: dynamics.beta),
                                    minimumInnerProduct: inner.minimum, meanInnerProduct: inner.mean,
                                    clusters: AttentionObservables.clusterCount(x, tokens: n, dimension: d))
        }
        var samples = [sample(0)]
        let steps = Int((horizon / dt).rounded())
        var done = 0
        while done < steps {
            let chunk = min(every, steps - done)
            let outcome = RungeKutta4Integrator().integrate(&x, timeStep: dt, steps: chunk, drift: drift,
                                                            workspace: workspace, stream: unused)
            done += chunk
            samples.append(sample(Double(done) * dt))
            if outcome.nonFiniteStep != nil { break }
        }
        return samples
    }
}
