// Memory handed to the workers of `parallelForEach`.
//
// Unsafe pointers are not `Sendable`: the compiler cannot know who else reads or writes what they
// point to. The two wrappers below state the sharing discipline that makes handing them to the
// workers of one `parallelForEach` call safe, and are meant for nothing else:
//
// - `SharedInput`: memory that every worker reads and nobody writes while the workers run.
// - `DisjointOutput`: memory in which the work item of each index writes only elements that no
//   other index reads or writes (its own rows, its own slot).
//
// `parallelForEach` returns only after every worker has finished (`concurrentPerform` joins them),
// so the caller's reads after it see every write. The caller keeps the memory alive for the call
// (a `withUnsafe…BufferPointer` scope around it).

/// Read-only memory shared by the workers of one ``parallelForEach(_:threads:_:)`` call: nothing
/// writes it while they run.
public struct SharedInput<Element>: @unchecked Sendable {
    // @unchecked: a pointer is not Sendable; sharing it is safe because nothing writes the memory
    // while the workers that hold this value run (the caller's contract, stated above).
    public let buffer: UnsafeBufferPointer<Element>

    public init(_ buffer: UnsafeBufferPointer<Element>) { self.buffer = buffer }
    public init(_ buffer: UnsafeMutableBufferPointer<Element>) { self.buffer = UnsafeBufferPointer(buffer) }

    /// The first element (the buffer must not be empty).
    public var pointer: UnsafePointer<Element> { buffer.baseAddress! }

    @inlinable public subscript(index: Int) -> Element { buffer[index] }
}

/// Output memory of one ``parallelForEach(_:threads:_:)`` call in which the work item of each index
/// writes only its own elements, disjoint from every other index's.
public struct DisjointOutput<Element>: @unchecked Sendable {
    // @unchecked: a pointer is not Sendable; sharing it is safe because the work items write
    // disjoint elements and the caller reads them only after parallelForEach has joined the workers.
    public let buffer: UnsafeMutableBufferPointer<Element>

    public init(_ buffer: UnsafeMutableBufferPointer<Element>) { self.buffer = buffer }

    /// The first element (the buffer must not be empty).
    public var pointer: UnsafeMutablePointer<Element> { buffer.baseAddress! }

    /// Element `index`, read and written in place (no copy of an array element).
    @inlinable public subscript(index: Int) -> Element {
        unsafeAddress {
            assert(index >= 0 && index < buffer.count, "index \(index) outside 0..<\(buffer.count)")
            return UnsafePointer(buffer.baseAddress! + index)
        }
        nonmutating unsafeMutableAddress {
            assert(index >= 0 && index < buffer.count, "index \(index) outside 0..<\(buffer.count)")
            return buffer.baseAddress! + index
        }
    }
}
