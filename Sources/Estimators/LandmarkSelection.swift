import NumericsCore

/// How a Nyström method picks its m landmarks from N rows.
///
/// - `segmentMeans`: contiguous-segment average pooling — segment s is rows
///   ⌊sN/m⌋ ..< ⌊(s+1)N/m⌋ and its landmark is their mean (SOFT's pooling on a 1-D token
///   sequence; Nyströmformer's landmarks, arXiv 2102.03902 §3).
/// - `strided`: rows ⌊sN/m⌋, s = 0..<m (every (N/m)-th token).
/// - `uniformSubset`: m distinct rows drawn uniformly without replacement (a random method).
///
/// With m = N every strategy returns the tokens themselves (in order). Cost O(N·d).
public enum LandmarkSelection: String, Codable, Sendable, CaseIterable {
    case segmentMeans = "segment-means"
    case strided
    case uniformSubset = "uniform-subset"

    /// Row ranges of the m contiguous segments of N rows (sizes differ by at most one).
    public static func segments(rows n: Int, count m: Int) -> [Range<Int>] {
        precondition(m >= 1 && m <= n, "landmarks m = \(m) must be in [1, N = \(n)]")
        return (0..<m).map { s in (s * n / m)..<((s + 1) * n / m) }
    }

    /// Indices of the selected rows (nil for segment means, which are not rows of the input).
    public func indices(rows n: Int, count m: Int, stream: RandomStream) -> [Int]? {
        switch self {
        case .segmentMeans: return nil
        case .strided: return Self.segments(rows: n, count: m).map(\.lowerBound)
        case .uniformSubset:
            var chosen = [Int32](repeating: 0, count: m)
            stream.choose(m, from: (0..<Int32(n)).map { $0 }, into: &chosen)
            return chosen.map(Int.init)
        }
    }

    /// The m landmarks (m×d) of the rows of `x` (N×d).
    public func landmarks(of x: Matrix, count m: Int, stream: RandomStream) -> Matrix {
        Self.landmarks(of: x, count: m, indices: indices(rows: x.rows, count: m, stream: stream))
    }

    /// The segment-mean landmarks of ``landmarks(of:count:indices:)`` (indices nil) into `out`
    /// (given the shape m×d; the same values, no allocation once it has it).
    public static func segmentMeans(of x: Matrix, count m: Int, into out: inout Matrix) {
        precondition(m >= 1 && m <= x.rows, "landmarks m = \(m) must be in [1, N = \(x.rows)]")
        let d = x.columns, n = x.rows
        AttentionWorkspace.resize(&out, rows: m, columns: d)
        out.elements.withUnsafeMutableBufferPointer { o in
            x.elements.withUnsafeBufferPointer { e in
                for s in 0..<m {
                    let row = o.baseAddress! + s * d, range = (s * n / m)..<((s + 1) * n / m)
                    row.update(repeating: 0, count: d)
                    for i in range { for c in 0..<d { row[c] += e[i * d + c] } }
                    let scale = 1 / Double(range.count)
                    for c in 0..<d { row[c] *= scale }
                }
            }
        }
    }

    /// The landmarks for already selected `indices` (nil: segment means).
    public static func landmarks(of x: Matrix, count m: Int, indices: [Int]?) -> Matrix {
        let d = x.columns
        var out = Matrix(rows: m, columns: d)
        if let indices {
            for (s, i) in indices.enumerated() { for c in 0..<d { out[s, c] = x[i, c] } }
        } else {
            for (s, range) in segments(rows: x.rows, count: m).enumerated() {
                for i in range { for c in 0..<d { out[s, c] += x[i, c] } }
                let scale = 1 / Double(range.count)
                for c in 0..<d { out[s, c] *= scale }
            }
        }
        return out
    }
}
