import CNumerics

/// GSL aborts the process on error by default. This switches its handler off, once,
/// so every GSL call reports failure through its status code instead.
enum GSLRuntime {
    static let errorHandlerDisabled: Bool = {
        gsl_set_error_handler_off()
        return true
    }()

    /// Call before any GSL routine that may fail.
    @inline(__always) static func prepare() { _ = errorHandlerDisabled }
}

/// A GSL or LAPACK routine reported failure.
public struct NumericalLibraryError: Error, CustomStringConvertible {
    public let routine: String
    public let status: Int
    public var description: String { "\(routine) failed with status \(status)" }
}
