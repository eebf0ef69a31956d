// rbm-bench: performance figures of rbm-study, one section per run, each figure a ratio to a
// peak or limit measured in the same run.  `rbm-bench --help` lists the sections.
import Foundation

// The attention-memory section re-runs this binary as a child so its peak RSS is its own;
// the child is dispatched before argument parsing.
if let index = CommandLine.arguments.firstIndex(of: attentionMemoryChildFlag) {
    let tokens = CommandLine.arguments.dropFirst(index + 1).first.flatMap { Int($0) } ?? attentionMemoryTokensFull
    attentionMemoryChild(tokens: tokens)
    exit(0)
}
RBMBench.main()
