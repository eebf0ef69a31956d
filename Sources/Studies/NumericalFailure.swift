/// A run whose numbers are not usable: a non-finite state or estimate, an overflow, or a
/// numerical library's failure. The message says what failed and which option would avoid it;
/// the command-line tool prints it on one line and exits 3 (never a verdict over NaN).
public struct NumericalFailure: Error, CustomStringConvertible, Equatable {
    public let message: String

    public init(_ message: String) { self.message = message }

    public var description: String { message }
}
