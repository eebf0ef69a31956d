#define _GNU_SOURCE
#include "CNumerics.h"
#include <dlfcn.h>
#include <stdlib.h>
#include <string.h>

gsl_odeiv2_system *cnumerics_odeiv2_system_alloc(cnumerics_odeiv2_function function, size_t dimension, void *params) {
    gsl_odeiv2_system *system = malloc(sizeof(gsl_odeiv2_system));
    if (!system) return NULL;
    system->function = function;
    system->jacobian = NULL;
    system->dimension = dimension;
    system->params = params;
    return system;
}

void cnumerics_odeiv2_system_free(gsl_odeiv2_system *system) { free(system); }

int cnumerics_cblas_dgemm_provider(char *buffer, size_t capacity) {
    Dl_info info;
    void *symbol = dlsym(RTLD_DEFAULT, "cblas_dgemm");
    if (!symbol || !dladdr(symbol, &info) || !info.dli_fname) return -1;
    char *resolved = realpath(info.dli_fname, NULL);
    const char *name = resolved ? resolved : info.dli_fname;
    strncpy(buffer, name, capacity - 1);
    buffer[capacity - 1] = '\0';
    free(resolved);
    return 0;
}

int cnumerics_set_blas_threads(int threads) {
    void (*set)(int) = (void (*)(int))dlsym(RTLD_DEFAULT, "openblas_set_num_threads");
    if (!set) return 0;
    set(threads);
    return 1;
}

const char *cnumerics_blas_config(void) {
    char *(*config)(void) = (char *(*)(void))dlsym(RTLD_DEFAULT, "openblas_get_config");
    return config ? config() : "unknown";
}
