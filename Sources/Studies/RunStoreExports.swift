// Files are written through RunStore (atomic exclusive writes, file sets, the output-directory
// lock); re-exported so that every user of Studies sees the same types.
@_exported import RunStore
