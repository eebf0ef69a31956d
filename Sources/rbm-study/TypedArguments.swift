import ArgumentParser
import AttentionAsDynamics
import Estimators
import Studies

// Closed sets of values are typed options: `--help` lists the choices and shell completion
// offers them; an unknown value is a one-line usage error (exit 2) naming the option.
extension ConvergenceSystem: ExpressibleByArgument {}
extension AttentionNormalization: ExpressibleByArgument {}
extension AttentionGeometry: ExpressibleByArgument {}
extension SmoothParticleSystem: ExpressibleByArgument {}
