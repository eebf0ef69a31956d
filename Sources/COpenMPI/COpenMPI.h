// Open MPI's header, found through pkg-config (ompi-c); used only by the CMPI shim.
#include <mpi.h>
