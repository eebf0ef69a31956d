/// A user-facing input outside its allowed range. The message names the option and the
/// range; the command-line tool prints it on one line and exits with code 2.
public struct InvalidInput: Error, CustomStringConvertible, Equatable {
    public let option: String
    public let message: String

    public init(option: String, _ message: String) {
        self.option = option
        self.message = message
    }

    public var description: String { "\(option): \(message)" }
}

/// Throws ``InvalidInput`` for `option` unless `condition` holds.
public func require(_ condition: Bool, _ option: String, _ message: @autoclosure () -> String) throws {
    if !condition { throw InvalidInput(option: option, message()) }
}
