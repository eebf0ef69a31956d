import ArgumentParser

/// `--format`: what goes to stdout.
enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case table, json, csv
}
