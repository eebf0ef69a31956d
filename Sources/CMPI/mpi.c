#include "CMPI.h"

// Compiled with RBM_MPI only when the `MPI` trait is enabled (Package.swift): the default build
// needs no mpi.h and this file is empty.
#ifdef RBM_MPI
#include <mpi.h>
#include <string.h>

/// The largest message (bytes) sent at once: MPI counts are `int`.
static const int64_t chunk = (int64_t)1 << 30;

int rbm_mpi_initialize(int *rank, int *size) {
    int provided = 0;
    int status = MPI_Init_thread(NULL, NULL, MPI_THREAD_FUNNELED, &provided);
    if (status != MPI_SUCCESS) return status;
    status = MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
    if (status != MPI_SUCCESS) return status;
    status = MPI_Comm_rank(MPI_COMM_WORLD, rank);
    if (status != MPI_SUCCESS) return status;
    return MPI_Comm_size(MPI_COMM_WORLD, size);
}

int rbm_mpi_finalize(void) { return MPI_Finalize(); }

int rbm_mpi_maximum(int64_t value, int64_t *result) {
    return MPI_Allreduce(&value, result, 1, MPI_INT64_T, MPI_MAX, MPI_COMM_WORLD);
}

int rbm_mpi_gather_counts(int64_t count, int64_t *counts) {
    return MPI_Gather(&count, 1, MPI_INT64_T, counts, 1, MPI_INT64_T, 0, MPI_COMM_WORLD);
}

int rbm_mpi_send_to_root(const uint8_t *bytes, int64_t count) {
    for (int64_t offset = 0; offset < count; offset += chunk) {
        int n = (int)(count - offset < chunk ? count - offset : chunk);
        int status = MPI_Send(bytes + offset, n, MPI_BYTE, 0, 0, MPI_COMM_WORLD);
        if (status != MPI_SUCCESS) return status;
    }
    return MPI_SUCCESS;
}

int rbm_mpi_receive_from(int source, uint8_t *bytes, int64_t count) {
    for (int64_t offset = 0; offset < count; offset += chunk) {
        int n = (int)(count - offset < chunk ? count - offset : chunk);
        int status = MPI_Recv(bytes + offset, n, MPI_BYTE, source, 0, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        if (status != MPI_SUCCESS) return status;
    }
    return MPI_SUCCESS;
}

void rbm_mpi_abort(int code) { MPI_Abort(MPI_COMM_WORLD, code); }

void rbm_mpi_describe(int code, char *text, int capacity) {
    char message[MPI_MAX_ERROR_STRING];
    int length = 0;
    if (MPI_Error_string(code, message, &length) != MPI_SUCCESS) length = 0;
    message[length < MPI_MAX_ERROR_STRING ? length : MPI_MAX_ERROR_STRING - 1] = 0;
    if (capacity > 0) {
        strncpy(text, message, (size_t)capacity - 1);
        text[capacity - 1] = 0;
    }
}
#endif
