/// The sparsity patterns of Paramixer's factors (Yu et al., CVPR 2022, arXiv 2204.10670).
/// Row i of factor m (0-based) has nonzeros in the columns
///
///     CHORD:  {i} ∪ {(i + 2ᵏ) mod N : k = 0 … ⌈log₂N⌉−1}          (the same for every factor)
///     CDIL:   {i} ∪ {(i ± k·2^{m mod M}) mod N : k = 1 … 4}       (dilation doubles per factor)
///
/// with M = ⌈log₂N⌉ factors per block. Coinciding columns are merged (one nonzero), so the
/// nonzero count of a factor is N·(⌈log₂N⌉ + 1) for CHORD (offsets 2ᵏ < N are distinct) and, for
/// N = 2ᴷ, N·min(9, N/2ᵐ) for CDIL (the multiples of 2ᵐ modulo N form a group of N/2ᵐ
/// residues): the "9N" budget holds while 2ᵐ ≤ N/16. For N = 2ᴷ the Boolean product of the M
/// patterns (with the diagonal) is all ones: full mixing in one block. The paper's O(N log N)
/// for CHORD counts one factor; M factors of N(log₂N + 1) nonzeros cost O(N log²N) per block.
public enum ParamixerPattern: String, Codable, Sendable, CaseIterable {
    case chord, cdil

    /// M = ⌈log₂N⌉ (at least 1).
    public static func factorCount(tokens n: Int) -> Int {
        precondition(n >= 1, "N = \(n)")
        var m = 0
        while (1 << m) < n { m += 1 }
        return max(1, m)
    }

    /// True when N = 2ᴷ, K ≥ 1.
    public static func isPowerOfTwo(_ n: Int) -> Bool { n >= 2 && n & (n - 1) == 0 }

    /// Sorted distinct column indices of row i in factor m.
    public func columns(row i: Int, factor m: Int, tokens n: Int) -> [Int] {
        precondition(i >= 0 && i < n && m >= 0, "row \(i), factor \(m), N = \(n)")
        var set: Set<Int> = [i]
        switch self {
        case .chord:
            var offset = 1
            while offset < n { set.insert((i + offset) % n); offset <<= 1 }
        case .cdil:
            let dilation = (1 << (m % Self.factorCount(tokens: n))) % n
            for k in 1...4 {
                set.insert((i + k * dilation) % n)
                set.insert(((i - k * dilation) % n + n) % n)
            }
        }
        return set.sorted()
    }

    /// Nonzeros of factor m, counted from the pattern.
    public func nonzeros(factor m: Int, tokens n: Int) -> Int {
        (0..<n).reduce(0) { $0 + columns(row: $1, factor: m, tokens: n).count }
    }

    /// The closed form of the nonzero count of factor m (CDIL: for N a power of two).
    public func nonzeroFormula(factor m: Int, tokens n: Int) -> Int {
        switch self {
        case .chord: return n * (Self.factorCount(tokens: n) + 1)
        case .cdil: return n * min(9, n >> (m % Self.factorCount(tokens: n)))
        }
    }

    /// The Boolean pattern of (I + W_F)…(I + W₁) for F factors, row-major N×N: entry (i, j) is true
    /// when output i depends on input j. O(F·N²·links).
    public func reachability(tokens n: Int, factors: Int) -> [Bool] {
        var reach = [Bool](repeating: false, count: n * n)
        for i in 0..<n { reach[i * n + i] = true }
        for m in 0..<factors {
            var next = reach
            for i in 0..<n {
                for c in columns(row: i, factor: m, tokens: n) where c != i {
                    for j in 0..<n where reach[c * n + j] { next[i * n + j] = true }
                }
            }
            reach = next
        }
        return reach
    }
}
