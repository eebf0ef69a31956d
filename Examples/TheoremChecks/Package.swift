// swift-tools-version:6.2
import PackageDescription

// A user's own package that checks Random Batch Method theorems on a model of its own with the
// claim API of rbm-study. The toolkit is a path dependency here; from another repository use
// .package(url: "<url of rbm-study>", branch: "main") instead.
let package = Package(
    name: "TheoremChecks",
    platforms: [.macOS(.v13)],
    dependencies: [
        .package(name: "rbm-study", path: "../.."),
    ],
    targets: [
        .target(name: "CuckerSmaleLike", dependencies: [
            .product(name: "ParticleSystems", package: "rbm-study"),
            .product(name: "Estimators", package: "rbm-study"),
        ]),
        .testTarget(name: "TheoremChecksTests", dependencies: [
            "CuckerSmaleLike",
            .product(name: "Claims", package: "rbm-study"),
            .product(name: "Studies", package: "rbm-study"),
            .product(name: "ParticleSystems", package: "rbm-study"),
            .product(name: "Estimators", package: "rbm-study"),
        ]),
    ]
)

// Zero warnings, as in rbm-study: Swift 6 language mode (complete strict concurrency checking) and
// every compiler warning of this package's targets an error.
for target in package.targets {
    target.swiftSettings = (target.swiftSettings ?? []) + [.treatAllWarnings(as: .error)]
}
