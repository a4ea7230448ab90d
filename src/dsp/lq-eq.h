/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * LqEq: the parametric equaliser kernel. Up to LQ_EQ_MAX_BANDS bands in series, each a bell,
 * a shelf or a pass (lq-biquad.h gives the exact analogue prototypes it matches), acting on
 * both channels, on the mid (L+R)/2 only or on the side (L-R)/2 only.
 *
 * Minimum-phase mode (the default, no latency) runs the matched biquads. Parameter changes
 * glide: frequency, gain and Q move along a straight line (in log2 Hz, dB and log2 Q) over
 * 20 ms while the coefficients are redesigned every 32 frames and interpolated per sample in
 * between. Changes of type, slope or channels, per-band bypass and the number of bands fade
 * the band out and in over 10 ms. A bell or shelf at 0 dB is skipped: with all of them at
 * 0 dB (and no pass) the EQ is bit-transparent.
 *
 * Linear-phase mode convolves with a symmetric FIR that has the same magnitude as the
 * minimum-phase EQ (frequency sampling of the designed |H| on a fine grid, Kaiser window, the
 * window's smearing corrected iteratively), by partitioned FFT convolution (lq-fir.h); its
 * latency is lq_eq_linear_phase_latency().
 * Changes rebuild the FIR (no allocation) at most once per convolution block and crossfade
 * to it over one block. Switching modes while running crossfades too (see
 * lq_eq_set_linear_phase() for the latency).
 *
 * Mono input: stereo and mid bands act on the signal, side bands do nothing.
 */
#pragma once

#include <stddef.h>

#include "lq-biquad.h"

#ifdef __cplusplus
extern "C" {
#endif

#define LQ_EQ_MAX_BANDS 8

typedef enum
{
  LQ_EQ_STEREO, /* both channels alike */
  LQ_EQ_MID,    /* (L + R) / 2 only; (L - R) / 2 is untouched */
  LQ_EQ_SIDE,   /* (L - R) / 2 only; (L + R) / 2 is untouched */
} LqEqChannels;

typedef struct
{
  LqBiquadType type;     /* bell, shelves, passes */
  double freq;           /* Hz */
  double gain_db;        /* bells and shelves */
  double q;              /* bandwidth, or the passes' resonance (0.7071 = Butterworth) */
  unsigned slope;        /* dB/oct for the passes: 6, 12, 24, 36, 48 */
  LqEqChannels channels; /* which component the band acts on */
  int bypass;            /* band off */
} LqEqBand;

typedef struct LqEq LqEq;

/* Defaults: bell, 1 kHz, 0 dB, Q 0.7071, 12 dB/oct, stereo, not bypassed. */
void lq_eq_band_init (LqEqBand *band);

/* rate: 44.1 to 192 kHz (others work but are not tested), channels: 1 or 2. All bands start
 * at their defaults, 8 bands in use. Returns NULL on failure. */
LqEq *lq_eq_new (double rate, unsigned channels);
void lq_eq_free (LqEq *self);

/* Bands at index >= n fade out (n is clamped to 1..LQ_EQ_MAX_BANDS). */
void lq_eq_set_num_bands (LqEq *self, unsigned n);
void lq_eq_set_band (LqEq *self, unsigned index, const LqEqBand *band);
void lq_eq_get_band (const LqEq *self, unsigned index, LqEqBand *band);

/* Allocates the linear-phase engine (FFT plans, kernels, about 1-4 MB depending on the rate)
 * if not done yet. lq_eq_set_linear_phase() does it on first use; call this beforehand to keep
 * allocation out of a real-time thread. Returns 0 on failure. */
int lq_eq_prepare_linear_phase (LqEq *self);

/* Selects linear-phase (1) or minimum-phase (0). The switch is armed at once and starts at
 * the next lq_eq_process() call, unless a switch is still under way; then it is armed when
 * that one ends. The latency only grows while running: turning linear phase on makes it
 * lq_eq_linear_phase_latency() at once (lq_eq_get_latency() says so before the next call, so
 * a caller that keeps its latency bookkeeping per buffer should call this after processing a
 * buffer); the minimum-phase output plays on delayed until the FIR path is warm, then the
 * two crossfade, so once the extra delay is dropped downstream nothing is lost or repeated.
 * Turning it off keeps that latency: the minimum-phase output stays delayed (through a delay
 * line) and crossfades with the FIR, time-aligned, until lq_eq_reset() (a new stream) brings
 * the latency back to 0. Returns 0 if the engine cannot be allocated. */
int lq_eq_set_linear_phase (LqEq *self, int on);
int lq_eq_get_linear_phase (const LqEq *self);

/* Latency in frames from the next lq_eq_process() call on: 0, or
 * lq_eq_linear_phase_latency(rate) when linear phase is on or was on since the last reset. */
size_t lq_eq_get_latency (const LqEq *self);

/* The latency of linear-phase mode at `rate` (8192 frames at 44.1/48 kHz, 16384 at up to
 * 96 kHz, 32768 above). */
size_t lq_eq_linear_phase_latency (double rate);

/* Processes `frames` interleaved frames in place. */
void lq_eq_process (LqEq *self, float *interleaved, size_t frames);

/* Clears all filter state and ends glides and fades: the next sample plays the asked-for
 * settings (and the asked-for mode). */
void lq_eq_reset (LqEq *self);

/* The designed minimum-phase response (the asked-for settings, not the current glide) at
 * `freq` Hz, for a signal in the mid component (`side` = 0, which is also the mono response
 * and, with only stereo bands, the response of each channel) or in the side component. */
void lq_eq_response (const LqEq *self, int side, double freq, double *re, double *im);

#ifdef __cplusplus
}
#endif
