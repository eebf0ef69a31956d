import ArgumentParser
import AttentionAsDynamics
import Estimators
import Reports
import Studies

// Closed sets of values are typed options: `--help` lists the choices and shell completion
// offers them; an unknown value is a one-line usage error (exit 2) naming the option.
extension ConvergenceSystem: ExpressibleByArgument {}
extension AttentionNormalization: ExpressibleByArgument {}
extension AttentionGeometry: ExpressibleByArgument {}
extension TokenDistributionName: ExpressibleByArgument {}
extension AttentionMapsKind: ExpressibleByArgument {}

/// A closed set of names a comma-separated option takes its elements from.
protocol NameSet {
    /// Every name, in the order `--help` lists them.
    static var names: [String] { get }
}

/// A comma-separated list of names from `Names` (`--estimators rba,yoso`, `--system
/// smooth,attention`, `--plot-format svg,pdf`): `--help` lists the names and shell completion
/// offers them. Parsing keeps the text as given; the subcommand splits it with ``parseNames(_:option:)``
/// and its configuration's `validate()` rejects unknown, empty or repeated names with exit 2 and a
/// one-line message naming the option (the allowed names can depend on other options, e.g. the system).
struct NameList<Names: NameSet>: ExpressibleByArgument {
    /// The list as given; nil for the default a subcommand works out itself.
    let text: String?
    /// What `--help` prints as the default.
    let defaultValueDescription: String

    /// The list `text`, which is also its own default's description.
    init(_ text: String) {
        self.text = text
        defaultValueDescription = text
    }

    /// No list: the subcommand's own default, described in `--help` as `description`.
    init(defaultDescription description: String) {
        text = nil
        defaultValueDescription = description
    }

    init?(argument: String) { self.init(argument) }

    static var allValueStrings: [String] { Names.names }
    static var defaultCompletionKind: CompletionKind { .list(Names.names) }
}

/// One estimator name of any catalogue (`convergence --estimator`): the interaction-sum
/// estimators of the particle systems, then the attention estimators. Which ones apply depends on
/// `--system`; the configuration checks that (exit 2, naming `--estimator`).
struct EstimatorName: ExpressibleByArgument {
    /// The name given; nil for the system's own estimator.
    let name: String?

    /// The system's own estimator: random-batch for particle systems, rba for attention.
    static let systemDefault = EstimatorName(name: nil)

    private init(name: String?) { self.name = name }

    init?(argument: String) {
        guard AnyEstimatorNames.names.contains(argument) else { return nil }
        name = argument
    }

    var defaultValueDescription: String { name ?? "random-batch, or rba for attention" }
    static var allValueStrings: [String] { AnyEstimatorNames.names }
    static var defaultCompletionKind: CompletionKind { .list(AnyEstimatorNames.names) }
}

/// Every estimator of both catalogues, particle systems first, each name once.
enum AnyEstimatorNames: NameSet {
    static var names: [String] {
        var seen = Set<String>()
        return (InteractionSumEstimatorCatalog.names + AttentionEstimatorCatalog.names).filter { seen.insert($0).inserted }
    }
}

/// The attention estimators (`work-precision --estimators`).
enum AttentionEstimatorNames: NameSet {
    static var names: [String] { AttentionEstimatorCatalog.names }
}

/// The systems of a variance sweep (`variance-sweep --system`).
enum VarianceSweepSystemNames: NameSet {
    static var names: [String] { VarianceSweepConfiguration.systemNames }
}

/// The figure formats (`--plot-format`).
enum PlotFormatNames: NameSet {
    static var names: [String] { PlotFormat.allCases.map(\.rawValue) }
}
extension SmoothParticleSystem: ExpressibleByArgument {}
