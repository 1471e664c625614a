/* FFTW single precision (fftwf_*), for the Fourier units of LaMa's generator. */
#include <fftw3.h>
