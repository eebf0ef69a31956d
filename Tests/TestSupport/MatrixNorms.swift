import NumericsCore

/// ‖a − b‖_F (or ‖a‖_F when b is nil).
public func frobenius(_ a: Matrix, minus b: Matrix?) -> Double {
    guard let b else { return a.elements.reduce(0) { $0 + $1 * $1 }.squareRoot() }
    return zip(a.elements, b.elements).reduce(0.0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }.squareRoot()
}
