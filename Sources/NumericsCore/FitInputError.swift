/// A fit was given data it cannot use (too few points, mismatched lengths, non-finite or
/// negative values where they are not allowed). The message names the offending input
/// and what would be accepted, so a user can act on it.
public struct FitInputError: Error, CustomStringConvertible, Sendable, Equatable {
    public let message: String

    public init(_ message: String) { self.message = message }

    public var description: String { message }
}
