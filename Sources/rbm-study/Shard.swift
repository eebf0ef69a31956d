import Studies

/// `--shard K/N`: the K-th of N disjoint slices of a study's trajectories (K−1, K−1+N, …), so that
/// shards of similar cost run as separate processes (batch-scheduler array jobs) and
/// `rbm-study merge` combines them into the report of the whole run.
struct Shard: CustomStringConvertible, Equatable {
    let index: Int
    let count: Int

    init(index: Int, count: Int) {
        self.index = index
        self.count = count
    }

    init(parsing text: String, trajectories: Int) throws {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let k = Int(parts[0]), let n = Int(parts[1]), n >= 1, k >= 1, k <= n else {
            throw InvalidInput(option: "--shard", "must be K/N with 1 ≤ K ≤ N, e.g. 2/8 (got '\(text)')")
        }
        try require(n <= trajectories, "--shard", "N = \(n) shards for \(trajectories) trajectories; use at most one shard per trajectory")
        self.init(index: k, count: n)
    }

    var description: String { "\(index)/\(count)" }

    /// The file a finished shard leaves in its --out directory.
    var recordsName: String { "convergence-shard-\(index)-of-\(count).records" }

    func contains(_ trajectory: Int) -> Bool { trajectory % count == index - 1 }

    func indices(trajectories m: Int) -> [Int] { Array(stride(from: index - 1, to: m, by: count)) }
}
