// swift-tools-version:6.2
import PackageDescription

/// System libraries (Debian): libgsl-dev, liblapacke-dev, libopenblas-dev.
/// We link `blas` (Debian's alternative, which points to OpenBLAS) directly, never
/// `gslcblas`: libgsl itself depends on libgslcblas, so `blas` must be a direct
/// dependency of every binary for `cblas_dgemm` to bind to OpenBLAS.
let systemLibraries: [LinkerSetting] = [
    .linkedLibrary("gsl"), .linkedLibrary("lapacke"), .linkedLibrary("blas"), .linkedLibrary("m"),
]

let package = Package(
    name: "rbm-study",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "rbm-study", targets: ["rbm-study"]),
        .executable(name: "rbm-bench", targets: ["rbm-bench"]),
        .library(name: "NumericsCore", targets: ["NumericsCore"]),
        .library(name: "Estimators", targets: ["Estimators"]),
        .library(name: "ParticleSystems", targets: ["ParticleSystems"]),
        .library(name: "AttentionAsDynamics", targets: ["AttentionAsDynamics"]),
        .library(name: "Studies", targets: ["Studies"]),
        .library(name: "Reports", targets: ["Reports"]),
        .library(name: "RunStore", targets: ["RunStore"]),
        .library(name: "Claims", targets: ["Claims"]),
    ],
    /// `swift build -c release --traits MPI`: `mpirun -np K rbm-study convergence …` splits the
    /// trajectories over K ranks (Open MPI; Debian: libopenmpi-dev). The default build needs no MPI.
    traits: [.trait(name: "MPI", description: "Run convergence studies over MPI ranks (Open MPI, found with pkg-config ompi-c).")],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", exact: "1.8.2"),
        .package(url: "https://github.com/swiftlang/swift-docc-plugin", exact: "1.5.0"),
    ],
    targets: [
        .target(name: "CNumerics", linkerSettings: systemLibraries),
        .target(name: "NumericsCore", dependencies: ["CNumerics"]),
        .target(name: "Estimators", dependencies: ["NumericsCore", "CNumerics"]),
        .target(name: "ParticleSystems", dependencies: ["Estimators", "NumericsCore", "CNumerics"]),
        .target(name: "AttentionAsDynamics", dependencies: ["ParticleSystems", "Estimators", "NumericsCore"]),
        /// Output that survives faults: atomic exclusive writes, file sets renamed together, the
        /// output-directory lock, temporaries removed on interruption.
        .target(name: "RunStore"),
        /// Open MPI's header and library (pkg-config ompi-c), used only with the MPI trait.
        .systemLibrary(name: "COpenMPI", pkgConfig: "ompi-c", providers: [.apt(["libopenmpi-dev"])]),
        /// The MPI calls RunStoreMPI makes, with plain C types; empty without the MPI trait.
        .target(name: "CMPI", dependencies: [.target(name: "COpenMPI", condition: .when(traits: ["MPI"]))],
                cSettings: [.define("RBM_MPI", .when(traits: ["MPI"]))]),
        /// The MPI driver: ranks split a study's units, agree on every step's outcome and gather the
        /// records on rank 0; empty without the MPI trait.
        .target(name: "RunStoreMPI", dependencies: ["RunStore", "CMPI"]),
        .target(name: "Studies", dependencies: ["AttentionAsDynamics", "ParticleSystems", "Estimators", "NumericsCore", "RunStore"]),
        /// Tables, CSV, JSON encoding, Markdown notebooks and figures of the study results: formats
        /// values, computes nothing statistical.
        .target(name: "Reports", dependencies: ["Studies", "RunStore", "AttentionAsDynamics", "Estimators", "NumericsCore"]),
        /// Theorem checks: typed claims, their catalogue and verdict policy, above the studies.
        .target(name: "Claims", dependencies: ["Reports", "Studies", "AttentionAsDynamics", "ParticleSystems", "Estimators", "NumericsCore"]),
        .executableTarget(
            name: "rbm-study",
            dependencies: ["Claims", "Reports", "Studies", "RunStore", "AttentionAsDynamics", "ParticleSystems", "Estimators", "NumericsCore",
                           .target(name: "RunStoreMPI", condition: .when(traits: ["MPI"])),
                           .product(name: "ArgumentParser", package: "swift-argument-parser")]),
        .executableTarget(
            name: "rbm-bench",
            dependencies: ["Studies", "AttentionAsDynamics", "ParticleSystems", "Estimators", "NumericsCore", "CNumerics",
                           .product(name: "ArgumentParser", package: "swift-argument-parser")]),
        /// A per-thread counting allocator (malloc & co. forwarding to glibc), linked into the tests
        /// only: the allocation-free hot-loop tests read it.
        .target(name: "AllocationCounting", path: "Tests/AllocationCounting"),
        /// Fixtures shared by the test targets (small study configurations, fixed attention inputs,
        /// reference implementations).
        .target(name: "TestSupport", dependencies: ["NumericsCore", "Estimators", "AttentionAsDynamics", "Studies"], path: "Tests/TestSupport"),
        .testTarget(name: "NumericsCoreTests", dependencies: ["CNumerics", "NumericsCore"]),
        .testTarget(name: "EstimatorsTests", dependencies: ["CNumerics", "NumericsCore", "Estimators", "TestSupport"]),
        .testTarget(name: "ParticleSystemsTests", dependencies: ["NumericsCore", "Estimators", "ParticleSystems", "AllocationCounting"]),
        .testTarget(name: "AttentionAsDynamicsTests", dependencies: ["NumericsCore", "Estimators", "ParticleSystems", "AttentionAsDynamics", "AllocationCounting"]),
        .testTarget(name: "StudiesTests", dependencies: ["NumericsCore", "Estimators", "ParticleSystems", "Studies", "Claims", "TestSupport"]),
        .testTarget(name: "ReportsTests", dependencies: ["Studies", "Reports", "TestSupport"]),
        .testTarget(name: "ClaimsTests", dependencies: ["NumericsCore", "Estimators", "ParticleSystems", "Studies", "Claims", "TestSupport"]),
        /// End-to-end and cross-module tests.
        .testTarget(
            name: "RBMStudyTests",
            dependencies: ["Claims", "Reports", "Studies", "RunStore", "AttentionAsDynamics", "ParticleSystems", "Estimators", "NumericsCore", "CNumerics",
                           "AllocationCounting", "TestSupport"],
            path: "Tests/RBMStudyTests"),
    ],
    swiftLanguageModes: [.v6]
)

/// Zero warnings: in this package's own targets (Swift and C, every configuration, the tests and
/// the MPI trait build included) every compiler warning is an error, so a new warning fails the
/// build, and hence CI, where it appears. Swift 6 language mode (above) brings complete strict
/// concurrency checking. SwiftPM ignores these settings when the package is a remote dependency.
for target in package.targets where target.type != .system {
    target.swiftSettings = (target.swiftSettings ?? []) + [.treatAllWarnings(as: .error)]
    target.cSettings = (target.cSettings ?? []) + [.treatAllWarnings(as: .error)]
}
