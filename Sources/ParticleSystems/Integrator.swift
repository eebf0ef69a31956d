import Estimators
import NumericsCore

/// A one-step method for dX = b(X) dt + σ dW with additive noise (problem / algorithm /
/// solution separation: the step is exposed, ``integrate(_:from:timeStep:steps:drift:brownianPath:workspace:stream:)`` builds on it).
public protocol Integrator: Sendable {
    var name: String { get }
    /// Global order of accuracy for deterministic problems (σ = 0).
    var deterministicOrder: Int { get }
    /// Advances `positions` by one step of size dt. `brownianIncrement` holds ΔW (N·d
    /// variates, each N(0, dt)) or is nil for a deterministic step; the drift's estimator draws
    /// from `stream`.
    func step(_ positions: inout [Double], timeStep dt: Double, brownianIncrement: UnsafeBufferPointer<Double>?,
              drift: any Drift, workspace: IntegratorWorkspace, stream: RandomStream)
}

/// Buffers for integrators and estimators, allocated once per trajectory.
public final class IntegratorWorkspace {
    public let estimator: EstimatorWorkspace
    var stages: [[Double]]
    var trial: [Double]
    /// Scratch of the implicit log-repulsion solve (``DysonSplitStepIntegrator``), made on first use.
    lazy var logRepulsion = LogRepulsionWorkspace()

    public init(particles n: Int, dimension d: Int) {
        estimator = EstimatorWorkspace(particles: n)
        stages = Array(repeating: [Double](repeating: 0, count: n * d), count: 4)
        trial = [Double](repeating: 0, count: n * d)
    }

    /// stages[s] ← b(x).
    func evaluate(_ drift: any Drift, at x: [Double], stage s: Int, stream: RandomStream) {
        x.withUnsafeBufferPointer { px in
            stages[s].withUnsafeMutableBufferPointer { drift.evaluate(px, into: $0, workspace: estimator, stream: stream) }
        }
    }
}

/// What happened during ``Integrator/integrate(_:timeStep:steps:drift:brownianPath:workspace:stream:)``:
/// numerical trouble is reported, never hidden.
public struct IntegrationOutcome: Sendable, Equatable {
    /// The step after which the state first became non-finite (integration stopped there).
    public var nonFiniteStep: Int?
    /// For problems whose particles must stay ordered (``ParticleProblem/requiresOrdering``): the
    /// first step after which two particles had crossed. Integration continues.
    public var firstCrossingStep: Int?

    public var isClean: Bool { nonFiniteStep == nil && firstCrossingStep == nil }
}

extension Integrator {
    /// Integrates `steps` steps of size dt from `positions`. With a Brownian path (steps·N·d
    /// increments, step-major) the noise σ·ΔW of the drift's problem is added; without, the
    /// deterministic flow is integrated. After each step the state is retracted onto the drift's
    /// manifold (``Drift/retract(_:)``). Stops at the first non-finite state; for problems that
    /// require ordered particles, records the first crossing.
    ///
    /// With `checkpoints` K > 1 (K must divide `steps`), `atCheckpoint(j, state)` is called after
    /// steps j·steps/K, j = 1 … K (the last one is the final state); checkpoints after a
    /// non-finite stop are not reported.
    @discardableResult
    public func integrate(_ positions: inout [Double], timeStep dt: Double, steps: Int, drift: any Drift,
                          brownianPath: [Double]? = nil, workspace: IntegratorWorkspace,
                          stream: RandomStream, checkpoints: Int = 1,
                          atCheckpoint: ((Int, [Double]) -> Void)? = nil) -> IntegrationOutcome {
        let size = positions.count
        var outcome = IntegrationOutcome()
        let ordering = drift.requiresOrdering ? OrderingMonitor(positions) : nil
        let interval = checkpoints >= 1 && steps % checkpoints == 0 ? steps / checkpoints : steps
        for s in 0..<steps {
            if let path = brownianPath {
                path.withUnsafeBufferPointer { p in
                    step(&positions, timeStep: dt, brownianIncrement: UnsafeBufferPointer(rebasing: p[(s * size)..<((s + 1) * size)]),
                         drift: drift, workspace: workspace, stream: stream)
                }
            } else {
                step(&positions, timeStep: dt, brownianIncrement: nil, drift: drift, workspace: workspace, stream: stream)
            }
            drift.retract(&positions)
            if !positions.allSatisfy({ $0.isFinite }) {
                outcome.nonFiniteStep = s
                return outcome
            }
            if outcome.firstCrossingStep == nil, let ordering, !ordering.isPreserved(by: positions) {
                outcome.firstCrossingStep = s
            }
            if let atCheckpoint, interval > 0, (s + 1) % interval == 0 { atCheckpoint((s + 1) / interval, positions) }
        }
        return outcome
    }
}

/// Checks that one-dimensional particles keep their initial order (no two have crossed). O(N).
public struct OrderingMonitor: Sendable {
    private let order: [Int]

    public init(_ initial: [Double]) {
        order = initial.indices.sorted { initial[$0] < initial[$1] }
    }

    public func isPreserved(by positions: [Double]) -> Bool {
        for k in order.indices.dropFirst() where positions[order[k - 1]] >= positions[order[k]] { return false }
        return true
    }
}

@inline(__always)
func addNoise(_ positions: inout [Double], noise sigma: Double, increment: UnsafeBufferPointer<Double>?) {
    guard let dW = increment, sigma != 0 else { return }
    precondition(dW.count == positions.count, "Brownian increment has \(dW.count) entries for \(positions.count) coordinates")
    for k in positions.indices { positions[k] += sigma * dW[k] }
}
