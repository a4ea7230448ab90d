/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * LqSpectrum: an FFT spectrum analyzer for display, on FFTW (fftw3f).
 *
 * Input: float32 interleaved, mono or stereo, any rate. Every `hop` frames (fft_size x
 * (1 - overlap)) the last fft_size frames of each channel are windowed and transformed; the
 * power of each bin is averaged over the channels (so anti-phase content does not vanish as
 * it would in a mono downmix), averaged over time, and mapped onto a log-frequency grid of
 * `n_points` points from f_min to f_max.
 *
 * Scale (dB, 0 dB = a full-scale sine):
 *  - Bin power is |X[k]|^2 (2 / sum w)^2: the window's coherent gain is divided out, so a
 *    full-scale sine centred on a bin reads 0 dB there, whatever the window or FFT size.
 *  - Smoothing off (0): each grid point reads the highest bin inside its cell of the grid
 *    (the cell spans half the way to each neighbour point), or, where the cell falls between
 *    two bins (low frequencies), the power interpolated between them. A sine reads its level
 *    minus the window's scalloping loss (at most 1.42 dB for Hann, 0.83 dB for
 *    Blackman-Harris when it falls half-way between bins).
 *  - Smoothing 1/N octave: each point reads the power in the 1/N-octave band centred on it
 *    (bins summed, fractional at the band edges, divided by the window's equivalent noise
 *    bandwidth in bins): the band level of a real-time analyzer. A sine whose window lobe
 *    fits in the band still reads its own level, pink noise reads flat (equal power per
 *    octave) and white noise rises 3 dB per octave. Band levels do not depend on the FFT
 *    size (a plain bin average would fall 3 dB per octave on pink noise, which is not what
 *    a mastering engineer compares against).
 *
 * Time averaging is exponential in the power domain per bin with the given time constant
 * (0 = none); the cumulative mode averages every frame equally instead (a long-term average
 * spectrum). Peak hold follows the displayed levels: a peak holds for `hold_ms`, then falls
 * at `decay_db_per_s` (0 = never falls) until it meets the signal.
 *
 * FFTW plans are made once per size for the whole process (1024..32768, under a global lock,
 * since FFTW's planner is not thread-safe) when the first analyzer is created, and all
 * buffers are sized for the largest FFT at creation: changing the FFT size, window, overlap
 * or smoothing later never allocates nor plans, so the setters may be called from a
 * streaming thread between process calls. Changing the FFT size or window restarts the
 * averages; the input history is kept.
 *
 * Non-finite input samples are analysed as 0, and samples beyond +-1e30 clamped there, so
 * that nothing can overflow. The kernel is thread-compatible (no locks):
 * call the setters and getters from the thread that processes, or serialize the calls.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define LQ_SPECTRUM_MIN_FFT_SIZE 1024u
#define LQ_SPECTRUM_MAX_FFT_SIZE 32768u
#define LQ_SPECTRUM_MAX_OVERLAP 0.95
/* Level reported for silence, in dB */
#define LQ_SPECTRUM_FLOOR_DB (-200.0f)

typedef enum
{
  LQ_SPECTRUM_WINDOW_HANN,            /* -31 dB sidelobes, ENBW 1.5 bins, scallop 1.42 dB */
  LQ_SPECTRUM_WINDOW_BLACKMAN_HARRIS, /* 4-term (Harris 1978): -92 dB sidelobes, ENBW 2.0 bins,
                                       * scallop 0.83 dB */
} LqSpectrumWindow;

typedef struct LqSpectrum LqSpectrum;

/* A new analyzer for `channels` (1 or 2) at `rate` Hz (8 kHz..384 kHz) with a grid of
 * `n_points` (2..8192) log-spaced points from `f_min` to `f_max` Hz (0 < f_min < f_max <=
 * rate / 2). Starts with FFT size 8192, Blackman-Harris, 75 % overlap, no smoothing, no
 * averaging, peaks held 1 s then falling 20 dB/s. Returns NULL on bad arguments or when out
 * of memory. */
LqSpectrum *lq_spectrum_new (double rate, unsigned channels, unsigned n_points, double f_min,
                             double f_max);
void lq_spectrum_free (LqSpectrum *self);

/* `size` must be a power of two from LQ_SPECTRUM_MIN_FFT_SIZE to LQ_SPECTRUM_MAX_FFT_SIZE;
 * returns 0, or -1 (and changes nothing) for another value. */
int lq_spectrum_set_fft_size (LqSpectrum *self, unsigned size);
void lq_spectrum_set_window (LqSpectrum *self, LqSpectrumWindow window);
/* Fraction of each FFT frame shared with the previous one, 0..LQ_SPECTRUM_MAX_OVERLAP. */
void lq_spectrum_set_overlap (LqSpectrum *self, double overlap);
/* Band width as a fraction of an octave: `n` = 3 gives 1/3-octave bands; 0 turns smoothing
 * off. Values from 0.1 (ten octaves) to 96. */
void lq_spectrum_set_smoothing (LqSpectrum *self, double n);
/* Time constant of the exponential average in ms; 0 = each frame shown as it is. */
void lq_spectrum_set_averaging (LqSpectrum *self, double ms);
/* Cumulative mode (non-zero): every frame weighs the same, for a long-term average
 * spectrum; frames are analysed only once a whole FFT length of input has arrived. */
void lq_spectrum_set_cumulative (LqSpectrum *self, int cumulative);
void lq_spectrum_set_peak_hold (LqSpectrum *self, double hold_ms, double decay_db_per_s);

unsigned lq_spectrum_get_fft_size (const LqSpectrum *self);
/* Frames between two FFT frames at the current size and overlap. */
unsigned lq_spectrum_get_hop (const LqSpectrum *self);

/* Analyses `frames` frames; `interleaved` may be NULL for silence. */
void lq_spectrum_process (LqSpectrum *self, const float *interleaved, size_t frames);

/* Forgets the input history, the averages and the peaks. */
void lq_spectrum_reset (LqSpectrum *self);
void lq_spectrum_reset_peaks (LqSpectrum *self);

unsigned lq_spectrum_get_n_points (const LqSpectrum *self);
/* The grid: n_points frequencies in Hz, ascending. */
const float *lq_spectrum_get_frequencies (const LqSpectrum *self);
/* Levels in dB at each grid point after the last FFT frame (LQ_SPECTRUM_FLOOR_DB before the
 * first one), and the held peaks. The kernel works in the power domain and converts to dB
 * only here (once per change), so call these at display rate, not per block. The pointers
 * stay valid until lq_spectrum_free(); the values until the next process or reset. */
const float *lq_spectrum_get_levels (LqSpectrum *self);
const float *lq_spectrum_get_peaks (LqSpectrum *self);
/* FFT frames analysed since creation, the last reset or the last FFT size change. */
uint64_t lq_spectrum_get_n_frames (const LqSpectrum *self);

#ifdef __cplusplus
}
#endif
