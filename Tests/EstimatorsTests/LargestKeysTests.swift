import Foundation
import Estimators
import NumericsCore
import Testing

/// ``LargestKeys`` (Skeinformer's successive sampling) must return exactly the first c indices of
/// the full sort by (key descending, index ascending), with NaN keys last.
@Suite("Largest keys selection")
struct LargestKeysTests {
    /// The reference: all indices sorted by the same total order.
    private func reference(_ keys: [Double], count c: Int) -> [Int] {
        let numbers = keys.indices.filter { !keys[$0].isNaN }.sorted { keys[$0] > keys[$1] || (keys[$0] == keys[$1] && $0 < $1) }
        return Array((numbers + keys.indices.filter { keys[$0].isNaN }).prefix(c))
    }

    private func select(_ keys: [Double], count c: Int) -> [Int] {
        var selected = [Int](repeating: -1, count: c)
        keys.withUnsafeBufferPointer { k in
            selected.withUnsafeMutableBufferPointer { LargestKeys.select(c, of: keys.count, keys: k.baseAddress!, into: $0.baseAddress!) }
        }
        return selected
    }

    @Test("equals the prefix of the full sort, with ties (keys from 5 values), −∞ and NaN keys, for every c ≤ N",
          arguments: [1, 2, 7, 64, 129])
    func equalsSortedPrefix(tokens n: Int) {
        let stream = RandomStream(seed: UInt64(n), purpose: .configuration)
        let special: [Double] = [-.infinity, .nan, 0, -0.0]
        for trial in 0..<4 {
            let keys: [Double] = (0..<n).map { _ in
                let u = stream.uniform()
                if trial == 0 { return log(u) }                                     // distinct
                if trial == 1 { return Double(stream.uniformInt(below: 5)) }        // many ties
                return u < 0.2 ? special[stream.uniformInt(below: special.count)] : log(u)
            }
            for c in 0...n { #expect(select(keys, count: c) == reference(keys, count: c), "N = \(n), trial \(trial), c = \(c)") }
        }
    }
}
