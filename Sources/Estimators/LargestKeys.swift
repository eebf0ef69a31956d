/// The indices of the c largest of n keys, in decreasing order of key with ties broken by the
/// smaller index (a total order, so the result is unique: the first c entries of the indices
/// sorted by that order). NaN keys rank below every number (among themselves by index). Selected
/// through a binary heap of the c best so far, then sorted in place by popping it: O(n log c)
/// time and no memory beyond the c output entries (no allocation). Used for successive sampling
/// by Efraimidis–Spirakis keys (``SkeinformerAttention``).
public enum LargestKeys {
    /// Whether index a precedes index b in the order above.
    @inline(__always)
    public static func precedes(_ a: Int, _ b: Int, keys: UnsafePointer<Double>) -> Bool {
        let ka = keys[a], kb = keys[b]
        if ka.isNaN || kb.isNaN { return kb.isNaN && (!ka.isNaN || a < b) }
        return ka > kb || (ka == kb && a < b)
    }

    /// Writes the first `count` indices of 0..<n in the order above into `selected` (count ≤ n).
    public static func select(_ count: Int, of n: Int, keys: UnsafePointer<Double>, into selected: UnsafeMutablePointer<Int>) {
        precondition(count >= 0 && count <= n, "select \(count) of \(n) keys")
        guard count > 0 else { return }
        // selected[0..<size] is a heap whose root is the last (in the order) of the indices kept.
        func siftDown(_ start: Int, size: Int) {
            var parent = start
            while true {
                let left = 2 * parent + 1
                guard left < size else { return }
                var last = left
                let right = left + 1
                if right < size && precedes(selected[left], selected[right], keys: keys) { last = right }
                guard precedes(selected[parent], selected[last], keys: keys) else { return }
                swap(&selected[parent], &selected[last])
                parent = last
            }
        }
        for j in 0..<count {
            selected[j] = j
            var child = j
            while child > 0 {
                let parent = (child - 1) / 2
                guard precedes(selected[parent], selected[child], keys: keys) else { break }
                swap(&selected[parent], &selected[child])
                child = parent
            }
        }
        for j in count..<n where precedes(j, selected[0], keys: keys) {
            selected[0] = j
            siftDown(0, size: count)
        }
        // Heap sort: the root (the last kept) moves to the end, leaving the order increasing.
        var size = count
        while size > 1 {
            size -= 1
            swap(&selected[0], &selected[size])
            siftDown(0, size: size)
        }
    }
}
