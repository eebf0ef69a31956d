/// `x` when finite, nil (JSON null) otherwise: the result types' `encode(to:)` write unknown
/// numbers as null rather than failing.
func jsonNumber(_ x: Double?) -> Double? { x.flatMap { $0.isFinite ? $0 : nil } }
