#ifndef RBM_CMPI_H
#define RBM_CMPI_H

#include <stdint.h>

/// Open MPI calls for RunStoreMPI with plain C types (mpi.h's handles are macros Swift cannot
/// import). Defined only in the build with the `MPI` package trait; every function returns
/// MPI_SUCCESS (0) or an MPI error code, and acts on MPI_COMM_WORLD, whose errors are returned
/// rather than fatal.

/// MPI_Init_thread (MPI_THREAD_FUNNELED: only the main thread calls MPI) and this process's rank
/// and the number of ranks.
int rbm_mpi_initialize(int *rank, int *size);

/// MPI_Finalize.
int rbm_mpi_finalize(void);

/// Every rank's `value` reduced with MPI_MAX into `result` on every rank (MPI_Allreduce).
int rbm_mpi_maximum(int64_t value, int64_t *result);

/// MPI_Gather of one count per rank onto rank 0 (`counts` holds one entry per rank on rank 0 and
/// is not used elsewhere).
int rbm_mpi_gather_counts(int64_t count, int64_t *counts);

/// Sends `count` bytes to rank 0, in messages of at most 2^30 bytes.
int rbm_mpi_send_to_root(const uint8_t *bytes, int64_t count);

/// On rank 0: receives the `count` bytes rank `source` sends with rbm_mpi_send_to_root.
int rbm_mpi_receive_from(int source, uint8_t *bytes, int64_t count);

/// MPI_Abort(MPI_COMM_WORLD, code): ends every rank of the job.
void rbm_mpi_abort(int code);

/// A one-line description of an MPI error code (MPI_Error_string) in `text`, `capacity` bytes.
void rbm_mpi_describe(int code, char *text, int capacity);

#endif
