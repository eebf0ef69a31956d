import NumericsCore

/// Scratch memory for attention estimators, owned by the caller and reused across draws: a study
/// keeps one per thread (or per trajectory) and passes it to every
/// ``AttentionEstimator/estimate(_:into:workspace:stream:)``, so that after a first draw has grown
/// the buffers a draw allocates nothing.
///
/// Each estimator keeps its buffers in a scratch object of its own type (``scratch(_:)``), created
/// on first use and found again by type on later calls; buffers grow to the largest shape seen
/// (``resize(_:rows:columns:)``, ``resize(_:count:)``) and are never shrunk. Nothing a draw reads
/// survives from an earlier draw: every buffer is overwritten (or cleared) before it is read, so
/// results do not depend on the workspace's history. Not thread-safe: one workspace per thread.
public final class AttentionWorkspace {
    private var scratches: [AnyObject] = []

    public init() {}

    /// The scratch object of type `Scratch`, made by `make` on first use.
    @inline(__always)
    public func scratch<Scratch: AnyObject>(_ make: () -> Scratch) -> Scratch {
        for object in scratches {
            if let found = object as? Scratch { return found }
        }
        let made = make()
        scratches.append(made)
        return made
    }

    /// Gives `matrix` the shape rows×columns, reallocating only when the shape changes (contents
    /// are then zero; otherwise they are left as they were).
    @inline(__always)
    public static func resize(_ matrix: inout Matrix, rows: Int, columns: Int) {
        if matrix.rows != rows || matrix.columns != columns { matrix = Matrix(rows: rows, columns: columns) }
    }

    /// Gives `buffer` at least `count` entries, growing it (with zeros) only when it is shorter.
    @inline(__always)
    public static func resize<Element: Numeric>(_ buffer: inout [Element], count: Int) {
        if buffer.count < count { buffer = [Element](repeating: 0, count: count) }
    }
}
